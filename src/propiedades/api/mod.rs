//! The HTTP API of `propiedades`: parse into validated values, call the
//! `PropiedadService`, answer. Errors become problem bodies in `errors`.
//! The router is generic over the service: `tests` drives it against an
//! in-memory one.
//!
//! `POST /propiedades` → the seedwork's record routes → `PropiedadesHttp::crear`
//! → `PropiedadService::crear` (the seedwork's `RecordUseCases`, group commit) →
//! `CrearPropiedadHandler` (its own: a taken cadastral id is an answer) →
//! `Propiedad::registrar` →
//! `SqlPropiedadRepository::guardar` (staged; one INSERT for the group at commit) + the outbox row.

mod errors;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use serde::Deserialize;

use crate::propiedades::application::{
    AprobarPropiedad, CreacionPropiedad, CrearPropiedad, CrearPropiedadError, ObtenerPropiedad,
    ObtenerPropiedades, PropiedadService, PropiedadVista, RechazarPropiedad,
};
use crate::propiedades::domain::DatosPropiedad;
use crate::seedwork::api::{ApiError, RecordApi, ReviewPaths, record_router};
use crate::seedwork::application::{CommandContext, PageOf, PageRequest};
use crate::seedwork::domain::{EntityId, Estado, Motivos};

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

/// The routes (written once in the seedwork) over this context's service.
pub fn router<S: PropiedadService>(service: Arc<S>) -> Router {
    record_router(Arc::new(PropiedadesHttp(service)))
}

/// What each route asks of propiedades, in its commands and queries.
struct PropiedadesHttp<S>(Arc<S>);

#[async_trait]
impl<S: PropiedadService> RecordApi for PropiedadesHttp<S> {
    type Body = CrearPropiedadBody;
    type Vista = PropiedadVista;
    const PATHS: ReviewPaths = PATHS;

    async fn crear(
        &self,
        body: CrearPropiedadBody,
        ctx: CommandContext,
    ) -> Result<EntityId, ApiError> {
        let command = CrearPropiedad {
            id: EntityId::new(),
            datos: body.datos()?,
        };
        // A taken cadastral id committed its refusal (the event a saga
        // waits for); the caller hears it as a conflict naming the id.
        match self.0.crear(command, ctx).await? {
            CreacionPropiedad::Creada(id) => Ok(id),
            CreacionPropiedad::Fallida {
                identificacion_catastral,
            } => Err(CrearPropiedadError::CatastralRegistrada(identificacion_catastral).into()),
        }
    }

    async fn aprobar(&self, id: EntityId, ctx: CommandContext) -> Result<(), ApiError> {
        let command = AprobarPropiedad {
            id,
            motivo_revision: None,
        };
        Ok(self.0.aprobar(command, ctx).await?)
    }

    async fn rechazar(
        &self,
        id: EntityId,
        motivos: Motivos,
        ctx: CommandContext,
    ) -> Result<(), ApiError> {
        let command = RechazarPropiedad {
            id,
            motivos,
            motivo_revision: None,
        };
        Ok(self.0.rechazar(command, ctx).await?)
    }

    async fn obtener(&self, id: EntityId) -> Result<PropiedadVista, ApiError> {
        Ok(self.0.obtener(ObtenerPropiedad { id }).await?)
    }

    async fn listar(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<PropiedadVista>, ApiError> {
        Ok(self.0.listar(ObtenerPropiedades { estado, page }).await?)
    }
}

/// The OpenAPI document of these routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::seedwork::api::openapi::registro_openapi(
        crate::contracts::services::PROPIEDADES,
        PATHS,
        &FIELDS,
    )
}
