//! The companias HTTP API end to end, on SQLite and on Postgres: commands
//! through the unit of work and outbox, events on the embedded bus, queries.

use std::sync::Arc;

use crate::common::{Backend, Recorder, TestApp, spawn_companias, spawn_secured_companias};
use serde_json::json;

async fn record_events(app: &TestApp) -> Recorder {
    let recorder = Recorder::default();
    app.app
        .buses
        .bus
        .subscribe(
            "eventos-companias",
            "test-recorder",
            Arc::new(recorder.clone()),
        )
        .await
        .expect("subscribe");
    recorder
}

async fn total(app: &TestApp) -> i64 {
    app.get_json("/companias").await["total"]
        .as_i64()
        .expect("total")
}

async fn crear(app: &TestApp, body: serde_json::Value) -> String {
    let response = app.post_json("/companias", body).await;
    assert_eq!(response.status(), 202);
    let body: serde_json::Value = response.json().await.expect("json");
    assert!(body["id_comando"].as_str().is_some_and(|s| !s.is_empty()));
    body["id_compania"]
        .as_str()
        .expect("id_compania")
        .to_owned()
}

async fn create_is_published_and_queryable(app: TestApp) {
    let events = record_events(&app).await;
    let id = crear(
        &app,
        json!({"nombre": "Inmobiliaria Andes", "email": "", "identificacion": "900123"}),
    )
    .await;

    let seen = events
        .wait_for("CompaniaCreada", |m| {
            m.iter().any(|m| m.message_type == "CompaniaCreada")
        })
        .await;
    let event = seen
        .iter()
        .find(|m| m.key == id)
        .expect("event keyed by the company id");
    assert_eq!(
        event.properties.get("schema.version").map(String::as_str),
        Some("2"),
        "services write the newest contract"
    );
    let decoded = app.app.codec.decode_message(event).expect("Avro envelope");
    assert_eq!(decoded.header.message_type, "CompaniaCreada");
    assert_eq!(decoded.header.source, "companias");
    assert_eq!(decoded.text("pais"), None, "a v2 field not given is null");

    let compania = app.get_json(&format!("/companias/{id}")).await;
    assert_eq!(compania["nombre"], "Inmobiliaria Andes");
    assert_eq!(compania["email"], "");
    assert_eq!(compania["estado"], "Pendiente");
    assert_eq!(compania["motivos_rechazo"], json!([]));
    assert_eq!(total(&app).await, 1);
}

async fn approve_twice_emits_one_event(app: TestApp) {
    let events = record_events(&app).await;
    let id = crear(
        &app,
        json!({"nombre": "A", "email": "a@b.co", "identificacion": "1"}),
    )
    .await;
    for _ in 0..2 {
        let response = app.post_raw(&format!("/companias/{id}/aprobar"), "").await;
        assert_eq!(response.status(), 202);
    }
    events
        .wait_for("CompaniaAprobada", |m| {
            m.iter().any(|m| m.message_type == "CompaniaAprobada")
        })
        .await;
    // Let the relay run again; a second approval must not have produced more.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let approvals = events
        .messages()
        .iter()
        .filter(|m| m.message_type == "CompaniaAprobada")
        .count();
    assert_eq!(approvals, 1);
    let compania = app.get_json(&format!("/companias/{id}")).await;
    assert_eq!(compania["estado"], "Aprobada");
    assert_eq!(compania["version"], 2);
    let rejected = app
        .post_json(
            &format!("/companias/{id}/rechazar"),
            json!({"motivos": ["tarde"]}),
        )
        .await;
    assert_eq!(
        rejected.status(),
        409,
        "an approved company cannot be rejected"
    );
}

