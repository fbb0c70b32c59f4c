//! Commands arriving on `comandos-companias` (embedded bus): encoded from the
//! schema file by the Avro codec, applied once, poison to the dead letters.
mod common;

use common::{Backend, TestApp, spawn_companias};
use propalpes::seedwork::application::Message;
use propalpes::seedwork::infrastructure::avro::EnvelopeHeader;
use serde_json::json;

#[derive(serde::Serialize)]
struct CrearCompania {
    id_compania: Option<String>,
    nombre: String,
    email: String,
    identificacion: String,
    fecha_creacion: i64,
}

#[derive(serde::Serialize)]
struct RechazarCompania {
    id_compania: String,
    motivos: Vec<String>,
}

fn command<T: serde::Serialize>(app: &TestApp, kind: &str, key: &str, data: &T) -> Message {
    let header = EnvelopeHeader::new(kind, "python-producer", "corr-1", None);
    app.app
        .codec
        .message("comandos-companias", key, &header, data)
        .expect("encodes against the schema file")
}

async fn command_creates_once_even_when_redelivered(app: TestApp) {
    let id = uuid::Uuid::new_v4().to_string();
    let crear = command(
        &app,
        "CrearCompania",
        &id,
        &CrearCompania {
            id_compania: Some(id.clone()),
            nombre: "Andes".into(),
            email: "".into(),
            identificacion: "1".into(),
            fecha_creacion: 0,
        },
    );
    app.app
        .buses
        .bus
        .publish(std::slice::from_ref(&crear))
        .await
        .expect("publish");
    app.app
        .buses
        .bus
        .publish(&[crear])
        .await
        .expect("publish again (redelivery)");
    let compania = app.get_json(&format!("/companias/{id}")).await;
    assert_eq!(compania["nombre"], "Andes");
    assert_eq!(app.get_json("/companias").await["total"], 1);

    let rechazar = command(
        &app,
        "RechazarCompania",
        &id,
        &RechazarCompania {
            id_compania: id.clone(),
            motivos: vec!["email faltante".into()],
        },
    );
    app.app
        .buses
        .bus
        .publish(&[rechazar])
        .await
        .expect("publish");
    let compania = app.get_json(&format!("/companias/{id}")).await;
    assert_eq!(compania["estado"], "Rechazada");
    assert_eq!(compania["motivos_rechazo"], json!(["email faltante"]));
}

async fn creation_without_id_uses_the_command_id(app: TestApp) {
    let crear = command(
        &app,
        "CrearCompania",
        "k",
        &CrearCompania {
            id_compania: None,
            nombre: "Sin id".into(),
            email: "x@y.co".into(),
            identificacion: "2".into(),
            fecha_creacion: 0,
        },
    );
    let command_id = crear.id.clone();
    app.app.buses.bus.publish(&[crear]).await.expect("publish");
    assert_eq!(
        app.get_json(&format!("/companias/{command_id}")).await["nombre"],
        "Sin id"
    );
}

async fn garbage_goes_to_dead_letters_at_once(app: TestApp) {
    let mut garbage = command(
        &app,
        "CrearCompania",
        "k",
        &CrearCompania {
            id_compania: None,
            nombre: "x".into(),
            email: "".into(),
            identificacion: "".into(),
            fecha_creacion: 0,
        },
    );
    garbage.payload = b"not avro at all".to_vec();
    app.app
        .buses
        .bus
        .publish(std::slice::from_ref(&garbage))
        .await
        .expect("publish");
    let letters = app
        .embedded()
        .dead_letters("comandos-companias")
        .await
        .expect("list");
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].attempts, 1, "undecodable: no redelivery");
    assert_eq!(letters[0].subscription, "companias");

    // The consumer keeps serving the next message.
    let id = uuid::Uuid::new_v4().to_string();
    let ok = command(
        &app,
        "CrearCompania",
        &id,
        &CrearCompania {
            id_compania: Some(id.clone()),
            nombre: "ok".into(),
            email: "".into(),
            identificacion: "".into(),
            fecha_creacion: 0,
        },
    );
    app.app.buses.bus.publish(&[ok]).await.expect("publish");
    assert_eq!(app.get(&format!("/companias/{id}")).await.status(), 200);
}

async fn invalid_command_is_dead_lettered_with_its_reason(app: TestApp) {
    let bad = command(
        &app,
        "RechazarCompania",
        "k",
        &RechazarCompania {
            id_compania: "not-a-uuid".into(),
            motivos: vec!["x".into()],
        },
    );
    app.app.buses.bus.publish(&[bad]).await.expect("publish");
    let letters = app
        .embedded()
        .dead_letters("comandos-companias")
        .await
        .expect("list");
    assert_eq!(letters.len(), 1);
    assert!(
        letters[0].error.contains("id_compania"),
        "reason names the field: {}",
        letters[0].error
    );
}

on_both_backends! {
    spawn_companias:
    command_creates_once_even_when_redelivered => command_creates_once_even_when_redelivered;
    creation_without_id_uses_the_command_id => creation_without_id_uses_the_command_id;
    garbage_goes_to_dead_letters_at_once => garbage_goes_to_dead_letters_at_once;
    invalid_command_is_dead_lettered_with_its_reason => invalid_command_is_dead_lettered_with_its_reason;
}
