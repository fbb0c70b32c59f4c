//! HTTP adapter of `companias`: where the seedwork's reviewable-record
//! routes live for companies. Parsing and dispatch are in the seedwork.

use std::sync::Arc;

use axum::Router;

use super::domain::{Compania, DatosCompania};
use crate::seedwork::api::{
    RegistroBody, ReviewCommandHandlers, ReviewPaths, ReviewQueryHandlers, review_router,
};
use crate::seedwork::application::review::RegistroView;

pub const PATHS: ReviewPaths = ReviewPaths {
    collection: "/companias",
    rejected: "/companias/rechazadas",
    id_field: "id_compania",
};

pub fn router<C, Q>(commands: Arc<C>, queries: Arc<Q>) -> Router
where
    C: ReviewCommandHandlers<Compania>,
    Q: ReviewQueryHandlers<RegistroView>,
{
    review_router::<Compania, RegistroBody<DatosCompania>, RegistroView, C, Q>(
        PATHS, commands, queries,
    )
}
