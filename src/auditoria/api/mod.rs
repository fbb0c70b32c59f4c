//! HTTP adapter of `auditoria`: audits by resultado/tipo, one audit (by its
//! id or the entity's), the missing-data report, the saga log and the
//! property registrations with their steps. Read-only.

mod openapi;

pub use openapi::openapi;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use crate::auditoria::application::{
    AuditoriaReadModel, AuditoriaView, ConsultasAuditoria, ConteoFaltante, ObtenerAuditoria,
    ObtenerAuditoriaError, ObtenerAuditorias, ObtenerRegistro, ObtenerRegistroError,
    ObtenerRegistros, ObtenerReporteFaltantes, ObtenerSagas, RegistroView, SagaView,
};
use crate::auditoria::domain::Resultado;
use crate::auditoria::domain::{EstadoRegistro, EstadoSaga, TipoEntidad};
use crate::seedwork::api::{ApiError, ValidQuery};
use crate::seedwork::application::{PageOf, PageRequest, ask};

impl From<ObtenerAuditoriaError> for ApiError {
    fn from(error: ObtenerAuditoriaError) -> Self {
        match error {
            ObtenerAuditoriaError::NoEncontrada(id) => ApiError::NotFound {
                resource: "auditoria",
                id,
            },
            ObtenerAuditoriaError::Store(e) => e.into(),
        }
    }
}

impl From<ObtenerRegistroError> for ApiError {
    fn from(error: ObtenerRegistroError) -> Self {
        match error {
            ObtenerRegistroError::NoEncontrado(id) => ApiError::NotFound {
                resource: "registro",
                id,
            },
            ObtenerRegistroError::Store(e) => e.into(),
        }
    }
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

pub fn router<Q: AuditoriaReadModel>(queries: Arc<ConsultasAuditoria<Q>>) -> Router {
    Router::new()
        .route("/auditorias", get(auditorias::<Q>))
        .route("/auditorias/faltantes", get(faltantes::<Q>))
        .route("/auditorias/{id}", get(auditoria::<Q>))
        .route("/sagas", get(sagas::<Q>))
        .route("/registros", get(registros::<Q>))
        .route("/registros/{id}", get(registro::<Q>))
        .with_state(queries)
}

async fn auditorias<Q: AuditoriaReadModel>(
    State(q): State<Arc<ConsultasAuditoria<Q>>>,
    ValidQuery(p): ValidQuery<AuditoriasParams>,
) -> Result<Json<PageOf<AuditoriaView>>, ApiError> {
    let resultado = non_empty(p.resultado.as_deref())
        .map(str::parse::<Resultado>)
        .transpose()?;
    let tipo = non_empty(p.tipo.as_deref())
        .map(str::parse::<TipoEntidad>)
        .transpose()?;
    let page = PageRequest::parse(p.page, p.page_size)?;
    Ok(Json(
        ask(
            &q.auditorias,
            ObtenerAuditorias {
                resultado,
                tipo,
                page,
            },
        )
        .await?,
    ))
}

async fn auditoria<Q: AuditoriaReadModel>(
    State(q): State<Arc<ConsultasAuditoria<Q>>>,
    Path(id): Path<String>,
) -> Result<Json<AuditoriaView>, ApiError> {
    Ok(Json(ask(&q.auditoria, ObtenerAuditoria { id }).await?))
}

async fn faltantes<Q: AuditoriaReadModel>(
    State(q): State<Arc<ConsultasAuditoria<Q>>>,
) -> Result<Json<Vec<ConteoFaltante>>, ApiError> {
    Ok(Json(
        ask(&q.reporte_faltantes, ObtenerReporteFaltantes).await?,
    ))
}

async fn sagas<Q: AuditoriaReadModel>(
    State(q): State<Arc<ConsultasAuditoria<Q>>>,
    ValidQuery(p): ValidQuery<SagasParams>,
) -> Result<Json<PageOf<SagaView>>, ApiError> {
    let estado = non_empty(p.estado.as_deref())
        .map(str::parse::<EstadoSaga>)
        .transpose()?;
    let page = PageRequest::parse(p.page, p.page_size)?;
    Ok(Json(ask(&q.sagas, ObtenerSagas { estado, page }).await?))
}

async fn registros<Q: AuditoriaReadModel>(
    State(q): State<Arc<ConsultasAuditoria<Q>>>,
    ValidQuery(p): ValidQuery<SagasParams>,
) -> Result<Json<PageOf<RegistroView>>, ApiError> {
    let estado = non_empty(p.estado.as_deref())
        .map(str::parse::<EstadoRegistro>)
        .transpose()?;
    let page = PageRequest::parse(p.page, p.page_size)?;
    Ok(Json(
        ask(&q.registros, ObtenerRegistros { estado, page }).await?,
    ))
}

async fn registro<Q: AuditoriaReadModel>(
    State(q): State<Arc<ConsultasAuditoria<Q>>>,
    Path(id_propiedad): Path<String>,
) -> Result<Json<RegistroView>, ApiError> {
    Ok(Json(
        ask(&q.registro, ObtenerRegistro { id_propiedad }).await?,
    ))
}
