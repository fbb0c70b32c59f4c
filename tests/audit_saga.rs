//! The missing-data audit end to end: created records are audited, the saga
//! approves or rejects them in their own context, findings are reported.
//! Embedded mode on SQLite and Postgres; the Pulsar run is in audit_on_pulsar.
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Backend, Recorder, TestApp, args, fresh_database_url};
use propalpes::app::{self, Role};
use propalpes::seedwork::application::{CommandContext, EventTranslator, MessageBus};
use propalpes::seedwork::domain::{EntityId, Registro, Reviewable};
use serde_json::{Value, json};

async fn spawn(backend: Backend, saga_timeout_ms: u64, max_attempts: u32) -> Option<TestApp> {
    propalpes::telemetry::init_for_tests();
    let dir = tempfile::tempdir().expect("tempdir");
    let database_url = fresh_database_url(backend, dir.path())?;
    let mut args = args(&database_url, dir.path());
    args.saga_timeout_ms = saga_timeout_ms;
    args.saga_max_attempts = max_attempts;
    let app = app::start(&args, Role::All).await.expect("app starts");
    Some(TestApp::new(app, database_url, dir))
}

pub async fn create(app: &TestApp, path: &str, body: Value, id_field: &str) -> String {
    let response = app.post_json(path, body).await;
    assert_eq!(response.status(), 202);
    let body: Value = response.json().await.expect("json");
    body[id_field].as_str().expect("id").to_owned()
}

