//! The HTTP API of `companias`: parse into validated values, call the
//! `CompaniaService`, answer. Errors become problem bodies in the seedwork
//! (`record_errors`).
//! The router is generic over the service: `tests` drives it against an
//! in-memory one.
//!
//! `POST /companias` → the seedwork's record routes → `CompaniasHttp::crear`
//! → `CompaniaService::crear` (the seedwork's `RecordUseCases`, group commit) →
//! `CrearCompaniaHandler` (the seedwork's load → create → save) →
//! `CrearCompania::si_no_existe` → `Compania::registrar` →
//! `SqlCompaniaRepository::guardar` (staged; one INSERT for the group at commit) + the outbox row.

#[cfg(test)]
mod tests;

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use serde::Deserialize;

use crate::companias::application::{
    AprobarCompania, CompaniaService, CompaniaVista, CrearCompania, ObtenerCompania,
    ObtenerCompanias, RechazarCompania,
};
use crate::companias::domain::DatosCompania;
use crate::seedwork::api::{ApiError, RecordApi, ReviewPaths, record_router};
use crate::seedwork::application::{CommandContext, PageOf, PageRequest};
use crate::seedwork::domain::{EntityId, Estado, Motivos};

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

/// The routes (written once in the seedwork) over this context's service.
pub fn router<S: CompaniaService>(service: Arc<S>) -> Router {
    record_router(Arc::new(CompaniasHttp(service)))
}

/// What each route asks of companias, in its commands and queries.
struct CompaniasHttp<S>(Arc<S>);

#[async_trait]
impl<S: CompaniaService> RecordApi for CompaniasHttp<S> {
    type Body = CrearCompaniaBody;
    type Vista = CompaniaVista;
    const PATHS: ReviewPaths = PATHS;

    async fn crear(
        &self,
        body: CrearCompaniaBody,
        ctx: CommandContext,
    ) -> Result<EntityId, ApiError> {
        let command = CrearCompania {
            id: EntityId::new(),
            datos: body.datos()?,
        };
        Ok(self.0.crear(command, ctx).await?)
    }

    async fn aprobar(&self, id: EntityId, ctx: CommandContext) -> Result<(), ApiError> {
        let command = AprobarCompania {
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
        let command = RechazarCompania {
            id,
            motivos,
            motivo_revision: None,
        };
        Ok(self.0.rechazar(command, ctx).await?)
    }

    async fn obtener(&self, id: EntityId) -> Result<CompaniaVista, ApiError> {
        Ok(self.0.obtener(ObtenerCompania { id }).await?)
    }

    async fn listar(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<CompaniaVista>, ApiError> {
        Ok(self.0.listar(ObtenerCompanias { estado, page }).await?)
    }
}

/// The OpenAPI document of these routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    crate::seedwork::api::openapi::registro_openapi(
        crate::contracts::services::COMPANIAS,
        PATHS,
        &FIELDS,
    )
}
