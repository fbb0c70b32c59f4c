//! The routes against an in-memory `CompaniaService` (the seam the router
//! is generic over): what each answer looks like on the wire, without a
//! database — bodies parsed at the edge, use-case errors mapped in one place.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::router;
use crate::companias::application::{
    AprobarCompania, AprobarCompaniaError, CompaniaVista, CrearCompania, CrearCompaniaError,
    ObtenerCompania, ObtenerCompaniaError, ObtenerCompanias, ObtenerCompaniasError,
    RechazarCompania, RechazarCompaniaError,
};
use crate::companias::application::{CasosCompania, RECURSO};
use crate::seedwork::api::testing;
use crate::seedwork::application::{CommandContext, PageOf, RecordService, StoreError};
use crate::seedwork::domain::{EntityId, Estado, ReviewError};

/// Records what reached it; answers as the scenario says.
#[derive(Default)]
struct Companias {
    creadas: Mutex<Vec<(CrearCompania, CommandContext)>>,
    /// Every use case answers that the store is down.
    caida: bool,
}

fn caida() -> StoreError {
    StoreError::Unavailable("the database refuses connections".into())
}

#[async_trait]
impl RecordService<CasosCompania> for Companias {
    async fn crear(
        &self,
        command: CrearCompania,
        ctx: CommandContext,
    ) -> Result<EntityId, CrearCompaniaError> {
        if self.caida {
            return Err(caida().into());
        }
        let id = command.id;
        self.creadas.lock().expect("lock").push((command, ctx));
        Ok(id)
    }

    async fn aprobar(
        &self,
        command: AprobarCompania,
        _: CommandContext,
    ) -> Result<(), AprobarCompaniaError> {
        Err(AprobarCompaniaError::NoEncontrada {
            recurso: RECURSO,
            id: command.id,
        })
    }

    async fn rechazar(
        &self,
        _: RechazarCompania,
        _: CommandContext,
    ) -> Result<(), RechazarCompaniaError> {
        Err(RechazarCompaniaError::TransicionInvalida(ReviewError {
            from: Estado::Aprobada,
            action: "rechazar",
        }))
    }

    async fn obtener(&self, query: ObtenerCompania) -> Result<CompaniaVista, ObtenerCompaniaError> {
        Err(ObtenerCompaniaError::NoEncontrada {
            recurso: RECURSO,
            id: query.id,
        })
    }

    async fn listar(
        &self,
        _: ObtenerCompanias,
    ) -> Result<PageOf<CompaniaVista>, ObtenerCompaniasError> {
        Err(caida().into())
    }
}

async fn pedir(
    service: &Arc<Companias>,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    testing::pedir(router(service.clone()), method, uri, body, &[]).await
}

#[tokio::test]
async fn a_creation_is_accepted_with_the_parsed_data_and_the_callers_correlation() {
    let service = Arc::new(Companias::default());
    let body = json!({"nombre": " Andes ", "email": "v@andes.co", "identificacion": "900"});
    let correlation = [("x-correlation-id", "corr-api-1")];
    let (status, answer) = testing::pedir(
        router(service.clone()),
        "POST",
        "/companias",
        Some(body),
        &correlation,
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let creadas = service.creadas.lock().expect("lock");
    let (command, ctx) = creadas.first().expect("the service was called");
    assert_eq!(
        command.datos.nombre.as_str(),
        "Andes",
        "trimmed at the edge"
    );
    assert_eq!(ctx.correlation_id, "corr-api-1");
    assert_eq!(answer["id_compania"], command.id.to_string(), "{answer}");
}

#[tokio::test]
async fn an_unknown_field_is_refused_naming_it_and_never_reaches_the_service() {
    let service = Arc::new(Companias::default());
    let body = json!({"nombre": "Andes", "nit": "900"});
    let (status, answer) = pedir(&service, "POST", "/companias", Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["field"], "nit", "{answer}");
    assert!(service.creadas.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn use_case_errors_map_to_their_status() {
    let service = Arc::new(Companias::default());
    let id = EntityId::new();
    let (status, _) = pedir(&service, "GET", &format!("/companias/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = pedir(&service, "POST", &format!("/companias/{id}/aprobar"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let motivos = Some(json!({"motivos": ["email faltante"]}));
    let (status, _) = pedir(
        &service,
        "POST",
        &format!("/companias/{id}/rechazar"),
        motivos,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = pedir(&service, "GET", "/companias", None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let caida = Arc::new(Companias {
        caida: true,
        ..Companias::default()
    });
    let (status, _) = pedir(
        &caida,
        "POST",
        "/companias",
        Some(json!({"nombre": "Andes"})),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_malformed_id_is_refused_naming_it_before_the_service() {
    let service = Arc::new(Companias::default());
    let (status, body) = pedir(&service, "GET", "/companias/not-a-uuid", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "id", "{body}");
}