/// Polls `path` until its `estado` is final; returns the record.
pub async fn final_state(app: &TestApp, path: &str) -> Value {
    for _ in 0..400 {
        let record = app.get_json(path).await;
        if record["estado"] == "Aprobada" || record["estado"] == "Rechazada" {
            return record;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("{path} never reached a final state");
}

async fn records_are_audited_and_decided(app: TestApp) {
    let sin_email = create(
        &app,
        "/companias",
        json!({"nombre": "Andes", "email": "", "identificacion": "9"}),
        "id_compania",
    )
    .await;
    let completa = create(
        &app,
        "/companias",
        json!({"nombre": "Pacifico", "email": "ventas@pacifico.co", "identificacion": "8"}),
        "id_compania",
    )
    .await;
    let lejos = create(
        &app,
        "/geograficos",
        json!({"nombre_propiedad": "Casa", "latitud": "95", "longitud": "-74.08"}),
        "id_datos_geograficos",
    )
    .await;
    let bien = create(
        &app,
        "/geograficos",
        json!({"nombre_propiedad": "Finca", "latitud": "4.61", "longitud": "-74.08"}),
        "id_datos_geograficos",
    )
    .await;

    let c = final_state(&app, &format!("/companias/{sin_email}")).await;
    assert_eq!(c["estado"], "Rechazada");
    assert_eq!(c["motivos_rechazo"], json!(["email faltante"]));
    assert_eq!(
        final_state(&app, &format!("/companias/{completa}")).await["estado"],
        "Aprobada"
    );
    let g = final_state(&app, &format!("/geograficos/{lejos}")).await;
    assert_eq!(g["estado"], "Rechazada");
    assert_eq!(g["motivos_rechazo"], json!(["latitud fuera_de_rango"]));
    assert_eq!(
        final_state(&app, &format!("/geograficos/{bien}")).await["estado"],
        "Aprobada"
    );

    let auditoria = app.get_json(&format!("/auditorias/{sin_email}")).await;
    assert_eq!(auditoria["resultado"], "Rechazada");
    assert_eq!(
        auditoria["hallazgos"],
        json!([{"campo": "email", "problema": "faltante"}])
    );
    let rechazadas = app
        .get_json("/auditorias?resultado=Rechazada&tipo=DatosGeograficos")
        .await;
    assert_eq!(rechazadas["total"], 1);
    assert_eq!(rechazadas["items"][0]["id_entidad"], lejos.as_str());
    assert_eq!(app.get_json("/auditorias").await["total"], 4);
    let report = app.get_json("/auditorias/faltantes").await;
    let report = report.as_array().expect("report");
    assert!(report.contains(&json!({"campo": "email", "problema": "faltante", "total": 1})));
    assert!(
        report.contains(&json!({"campo": "latitud", "problema": "fuera_de_rango", "total": 1}))
    );
    // The saga hears back from the source context and closes.
    wait_sagas(&app, 4).await;
}

async fn wait_sagas(app: &TestApp, n: i64) {
    for _ in 0..400 {
        let done = app.get_json("/sagas?estado=completada").await["total"]
            .as_i64()
            .unwrap_or(0);
        if done >= n {
            assert_eq!(app.get_json("/sagas?estado=pendiente").await["total"], 0);
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("sagas did not complete: {}", app.get_json("/sagas").await);
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
    let compania = Registro::crear(
        EntityId::new(),
        propalpes::companias::domain::DatosCompania::new("Dup", "", "1").expect("datos"),
        chrono::Utc::now(),
    );
    let mut compania = compania;
    let event = propalpes::seedwork::domain::AggregateRoot::take_events(&mut compania).remove(0);
    let translator = propalpes::seedwork::infrastructure::registro::RegistroAvroEvents::new(
        app.app.codec.clone(),
        "eventos-companias",
        "companias",
    );
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
    let mut retried = false;
    for _ in 0..200 {
        let sagas = app.get_json("/sagas?estado=pendiente").await;
        if sagas["items"][0]["intentos"].as_u64().unwrap_or(0) >= 2 {
            retried = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
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
    for _ in 0..400 {
        let failed = app.get_json("/sagas?estado=fallida").await;
        if failed["total"] == 1 {
            assert_eq!(failed["items"][0]["intentos"], 2);
            assert!(
                failed["items"][0]["ultimo_error"]
                    .as_str()
                    .is_some_and(|e| e.contains("no reply"))
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the saga never failed: {}", app.get_json("/sagas").await);
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

/// 200 companies and 200 properties created concurrently: 400 audits, every
/// record final, no saga pending. Prints POST → final-state latencies.
pub async fn four_hundred_records(app: &TestApp, label: &str) {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let base = app.base_url.clone();
        let http = app.http.clone();
        tasks.push(tokio::spawn(async move {
            let email = if i % 2 == 0 {
                format!("c{i}@andes.co")
            } else {
                String::new()
            };
            let r = http
                .post(format!("{base}/companias"))
                .json(&json!({"nombre": format!("C{i}"), "email": email, "identificacion": "1"}))
                .send()
                .await
                .expect("post");
            assert_eq!(r.status(), 202);
        }));
        let base = app.base_url.clone();
        let http = app.http.clone();
        tasks.push(tokio::spawn(async move {
            let lat = if i % 3 == 0 { "95" } else { "4.6" };
            let r = http.post(format!("{base}/geograficos")).json(&json!({"nombre_propiedad": format!("P{i}"), "latitud": lat, "longitud": "-74"})).send().await.expect("post");
            assert_eq!(r.status(), 202);
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let mut done = false;
    for _ in 0..1200 {
        let completed = app.get_json("/sagas?estado=completada&page_size=1").await["total"]
            .as_i64()
            .unwrap_or(0);
        if completed >= 400 {
            done = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        done,
        "not every saga completed: {}",
        app.get_json("/sagas?page_size=1").await
    );
    assert_eq!(app.get_json("/auditorias?page_size=1").await["total"], 400);
    assert_eq!(
        app.get_json("/sagas?estado=pendiente&page_size=1").await["total"],
        0
    );
    assert_eq!(
        app.get_json("/sagas?estado=fallida&page_size=1").await["total"],
        0
    );

    let mut latencies = Vec::new();
    for path in ["/companias", "/geograficos"] {
        assert_eq!(
            app.get_json(&format!("{path}?estado=Pendiente&page_size=1"))
                .await["total"],
            0,
            "{path} all final"
        );
        let page = app.get_json(&format!("{path}?page_size=500")).await;
        for item in page["items"].as_array().expect("items") {
            let at = |f: &str| {
                chrono::DateTime::parse_from_rfc3339(item[f].as_str().expect("date"))
                    .expect("rfc3339")
                    .timestamp_millis()
            };
            latencies.push(at("fecha_actualizacion") - at("fecha_creacion"));
        }
    }
    latencies.sort_unstable();
    assert_eq!(latencies.len(), 400);
    println!(
        "[{label}] 400 records POST→final state: p50 {} ms, p99 {} ms, max {} ms; all final after {:.1}s",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies[latencies.len() - 1],
        started.elapsed().as_secs_f64()
    );
    let report = app.get_json("/auditorias/faltantes").await;
    assert!(
        report
            .as_array()
            .expect("report")
            .contains(&json!({"campo": "email", "problema": "faltante", "total": 100}))
    );
    assert!(
        report
            .as_array()
            .expect("report")
            .contains(&json!({"campo": "latitud", "problema": "fuera_de_rango", "total": 67}))
    );
}

macro_rules! both {
    ($($name:ident => ($timeout:expr, $attempts:expr)),* $(,)?) => {
        mod sqlite { use super::*; $(#[tokio::test] async fn $name() { if let Some(app) = spawn(Backend::Sqlite, $timeout, $attempts).await { super::$name(app).await } })* }
        mod postgres { use super::*; $(#[tokio::test] async fn $name() { if let Some(app) = spawn(Backend::Postgres, $timeout, $attempts).await { super::$name(app).await } })* }
    };
}

both!(
    records_are_audited_and_decided => (30_000, 5),
    the_same_created_event_twice_starts_one_audit => (30_000, 5),
    a_saga_waits_for_a_source_context_that_is_down_and_completes => (300, 10),
    a_saga_without_reply_fails_visibly => (150, 2),
);

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
