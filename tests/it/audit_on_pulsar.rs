//! The audit saga across contexts on a real Apache Pulsar broker: the same
//! decisions as in embedded mode, a duplicate created event, the companias
//! context down while the saga waits, and 400 records at once.

use std::time::Duration;

use crate::common::audit::{
    create, final_state, four_hundred_records, records_are_audited_and_decided, wait_sagas,
};
use crate::common::pulsar::{PulsarEnv, pulsar_env};
use crate::common::{Backend, TestApp, args, fresh_database_url};
use propalpes::app::{self, Role};
use serde_json::json;

fn backend() -> Backend {
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// One process of `role` on the test's namespace; `database` is reused to
/// restart a process on its own data.
async fn process(
    env: &PulsarEnv,
    role: Role,
    database: Option<(&str, tempfile::TempDir)>,
    saga_timeout_ms: u64,
) -> TestApp {
    propalpes::telemetry::init_for_tests();
    let (url, dir) = match database {
        Some((url, dir)) => (url.to_owned(), dir),
        None => {
            let dir = tempfile::tempdir().expect("dir");
            (fresh_database_url(backend(), dir.path()).expect("db"), dir)
        }
    };
    let mut args = args(&url, dir.path());
    args.pulsar.url = Some(env.url.clone());
    args.pulsar.namespace = env.namespace.clone();
    args.saga.timeout_ms = saga_timeout_ms;
    args.saga.max_attempts = 10;
    let app = app::start(&args, role).await.expect("start");
    TestApp::new(app, url, dir)
}

#[tokio::test]
async fn records_are_audited_and_decided_on_pulsar() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let app = process(&env, Role::All, None, 30_000).await;
    records_are_audited_and_decided(&app).await;
    app.app.stop().await;
}

#[tokio::test]
async fn the_saga_waits_while_companias_is_down_and_completes_when_it_is_back() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let auditoria = process(&env, Role::Auditoria, None, 1_000).await;
    let companias = process(&env, Role::Companias, None, 1_000).await;
    let id = create(
        &companias,
        "/companias",
        json!({"nombre": "Caida", "email": "", "identificacion": "1"}),
        "id_compania",
    )
    .await;
    // companias goes down right away: its relay flushes CompaniaCreada on
    // the way out; the saga's RechazarCompania waits on the topic.
    let database_url = companias.database_url.clone();
    let TestApp { app, _dir: dir, .. } = companias;
    app.stop().await;

    crate::common::eventually(
        "the saga to keep waiting and re-send",
        Duration::from_secs(10),
        || async {
            let sagas = auditoria.get_json("/sagas?estado=pendiente").await;
            (sagas["total"] == 1 && sagas["items"][0]["intentos"].as_u64().unwrap_or(0) >= 2)
                .then_some(())
        },
    )
    .await;

    let companias = process(&env, Role::Companias, Some((&database_url, dir)), 1_000).await;
    let c = final_state(&companias, &format!("/companias/{id}")).await;
    assert_eq!(c["estado"], "Rechazada");
    assert_eq!(c["motivos_rechazo"], json!(["email faltante"]));
    wait_sagas(&auditoria, 1).await;
    assert_eq!(c["version"], 2, "re-sent commands applied once");
    companias.app.stop().await;
    auditoria.app.stop().await;
}

#[tokio::test]
async fn four_hundred_records_concurrently_on_pulsar() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let app = process(&env, Role::All, None, 30_000).await;
    four_hundred_records(&app, "Pulsar").await;
    app.app.stop().await;
}
