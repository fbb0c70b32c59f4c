//! The HTTP API of `companias`: parse into validated values, call the
//! `CompaniaService`, answer. Errors become problem bodies in `errors`.
//! The router is generic over the service: `tests` drives it against an
//! in-memory one.
//!
//! `POST /companias` → [`crear`] → `CompaniaService::crear_compania` →
//! `CrearCompaniaHandler` → `Compania::registrar` →
//! `SqlCompaniaRepository::guardar` (staged; one INSERT for the group at commit) + the outbox row.

mod errors;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::companias::application::{
    AprobarCompania, CompaniaService, CrearCompania, ObtenerCompania, ObtenerCompanias,
    RechazarCompania,
};
use crate::companias::domain::DatosCompania;
use crate::seedwork::api::{
    ApiError, Correlation, ListParams, MotivosBody, PageParams, ReviewPaths, ValidJson, ValidQuery,
    accepted, path_id,
};
use crate::seedwork::application::CommandContext;
use crate::seedwork::domain::{EntityId, Estado};

pub const PATHS: ReviewPaths = ReviewPaths {
    collection: "/companias",
    rejected: "/companias/rechazadas",
    id_field: "id_compania",
    unique: None,
};

/// The data fields of a company, as the creation body and views name them.
pub const FIELDS: [&str; 5] = ["nombre", "email", "identificacion", "pais", "telefono"];

/// `POST /companias`: any field may be missing or null (blank); an unknown
/// field or a non-text value is refused, naming the field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrearCompaniaBody {
    #[serde(default)]
    nombre: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    identificacion: Option<String>,
    #[serde(default)]
    pais: Option<String>,
    #[serde(default)]
    telefono: Option<String>,
}

impl CrearCompaniaBody {
    fn datos(self) -> Result<DatosCompania, ApiError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Ok(DatosCompania::parse(
            &text(&self.nombre),
            &text(&self.email),
            &text(&self.identificacion),
            &text(&self.pais),
            &text(&self.telefono),
        )?)
    }
}

pub fn router<S: CompaniaService>(service: Arc<S>) -> Router {
    Router::new()
        .route("/companias", post(crear::<S>).get(listar::<S>))
        .route("/companias/rechazadas", get(rechazadas::<S>))
        .route("/companias/{id}", get(obtener::<S>))
        .route("/companias/{id}/aprobar", post(aprobar::<S>))
        .route("/companias/{id}/rechazar", post(rechazar::<S>))
        .with_state(service)
}

async fn crear<S: CompaniaService>(
    State(service): State<Arc<S>>,
    Correlation(correlation): Correlation,
    ValidJson(body): ValidJson<CrearCompaniaBody>,
) -> Result<Response, ApiError> {
    let command = CrearCompania {
        id: EntityId::new(),
        datos: body.datos()?,
    };
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    let id = service.crear_compania(command, ctx.clone()).await?;
    Ok(accepted(PATHS.id_field, &ctx, id))
}

async fn aprobar<S: CompaniaService>(
    State(service): State<Arc<S>>,
    Correlation(correlation): Correlation,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    service
        .aprobar_compania(
            AprobarCompania {
                id,
                motivo_revision: None,
            },
            ctx.clone(),
        )
        .await?;
    Ok(accepted(PATHS.id_field, &ctx, id))
}

async fn rechazar<S: CompaniaService>(
    State(service): State<Arc<S>>,
    Correlation(correlation): Correlation,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<MotivosBody>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let motivos = body.parse()?;
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    service
        .rechazar_compania(
            RechazarCompania {
                id,
                motivos,
                motivo_revision: None,
            },
            ctx.clone(),
        )
        .await?;
    Ok(accepted(PATHS.id_field, &ctx, id))
}

async fn obtener<S: CompaniaService>(
    State(service): State<Arc<S>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    Ok(Json(service.obtener_compania(ObtenerCompania { id }).await?).into_response())
}

async fn listar<S: CompaniaService>(
    State(service): State<Arc<S>>,
    ValidQuery(params): ValidQuery<ListParams>,
) -> Result<Response, ApiError> {
    let (estado, page) = params.parse()?;
    let query = ObtenerCompanias { estado, page };
    Ok(Json(service.obtener_companias(query).await?).into_response())
}

async fn rechazadas<S: CompaniaService>(
    State(service): State<Arc<S>>,
    ValidQuery(params): ValidQuery<PageParams>,
) -> Result<Response, ApiError> {
    let query = ObtenerCompanias {
        estado: Some(Estado::Rechazada),
        page: params.parse()?,
    };
    Ok(Json(service.obtener_companias(query).await?).into_response())
}

/// The OpenAPI document of these routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::seedwork::api::openapi::registro_openapi(
        crate::contracts::services::COMPANIAS,
        PATHS,
        &FIELDS,
    )
}