async fn reject_lists_with_motivos(app: TestApp) {
    let a = crear(&app, json!({"nombre": "A"})).await;
    let _b = crear(&app, json!({"nombre": "B"})).await;
    let response = app
        .post_json(
            &format!("/companias/{a}/rechazar"),
            json!({"motivos": ["email faltante"]}),
        )
        .await;
    assert_eq!(response.status(), 202);

    let rechazadas = app.get_json("/companias/rechazadas").await;
    assert_eq!(rechazadas["total"], 1);
    assert_eq!(rechazadas["items"][0]["id"], a.as_str());
    assert_eq!(
        rechazadas["items"][0]["motivos_rechazo"],
        json!(["email faltante"])
    );
    let pendientes = app
        .get_json("/companias?estado=Pendiente&page=1&page_size=1")
        .await;
    assert_eq!(pendientes["total"], 1);
    assert_eq!(pendientes["items"].as_array().map(Vec::len), Some(1));
    let page_two = app.get_json("/companias?page=2&page_size=1").await;
    assert_eq!(page_two["items"].as_array().map(Vec::len), Some(1));
}

async fn expect_problem(response: reqwest::Response, status: u16, field: Option<&str>) {
    assert_eq!(response.status(), status);
    let body: serde_json::Value = response.json().await.expect("JSON problem body");
    assert_eq!(body["status"], status);
    if let Some(field) = field {
        assert_eq!(body["field"], field, "problem names the field: {body}");
    }
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
}

async fn bad_input_is_refused_and_writes_nothing(app: TestApp) {
    let unknown = uuid::Uuid::new_v4();
    expect_problem(
        app.post_raw("/companias", "{\"nombre\": ").await,
        400,
        Some("body"),
    )
    .await;
    expect_problem(
        app.post_json("/companias", json!({"nombre": 5})).await,
        422,
        Some("nombre"),
    )
    .await;
    expect_problem(
        app.post_json("/companias", json!({"nombre": "x".repeat(1001)}))
            .await,
        422,
        Some("nombre"),
    )
    .await;
    expect_problem(
        app.post_json("/companias", json!({"nombre": "A", "mail": "x"}))
            .await,
        422,
        None,
    )
    .await;
    expect_problem(
        app.post_raw("/companias", "x".repeat(10 * 1024 * 1024))
            .await,
        413,
        None,
    )
    .await;
    expect_problem(
        app.post_raw(&format!("/companias/{unknown}/aprobar"), "")
            .await,
        404,
        None,
    )
    .await;
    expect_problem(
        app.post_raw("/companias/not-a-uuid/aprobar", "").await,
        422,
        Some("id"),
    )
    .await;
    expect_problem(
        app.post_json(
            &format!("/companias/{unknown}/rechazar"),
            json!({"motivos": []}),
        )
        .await,
        422,
        Some("motivos"),
    )
    .await;
    expect_problem(
        app.post_json(
            &format!("/companias/{unknown}/rechazar"),
            json!({"motivos": "x"}),
        )
        .await,
        422,
        Some("motivos"),
    )
    .await;
    expect_problem(app.get(&format!("/companias/{unknown}")).await, 404, None).await;
    expect_problem(
        app.get("/companias?page_size=501").await,
        422,
        Some("page_size"),
    )
    .await;
    expect_problem(app.get("/companias?page=abc").await, 422, Some("page")).await;
    expect_problem(
        app.get("/companias?estado=perdida").await,
        422,
        Some("estado"),
    )
    .await;

    assert_eq!(total(&app).await, 0, "no company was written");
    let outbox = app
        .app
        .companias
        .as_ref()
        .expect("companias")
        .storage
        .db
        .clone();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM outbox")
        .fetch_one(outbox.pool())
        .await
        .expect("count");
    assert_eq!(n, 0, "no outbox row was written");
}

