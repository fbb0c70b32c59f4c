//! HTTP adapter of `geograficos`: where the seedwork's reviewable-record
//! routes live for geographic data.

use crate::seedwork::api::ReviewPaths;

pub const PATHS: ReviewPaths = ReviewPaths {
    collection: "/geograficos",
    rejected: "/geograficos/rechazados",
    id_field: "id_datos_geograficos",
};
