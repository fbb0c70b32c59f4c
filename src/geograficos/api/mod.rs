//! The HTTP API of `geograficos`: parse into validated values, call the
//! `DatosGeograficosService`, answer. Errors become problem bodies in the seedwork
//! (`record_errors`).
//! The router is generic over the service: `tests` drives it against an
//! in-memory one.
//!
//! `POST /geograficos` → the seedwork's record routes → `GeograficosHttp::crear`
//! → `DatosGeograficosService::crear` (the seedwork's `RecordUseCases`, group commit) →
//! `CrearDatosGeograficosHandler` (the seedwork's load → create → save) →
//! `CrearDatosGeograficos::si_no_existe` → `DatosGeograficos::registrar` →
//! `SqlDatosGeograficosRepository::guardar` (staged; one INSERT for the group at commit) + the outbox row.

#[cfg(test)]
mod tests;

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use serde::Deserialize;

use crate::geograficos::application::{
    AprobarDatosGeograficos, CrearDatosGeograficos, DatosGeograficosService, DatosGeograficosVista,
    ObtenerDatoGeografico, ObtenerDatosGeograficos, RechazarDatosGeograficos,
};
use crate::geograficos::domain::Coordenadas;
use crate::seedwork::api::{ApiError, RecordApi, ReviewPaths, record_router};
use crate::seedwork::application::{CommandContext, PageOf, PageRequest};
use crate::seedwork::domain::{EntityId, Estado, Motivos};

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

/// The routes (written once in the seedwork) over this context's service.
pub fn router<S: DatosGeograficosService>(service: Arc<S>) -> Router {
    record_router(Arc::new(GeograficosHttp(service)))
}

/// What each route asks of geograficos, in its commands and queries.
struct GeograficosHttp<S>(Arc<S>);

#[async_trait]
impl<S: DatosGeograficosService> RecordApi for GeograficosHttp<S> {
    type Body = CrearDatosGeograficosBody;
    type Vista = DatosGeograficosVista;
    const PATHS: ReviewPaths = PATHS;

    async fn crear(
        &self,
        body: CrearDatosGeograficosBody,
        ctx: CommandContext,
    ) -> Result<EntityId, ApiError> {
        let command = CrearDatosGeograficos {
            id: EntityId::new(),
            datos: body.datos()?,
        };
        Ok(self.0.crear(command, ctx).await?)
    }

    async fn aprobar(&self, id: EntityId, ctx: CommandContext) -> Result<(), ApiError> {
        let command = AprobarDatosGeograficos {
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
        let command = RechazarDatosGeograficos {
            id,
            motivos,
            motivo_revision: None,
        };
        Ok(self.0.rechazar(command, ctx).await?)
    }

    async fn obtener(&self, id: EntityId) -> Result<DatosGeograficosVista, ApiError> {
        Ok(self.0.obtener(ObtenerDatoGeografico { id }).await?)
    }

    async fn listar(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<DatosGeograficosVista>, ApiError> {
        Ok(self
            .0
            .listar(ObtenerDatosGeograficos { estado, page })
            .await?)
    }
}

/// The OpenAPI document of these routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::seedwork::api::openapi::registro_openapi(
        crate::contracts::services::GEOGRAFICOS,
        PATHS,
        &FIELDS,
    )
}
