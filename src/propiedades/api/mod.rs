//! The HTTP API of `propiedades`: parse into validated values, call the
//! `PropiedadService`, answer. Errors become problem bodies in `errors`.
//! The router is generic over the service: `tests` drives it against an
//! in-memory one.
//!
//! `POST /propiedades` → [`crear`] → `PropiedadService::crear_propiedad` →
//! `CrearPropiedadHandler` → `Propiedad::registrar` →
//! `SqlPropiedadRepository::guardar` (staged; one INSERT for the group at commit) + the outbox row.

mod errors;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::propiedades::application::{
    AprobarPropiedad, CrearPropiedad, ObtenerPropiedad, ObtenerPropiedades, PropiedadService,
    RechazarPropiedad,
};
use crate::propiedades::domain::DatosPropiedad;
use crate::seedwork::api::{
    ApiError, Correlation, ListParams, MotivosBody, PageParams, ReviewPaths, ValidJson, ValidQuery,
    accepted, path_id,
};
use crate::seedwork::application::CommandContext;
use crate::seedwork::domain::{EntityId, Estado};

pub const PATHS: ReviewPaths = ReviewPaths {
    collection: "/propiedades",
    rejected: "/propiedades/rechazadas",
    id_field: "id_propiedad",
    unique: Some("identificacion_catastral"),
};

/// The data fields of a record, as the creation body and views name them.
pub const FIELDS: [&str; 3] = ["nombre", "identificacion_catastral", "nit"];

/// `POST /propiedades`: any field may be missing or null (blank); an unknown
/// field or a non-text value is refused, naming the field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrearPropiedadBody {
    #[serde(default)]
    nombre: Option<String>,
    #[serde(default)]
    identificacion_catastral: Option<String>,
    #[serde(default)]
    nit: Option<String>,
}

impl CrearPropiedadBody {
    fn datos(self) -> Result<DatosPropiedad, ApiError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Ok(DatosPropiedad::parse(
            &text(&self.nombre),
            &text(&self.identificacion_catastral),
            &text(&self.nit),
        )?)
    }
}

pub fn router<S: PropiedadService>(service: Arc<S>) -> Router {
    Router::new()
        .route("/propiedades", post(crear::<S>).get(listar::<S>))
        .route("/propiedades/rechazadas", get(rechazadas::<S>))
        .route("/propiedades/{id}", get(obtener::<S>))
        .route("/propiedades/{id}/aprobar", post(aprobar::<S>))
        .route("/propiedades/{id}/rechazar", post(rechazar::<S>))
        .with_state(service)
}

async fn crear<S: PropiedadService>(
    State(service): State<Arc<S>>,
    Correlation(correlation): Correlation,
    ValidJson(body): ValidJson<CrearPropiedadBody>,
) -> Result<Response, ApiError> {
    let command = CrearPropiedad {
        id: EntityId::new(),
        datos: body.datos()?,
    };
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    let id = service.crear_propiedad(command, ctx.clone()).await?;
    Ok(accepted(PATHS.id_field, &ctx, id))
}

async fn aprobar<S: PropiedadService>(
    State(service): State<Arc<S>>,
    Correlation(correlation): Correlation,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    service
        .aprobar_propiedad(
            AprobarPropiedad {
                id,
                motivo_revision: None,
            },
            ctx.clone(),
        )
        .await?;
    Ok(accepted(PATHS.id_field, &ctx, id))
}

async fn rechazar<S: PropiedadService>(
    State(service): State<Arc<S>>,
    Correlation(correlation): Correlation,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<MotivosBody>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let motivos = body.parse()?;
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    service
        .rechazar_propiedad(
            RechazarPropiedad {
                id,
                motivos,
                motivo_revision: None,
            },
            ctx.clone(),
        )
        .await?;
    Ok(accepted(PATHS.id_field, &ctx, id))
}

async fn obtener<S: PropiedadService>(
    State(service): State<Arc<S>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    Ok(Json(service.obtener_propiedad(ObtenerPropiedad { id }).await?).into_response())
}

async fn listar<S: PropiedadService>(
    State(service): State<Arc<S>>,
    ValidQuery(params): ValidQuery<ListParams>,
) -> Result<Response, ApiError> {
    let (estado, page) = params.parse()?;
    let query = ObtenerPropiedades { estado, page };
    Ok(Json(service.obtener_propiedades(query).await?).into_response())
}

async fn rechazadas<S: PropiedadService>(
    State(service): State<Arc<S>>,
    ValidQuery(params): ValidQuery<PageParams>,
) -> Result<Response, ApiError> {
    let query = ObtenerPropiedades {
        estado: Some(Estado::Rechazada),
        page: params.parse()?,
    };
    Ok(Json(service.obtener_propiedades(query).await?).into_response())
}

/// The OpenAPI document of these routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::seedwork::api::openapi::registro_openapi(
        crate::contracts::services::PROPIEDADES,
        PATHS,
        &FIELDS,
    )
}
