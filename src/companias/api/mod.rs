//! HTTP adapter of `companias`: the creation body and where the seedwork's
//! reviewable routes live. Thin: parsing and dispatch are in the seedwork.

use std::sync::Arc;

use axum::Router;
use serde::Deserialize;

use super::application::CompaniaView;
use super::domain::{Compania, DatosCompania};
use crate::seedwork::api::{CreationBody, ReviewPaths, review_router};
use crate::seedwork::api::{ReviewCommandHandlers, ReviewQueryHandlers};
use crate::seedwork::domain::FieldError;

/// `POST /companias`. Missing fields count as blank: ingestion accepts
/// incomplete data. Unknown fields are refused so a typo is not lost.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrearCompaniaBody {
    #[serde(default)]
    pub nombre: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub identificacion: String,
}

impl CreationBody<Compania> for CrearCompaniaBody {
    fn into_datos(self) -> Result<DatosCompania, FieldError> {
        DatosCompania::parse(&self.nombre, &self.email, &self.identificacion)
    }
}

pub const PATHS: ReviewPaths = ReviewPaths {
    collection: "/companias",
    rejected: "/companias/rechazadas",
    id_field: "id_compania",
};

pub fn router<C, Q>(commands: Arc<C>, queries: Arc<Q>) -> Router
where
    C: ReviewCommandHandlers<Compania>,
    Q: ReviewQueryHandlers<CompaniaView>,
{
    review_router::<Compania, CrearCompaniaBody, CompaniaView, C, Q>(PATHS, commands, queries)
}
