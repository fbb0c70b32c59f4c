//! The routes against an in-memory `DatosGeograficosService`: coordinates
//! travel as text (the audit judges their range), a non-text value is
//! refused naming its field, and use-case errors map to their status.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::router;
use crate::geograficos::application::{
    AprobarDatosGeograficos, AprobarDatosGeograficosError, CrearDatosGeograficos,
    CrearDatosGeograficosError, DatosGeograficosVista, ObtenerDatoGeografico,
    ObtenerDatoGeograficoError, ObtenerDatosGeograficos, ObtenerDatosGeograficosError,
    RechazarDatosGeograficos, RechazarDatosGeograficosError,
};
use crate::geograficos::application::{CasosDatosGeograficos, RECURSO};
use crate::seedwork::api::testing;
use crate::seedwork::application::{CommandContext, PageOf, RecordService};
use crate::seedwork::domain::EntityId;

/// Records the creations that reached it; nothing else exists.
#[derive(Default)]
struct Geograficos {
    creados: Mutex<Vec<CrearDatosGeograficos>>,
}

#[async_trait]
impl RecordService<CasosDatosGeograficos> for Geograficos {
    async fn crear(
        &self,
        command: CrearDatosGeograficos,
        _: CommandContext,
    ) -> Result<EntityId, CrearDatosGeograficosError> {
        let id = command.id;
        self.creados.lock().expect("lock").push(command);
        Ok(id)
    }

    async fn aprobar(
        &self,
        command: AprobarDatosGeograficos,
        _: CommandContext,
    ) -> Result<(), AprobarDatosGeograficosError> {
        Err(AprobarDatosGeograficosError::NoEncontrada {
            recurso: RECURSO,
            id: command.id,
        })
    }

    async fn rechazar(
        &self,
        command: RechazarDatosGeograficos,
        _: CommandContext,
    ) -> Result<(), RechazarDatosGeograficosError> {
        Err(RechazarDatosGeograficosError::NoEncontrada {
            recurso: RECURSO,
            id: command.id,
        })
    }

    async fn obtener(
        &self,
        query: ObtenerDatoGeografico,
    ) -> Result<DatosGeograficosVista, ObtenerDatoGeograficoError> {
        Err(ObtenerDatoGeograficoError::NoEncontrada {
            recurso: RECURSO,
            id: query.id,
        })
    }

    async fn listar(
        &self,
        query: ObtenerDatosGeograficos,
    ) -> Result<PageOf<DatosGeograficosVista>, ObtenerDatosGeograficosError> {
        Ok(PageOf::new(Vec::new(), query.page, 0))
    }
}

async fn pedir(
    service: &Arc<Geograficos>,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    testing::pedir(router(service.clone()), method, uri, body, &[]).await
}

#[tokio::test]
async fn an_out_of_range_latitud_goes_through_as_text_for_the_audit_to_judge() {
    let service = Arc::new(Geograficos::default());
    let body = json!({"nombre_propiedad": "Finca", "latitud": "146.2", "longitud": "-74.08"});
    let (status, answer) = pedir(&service, "POST", "/geograficos", Some(body)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let creados = service.creados.lock().expect("lock");
    assert_eq!(creados[0].datos.latitud.as_str(), "146.2");
    assert_eq!(answer["id_datos_geograficos"], creados[0].id.to_string());
}

#[tokio::test]
async fn a_number_where_text_is_expected_is_refused_naming_the_field() {
    let service = Arc::new(Geograficos::default());
    let body = json!({"nombre_propiedad": "Finca", "latitud": 4.6, "longitud": "-74.08"});
    let (status, answer) = pedir(&service, "POST", "/geograficos", Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["field"], "latitud", "{answer}");
    assert!(service.creados.lock().expect("lock").is_empty());
}

#[tokio::test]
async fn unknown_records_are_404_and_an_empty_list_is_a_page() {
    let service = Arc::new(Geograficos::default());
    let id = EntityId::new();
    let (status, _) = pedir(&service, "GET", &format!("/geograficos/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = pedir(
        &service,
        "POST",
        &format!("/geograficos/{id}/aprobar"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, page) = pedir(&service, "GET", "/geograficos/rechazados", None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 0, "{page}");
}
