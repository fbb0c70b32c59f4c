//! The missing-data audit end to end: created records are audited, the saga
//! approves or rejects them in their own context, findings are reported.
//! Embedded mode on SQLite and Postgres; the Pulsar run is in audit_on_pulsar.

use std::sync::Arc;
use std::time::Duration;

use crate::common::audit::{
    create, final_state, four_hundred_records, records_are_audited_and_decided, wait_sagas,
};
use crate::common::{Backend, Recorder, TestApp, args, eventually, fresh_database_url};
use propalpes::app::{self, Role};
use propalpes::seedwork::application::{CommandContext, EventTranslator, MessageBus};
use propalpes::seedwork::domain::EntityId;
use serde_json::json;

async fn spawn(backend: Backend, saga_timeout_ms: u64, max_attempts: u32) -> Option<TestApp> {
    propalpes::telemetry::init_for_tests();
    let dir = tempfile::tempdir().expect("tempdir");
    let database_url = fresh_database_url(backend, dir.path())?;
    let mut args = args(&database_url, dir.path());
    args.saga.timeout_ms = saga_timeout_ms;
    args.saga.max_attempts = max_attempts;
    let app = app::start(&args, Role::All).await.expect("app starts");
    Some(TestApp::new(app, database_url, dir))
}

async fn the_same_created_event_twice_starts_one_audit(app: TestApp) {
    let rejections = Recorder::default();
    app.app
        .buses
        .bus
        .subscribe(
            "eventos-companias",
            "test-recorder",
            Arc::new(rejections.clone()),
        )
        .await
        .expect("subscribe");
    // A CompaniaCreada as the companias context writes it, published twice
    // (a relay that crashed before marking it sent).
    let compania = propalpes::companias::domain::Compania::registrar(
        EntityId::new(),
        propalpes::companias::domain::DatosCompania::new("Dup", "", "1").expect("datos"),
        chrono::Utc::now(),
    );
    let mut compania = compania;
    let event = propalpes::seedwork::domain::AggregateRoot::take_events(&mut compania).remove(0);
    let translator =
        propalpes::companias::infrastructure::AvroEventosCompania::new(app.app.codec.clone());
    let message = translator
        .translate(&event, &CommandContext::new_root())
        .expect("encode");
    app.app
        .buses
        .bus
        .publish(std::slice::from_ref(&message))
        .await
        .expect("first");
    app.app
        .buses
        .bus
        .publish(std::slice::from_ref(&message))
        .await
        .expect("again");

    eventually("its audit and saga", Duration::from_secs(5), || async {
        let audits = app.get_json("/auditorias").await["total"].as_i64();
        let sagas = app.get_json("/sagas").await["total"].as_i64();
        (audits >= Some(1) && sagas >= Some(1)).then_some(())
    })
    .await;
    // Not a wait for something: a moment passes for a second audit, saga
    // or command to show, were there one.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.get_json("/auditorias").await["total"], 1, "one audit");
    assert_eq!(app.get_json("/sagas").await["total"], 1, "one saga");
    let id = compania.id().to_string();
    // The source context never had this company: the saga's RechazarCompania
    // is sent once and finds nothing (not found → retried, then dead letter).
    let commands = app
        .embedded()
        .dead_letters("comandos-companias")
        .await
        .expect("dlq");
    assert!(
        commands.iter().filter(|l| l.message.key == id).count() <= 1,
        "one command sent"
    );
    assert!(
        rejections
            .messages()
            .iter()
            .all(|m| m.message_type != "CompaniaRechazada" || m.key != id)
    );
}

async fn a_saga_waits_for_a_source_context_that_is_down_and_completes(app: TestApp) {
    let embedded = app.embedded();
    let handler = embedded
        .unsubscribe("comandos-companias", "companias")
        .expect("companias consumer");
    let id = create(
        &app,
        "/companias",
        json!({"nombre": "Caida", "email": "", "identificacion": "1"}),
        "id_compania",
    )
    .await;

    // The first command went nowhere; the saga re-sends after its timeout.
    let retried = eventually("a re-send", Duration::from_secs(5), || async {
        let sagas = app.get_json("/sagas?estado=pendiente").await;
        (sagas["items"][0]["intentos"].as_u64().unwrap_or(0) >= 2).then_some(true)
    })
    .await;
    assert!(
        retried,
        "the saga re-sent its command: {}",
        app.get_json("/sagas").await
    );
    assert_eq!(
        app.get_json(&format!("/companias/{id}")).await["estado"],
        "Pendiente"
    );

    embedded
        .subscribe("comandos-companias", "companias", handler)
        .await
        .expect("back up");
    let c = final_state(&app, &format!("/companias/{id}")).await;
    assert_eq!(c["estado"], "Rechazada");
    wait_sagas(&app, 1).await;
}

