//! The routes against an in-memory `PropiedadService`: a cadastral id held
//! by another property is a 409 that names it, a fresh one is accepted,
//! and nothing malformed reaches the service.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::router;
use crate::propiedades::application::{
    AprobarPropiedad, AprobarPropiedadError, CreacionPropiedad, CrearPropiedad,
    CrearPropiedadError, ObtenerPropiedad, ObtenerPropiedadError, ObtenerPropiedades,
    ObtenerPropiedadesError, PropiedadVista, RechazarPropiedad, RechazarPropiedadError,
};
use crate::propiedades::application::{CasosPropiedad, RECURSO};
use crate::seedwork::api::testing;
use crate::seedwork::application::{CommandContext, PageOf, RecordService};
use crate::seedwork::domain::EntityId;

/// One cadastral id is taken; creations that reach it are recorded.
#[derive(Default)]
struct Propiedades {
    creadas: Mutex<Vec<CrearPropiedad>>,
}

const TOMADA: &str = "CAT-TOMADA";

#[async_trait]
impl RecordService<CasosPropiedad> for Propiedades {
    async fn crear(
        &self,
        command: CrearPropiedad,
        _: CommandContext,
    ) -> Result<CreacionPropiedad, CrearPropiedadError> {
        let catastral = command.datos.identificacion_catastral.as_str().to_owned();
        if catastral == TOMADA {
            return Ok(CreacionPropiedad::Fallida {
                identificacion_catastral: catastral,
            });
        }
        let id = command.id;
        self.creadas.lock().expect("lock").push(command);
        Ok(CreacionPropiedad::Creada(id))
    }

    async fn aprobar(
        &self,
        command: AprobarPropiedad,
        _: CommandContext,
    ) -> Result<(), AprobarPropiedadError> {
        Err(AprobarPropiedadError::NoEncontrada {
            recurso: RECURSO,
            id: command.id,
        })
    }

    async fn rechazar(
        &self,
        command: RechazarPropiedad,
        _: CommandContext,
    ) -> Result<(), RechazarPropiedadError> {
        Err(RechazarPropiedadError::NoEncontrada {
            recurso: RECURSO,
            id: command.id,
        })
    }

    async fn obtener(
        &self,
        query: ObtenerPropiedad,
    ) -> Result<PropiedadVista, ObtenerPropiedadError> {
        Err(ObtenerPropiedadError::NoEncontrada {
            recurso: RECURSO,
            id: query.id,
        })
    }

    async fn listar(
        &self,
        query: ObtenerPropiedades,
    ) -> Result<PageOf<PropiedadVista>, ObtenerPropiedadesError> {
        Ok(PageOf::new(Vec::new(), query.page, 0))
    }
}

async fn pedir(
    service: &Arc<Propiedades>,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    testing::pedir(router(service.clone()), method, uri, body, &[]).await
}

#[tokio::test]
async fn a_taken_cadastral_id_is_a_conflict_that_names_it() {
    let service = Arc::new(Propiedades::default());
    let body = json!({"nombre": "Lote", "identificacion_catastral": TOMADA, "nit": "900"});
    let (status, answer) = pedir(&service, "POST", "/propiedades", Some(body)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    assert!(answer.to_string().contains(TOMADA), "{answer}");
    let body = json!({"nombre": "Lote", "identificacion_catastral": "CAT-LIBRE", "nit": "900"});
    let (status, answer) = pedir(&service, "POST", "/propiedades", Some(body)).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    assert_eq!(
        answer["id_propiedad"],
        service.creadas.lock().expect("lock")[0].id.to_string()
    );
}

#[tokio::test]
async fn a_malformed_body_or_id_never_reaches_the_service() {
    let service = Arc::new(Propiedades::default());
    let (status, answer) = pedir(
        &service,
        "POST",
        "/propiedades",
        Some(json!({"catastral": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["field"], "catastral", "{answer}");
    let (status, answer) = pedir(&service, "POST", "/propiedades/nope/aprobar", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(service.creadas.lock().expect("lock").is_empty());
    let id = EntityId::new();
    let (status, _) = pedir(
        &service,
        "POST",
        &format!("/propiedades/{id}/aprobar"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
