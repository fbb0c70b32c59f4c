//! The HTTP API of `geograficos`: parse into validated values, call the
//! `DatosGeograficosService`, answer. Errors become problem bodies in `errors`.
//! The router is generic over the service: `tests` drives it against an
//! in-memory one.
//!
//! `POST /geograficos` → [`crear`] → `DatosGeograficosService::crear_datos_geograficos` →
//! `CrearDatosGeograficosHandler` → `DatosGeograficos::registrar` →
//! `SqlDatosGeograficosRepository::guardar` (staged; one INSERT for the group at commit) + the outbox row.

mod errors;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::geograficos::application::{
    AprobarDatosGeograficos, CrearDatosGeograficos, DatosGeograficosService, ObtenerDatoGeografico,
    ObtenerDatosGeograficos, RechazarDatosGeograficos,
};
use crate::geograficos::domain::Coordenadas;
use crate::seedwork::api::{
    ApiError, Correlation, ListParams, MotivosBody, PageParams, ReviewPaths, ValidJson, ValidQuery,
    accepted, path_id,
};
use crate::seedwork::application::CommandContext;
use crate::seedwork::domain::{EntityId, Estado};

pub const PATHS: ReviewPaths = ReviewPaths {
    collection: "/geograficos",
    rejected: "/geograficos/rechazados",
    id_field: "id_datos_geograficos",
    unique: None,
};

/// The data fields of a record, as the creation body and views name them.
pub const FIELDS: [&str; 4] = ["nombre_propiedad", "latitud", "longitud", "direccion"];

/// `POST /geograficos`: any field may be missing or null (blank); an unknown
/// field or a non-text value is refused, naming the field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrearDatosGeograficosBody {
    #[serde(default)]
    nombre_propiedad: Option<String>,
    #[serde(default)]
    latitud: Option<String>,
    #[serde(default)]
    longitud: Option<String>,
    #[serde(default)]
    direccion: Option<String>,
}

impl CrearDatosGeograficosBody {
    fn datos(self) -> Result<Coordenadas, ApiError> {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        Ok(Coordenadas::parse(
            &text(&self.nombre_propiedad),
            &text(&self.latitud),
            &text(&self.longitud),
            &text(&self.direccion),
        )?)
    }
}

pub fn router<S: DatosGeograficosService>(service: Arc<S>) -> Router {
    Router::new()
        .route("/geograficos", post(crear::<S>).get(listar::<S>))
        .route("/geograficos/rechazados", get(rechazadas::<S>))
        .route("/geograficos/{id}", get(obtener::<S>))
        .route("/geograficos/{id}/aprobar", post(aprobar::<S>))
        .route("/geograficos/{id}/rechazar", post(rechazar::<S>))
        .with_state(service)
}

async fn crear<S: DatosGeograficosService>(
    State(service): State<Arc<S>>,
    Correlation(correlation): Correlation,
    ValidJson(body): ValidJson<CrearDatosGeograficosBody>,
) -> Result<Response, ApiError> {
    let command = CrearDatosGeograficos {
        id: EntityId::new(),
        datos: body.datos()?,
    };
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    let id = service
        .crear_datos_geograficos(command, ctx.clone())
        .await?;
    Ok(accepted(PATHS.id_field, &ctx, id))
}

async fn aprobar<S: DatosGeograficosService>(
    State(service): State<Arc<S>>,
    Correlation(correlation): Correlation,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    service
        .aprobar_datos_geograficos(
            AprobarDatosGeograficos {
                id,
                motivo_revision: None,
            },
            ctx.clone(),
        )
        .await?;
    Ok(accepted(PATHS.id_field, &ctx, id))
}

async fn rechazar<S: DatosGeograficosService>(
    State(service): State<Arc<S>>,
    Correlation(correlation): Correlation,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<MotivosBody>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let motivos = body.parse()?;
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    service
        .rechazar_datos_geograficos(
            RechazarDatosGeograficos {
                id,
                motivos,
                motivo_revision: None,
            },
            ctx.clone(),
        )
        .await?;
    Ok(accepted(PATHS.id_field, &ctx, id))
}

async fn obtener<S: DatosGeograficosService>(
    State(service): State<Arc<S>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    Ok(Json(
        service
            .obtener_dato_geografico(ObtenerDatoGeografico { id })
            .await?,
    )
    .into_response())
}

async fn listar<S: DatosGeograficosService>(
    State(service): State<Arc<S>>,
    ValidQuery(params): ValidQuery<ListParams>,
) -> Result<Response, ApiError> {
    let (estado, page) = params.parse()?;
    let query = ObtenerDatosGeograficos { estado, page };
    Ok(Json(service.obtener_datos_geograficos(query).await?).into_response())
}

async fn rechazadas<S: DatosGeograficosService>(
    State(service): State<Arc<S>>,
    ValidQuery(params): ValidQuery<PageParams>,
) -> Result<Response, ApiError> {
    let query = ObtenerDatosGeograficos {
        estado: Some(Estado::Rechazada),
        page: params.parse()?,
    };
    Ok(Json(service.obtener_datos_geograficos(query).await?).into_response())
}

/// The OpenAPI document of these routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::seedwork::api::openapi::registro_openapi(
        crate::contracts::services::GEOGRAFICOS,
        PATHS,
        &FIELDS,
    )
}