async fn a_saga_without_reply_fails_visibly(app: TestApp) {
    app.embedded()
        .unsubscribe("comandos-geograficos", "geograficos")
        .expect("geograficos consumer");
    create(
        &app,
        "/geograficos",
        json!({"nombre_propiedad": "Nadie", "latitud": "1", "longitud": "2"}),
        "id_datos_geograficos",
    )
    .await;
    let failed = eventually("the saga to fail", Duration::from_secs(10), || async {
        let failed = app.get_json("/sagas?estado=fallida").await;
        // The page and its total are two reads: wait for both to show it.
        (failed["total"] == 1 && !failed["items"][0].is_null()).then(|| failed["items"][0].clone())
    })
    .await;
    assert_eq!(failed["intentos"], 2, "{failed}");
    assert!(
        failed["ultimo_error"]
            .as_str()
            .is_some_and(|e| e.contains("no reply")),
        "{failed}"
    );
}

async fn decided(app: TestApp) {
    records_are_audited_and_decided(&app).await;
}

on_both_backends! { spawn:
    decided => decided with (30_000, 5);
    the_same_created_event_twice_starts_one_audit => the_same_created_event_twice_starts_one_audit with (30_000, 5);
    a_saga_waits_for_a_source_context_that_is_down_and_completes => a_saga_waits_for_a_source_context_that_is_down_and_completes with (300, 10);
    a_saga_without_reply_fails_visibly => a_saga_without_reply_fails_visibly with (150, 2);
}

#[tokio::test]
async fn four_hundred_records_concurrently_on_sqlite() {
    let app = spawn(Backend::Sqlite, 30_000, 5).await.expect("app");
    four_hundred_records(&app, "embedded, SQLite").await;
}

#[tokio::test]
async fn four_hundred_records_concurrently_on_postgres() {
    let Some(app) = spawn(Backend::Postgres, 30_000, 5).await else {
        return;
    };
    four_hundred_records(&app, "embedded, Postgres").await;
}

/// One id follows a company through every context: the caller's
/// `x-correlation-id` is on its event, the audit's event, the saga's
/// command and the decision, with a W3C traceparent derived from it.
#[tokio::test]
async fn one_correlation_id_follows_a_company_everywhere() {
    let app = spawn(Backend::Sqlite, 30_000, 5).await.expect("app");
    let seen = Recorder::default();
    for topic in [
        "eventos-companias",
        "eventos-auditoria",
        "comandos-companias",
    ] {
        app.app
            .buses
            .bus
            .subscribe(topic, "correlation-recorder", Arc::new(seen.clone()))
            .await
            .expect("subscribe");
    }
    let correlation = uuid::Uuid::new_v4().to_string();
    let response = app
        .http
        .post(app.url("/companias"))
        .header("x-correlation-id", &correlation)
        .json(&json!({"nombre": "Trazada", "email": "", "identificacion": "1"}))
        .send()
        .await
        .expect("post");
    assert_eq!(response.headers()["x-correlation-id"], correlation.as_str());
    let types = seen
        .wait_for("the whole conversation", |m| {
            m.iter().any(|m| m.message_type == "CompaniaRechazada")
        })
        .await;
    let ours: Vec<_> = types
        .iter()
        .filter(|m| m.properties.get("correlation_id") == Some(&correlation))
        .map(|m| m.message_type.as_str())
        .collect();
    for expected in [
        "CompaniaCreada",
        "AuditoriaCompletada",
        "RechazarCompania",
        "CompaniaRechazada",
    ] {
        assert!(
            ours.contains(&expected),
            "{expected} carries the correlation id: {ours:?}"
        );
    }
    let trace = correlation.replace('-', "");
    assert!(
        types
            .iter()
            .filter(|m| m.properties.get("correlation_id") == Some(&correlation))
            .all(|m| m.properties["traceparent"].starts_with(&format!("00-{trace}-")))
    );
}
