//! HTTP adapter of `auditoria`: audits by resultado/tipo, one audit (by its
//! id or the entity's), the missing-data report and the saga log. Read-only.

mod openapi;

pub use openapi::openapi;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use crate::auditoria::application::{
    AuditoriaQueryError, AuditoriaView, ConteoFaltante, ObtenerAuditoria, ObtenerAuditorias,
    ObtenerReporteFaltantes, ObtenerSagas, SagaView,
};
use crate::auditoria::domain::{EstadoSaga, TipoEntidad};
use crate::seedwork::api::{ApiError, ValidQuery};
use crate::seedwork::application::{PageOf, PageRequest, QueryHandler, ask};
use crate::seedwork::domain::Estado;

impl From<AuditoriaQueryError> for ApiError {
    fn from(error: AuditoriaQueryError) -> Self {
        match error {
            AuditoriaQueryError::NotFound(id) => ApiError::NotFound {
                resource: "auditoria",
                id,
            },
            AuditoriaQueryError::Store(e) => e.into(),
        }
    }
}

pub trait AuditoriaQueryHandlers:
    QueryHandler<ObtenerAuditorias, Error = AuditoriaQueryError>
    + QueryHandler<ObtenerAuditoria, Error = AuditoriaQueryError>
    + QueryHandler<ObtenerReporteFaltantes, Error = AuditoriaQueryError>
    + QueryHandler<ObtenerSagas, Error = AuditoriaQueryError>
    + 'static
{
}
impl<T> AuditoriaQueryHandlers for T where
    T: QueryHandler<ObtenerAuditorias, Error = AuditoriaQueryError>
        + QueryHandler<ObtenerAuditoria, Error = AuditoriaQueryError>
        + QueryHandler<ObtenerReporteFaltantes, Error = AuditoriaQueryError>
        + QueryHandler<ObtenerSagas, Error = AuditoriaQueryError>
        + 'static
{
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditoriasParams {
    resultado: Option<String>,
    tipo: Option<String>,
    page: Option<u32>,
    page_size: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SagasParams {
    estado: Option<String>,
    page: Option<u32>,
    page_size: Option<u32>,
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

pub fn router<Q: AuditoriaQueryHandlers>(queries: Arc<Q>) -> Router {
    Router::new()
        .route("/auditorias", get(auditorias::<Q>))
        .route("/auditorias/faltantes", get(faltantes::<Q>))
        .route("/auditorias/{id}", get(auditoria::<Q>))
        .route("/sagas", get(sagas::<Q>))
        .with_state(queries)
}

async fn auditorias<Q: AuditoriaQueryHandlers>(
    State(q): State<Arc<Q>>,
    ValidQuery(p): ValidQuery<AuditoriasParams>,
) -> Result<Json<PageOf<AuditoriaView>>, ApiError> {
    let resultado = non_empty(p.resultado.as_deref())
        .map(str::parse::<Estado>)
        .transpose()?;
    let tipo = non_empty(p.tipo.as_deref())
        .map(str::parse::<TipoEntidad>)
        .transpose()?;
    let page = PageRequest::parse(p.page, p.page_size)?;
    Ok(Json(
        ask(
            q.as_ref(),
            ObtenerAuditorias {
                resultado,
                tipo,
                page,
            },
        )
        .await?,
    ))
}

async fn auditoria<Q: AuditoriaQueryHandlers>(
    State(q): State<Arc<Q>>,
    Path(id): Path<String>,
) -> Result<Json<AuditoriaView>, ApiError> {
    Ok(Json(ask(q.as_ref(), ObtenerAuditoria { id }).await?))
}

async fn faltantes<Q: AuditoriaQueryHandlers>(
    State(q): State<Arc<Q>>,
) -> Result<Json<Vec<ConteoFaltante>>, ApiError> {
    Ok(Json(ask(q.as_ref(), ObtenerReporteFaltantes).await?))
}

async fn sagas<Q: AuditoriaQueryHandlers>(
    State(q): State<Arc<Q>>,
    ValidQuery(p): ValidQuery<SagasParams>,
) -> Result<Json<PageOf<SagaView>>, ApiError> {
    let estado = non_empty(p.estado.as_deref())
        .map(str::parse::<EstadoSaga>)
        .transpose()?;
    let page = PageRequest::parse(p.page, p.page_size)?;
    Ok(Json(ask(q.as_ref(), ObtenerSagas { estado, page }).await?))
}
