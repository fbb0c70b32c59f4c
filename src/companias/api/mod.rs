//! HTTP adapter of `companias`: where the seedwork's reviewable-record
//! routes live for companies. Parsing and dispatch are in the seedwork.

use crate::seedwork::api::ReviewPaths;

pub const PATHS: ReviewPaths = ReviewPaths {
    collection: "/companias",
    rejected: "/companias/rechazadas",
    id_field: "id_compania",
};