/// `pais` and `telefono` (schema v2, optional): stored, queried and
/// published when given; a blank one goes out as null.
async fn optional_v2_fields_are_stored_and_published(app: TestApp) {
    let events = record_events(&app).await;
    let id = crear(
        &app,
        json!({"nombre": "Andes", "email": "a@b.co", "identificacion": "9", "pais": "CO", "telefono": ""}),
    )
    .await;
    let seen = events
        .wait_for("CompaniaCreada", |m| m.iter().any(|m| m.key == id))
        .await;
    let event = seen.iter().find(|m| m.key == id).expect("event");
    let decoded = app.app.codec.decode_message(event).expect("Avro envelope");
    assert_eq!(decoded.text("pais").as_deref(), Some("CO"));
    assert_eq!(decoded.text("telefono"), None, "blank is written as null");

    let compania = app.get_json(&format!("/companias/{id}")).await;
    assert_eq!(compania["pais"], "CO");
    assert_eq!(compania["telefono"], "");
    expect_problem(
        app.post_json("/companias", json!({"pais": "x".repeat(1001)}))
            .await,
        422,
        Some("pais"),
    )
    .await;
}

async fn health_and_ready(app: TestApp) {
    assert_eq!(app.get("/health").await.status(), 200);
    let ready = app.get_json("/ready").await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["checks"]["companias_db"], "up");
}

/// The context's own API takes the BFF's tokens and roles: no token, 401;
/// an operador may create but not decide, 403; an auditor decides. Reads
/// stay open inside the deployment.
async fn writes_need_a_token_with_the_right_role(app: TestApp) {
    use propalpes::seedwork::domain::Rol;
    let post = |path: &str, token: Option<String>, body: serde_json::Value| {
        let mut request = app.http.post(app.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send()
    };
    let body = json!({"nombre": "Andes", "email": "a@b.co", "identificacion": "9"});
    let anonymous = post("/companias", None, body.clone())
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 401);
    let problem: serde_json::Value = anonymous.json().await.expect("json");
    assert_eq!(problem["code"], "UNAUTHENTICATED");
    assert_eq!(total(&app).await, 0, "nothing written");

    let created = post(
        "/companias",
        Some(crate::common::token(&[Rol::Operador])),
        body,
    )
    .await
    .expect("request");
    assert_eq!(created.status(), 202);
    let id = created.json::<serde_json::Value>().await.expect("json")["id_compania"]
        .as_str()
        .expect("id")
        .to_owned();

    let aprobar = format!("/companias/{id}/aprobar");
    assert_eq!(
        post(&aprobar, None, json!({}))
            .await
            .expect("request")
            .status(),
        401
    );
    let forbidden = post(
        &aprobar,
        Some(crate::common::token(&[Rol::Operador])),
        json!({}),
    )
    .await
    .expect("request");
    assert_eq!(forbidden.status(), 403);
    assert_eq!(
        forbidden.json::<serde_json::Value>().await.expect("json")["code"],
        "FORBIDDEN"
    );
    assert_eq!(
        app.get_json(&format!("/companias/{id}")).await["estado"],
        "Pendiente",
        "the refused approvals changed nothing"
    );
    let approved = post(
        &aprobar,
        Some(crate::common::token(&[Rol::Auditor])),
        json!({}),
    )
    .await
    .expect("request");
    assert_eq!(approved.status(), 202);
    assert_eq!(
        app.get_json(&format!("/companias/{id}")).await["estado"],
        "Aprobada"
    );
}

on_both_backends! {
    spawn_secured_companias:
    writes_need_a_token_with_the_right_role => writes_need_a_token_with_the_right_role;
}

mod open {
    use super::*;
    on_both_backends! {
        spawn_companias:
        create_is_published_and_queryable => create_is_published_and_queryable;
        approve_twice_emits_one_event => approve_twice_emits_one_event;
        reject_lists_with_motivos => reject_lists_with_motivos;
        bad_input_is_refused_and_writes_nothing => bad_input_is_refused_and_writes_nothing;
        health_and_ready => health_and_ready;
        optional_v2_fields_are_stored_and_published => optional_v2_fields_are_stored_and_published;
    }
}
