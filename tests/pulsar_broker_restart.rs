//! Restarting the broker mid-stream (same data dir, same ports) loses
//! nothing: the outbox holds what could not be published, producers and
//! consumers reconnect without operator action. Its own test binary, so no
//! other test shares the broker while it restarts.
mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use common::pulsar::pulsar_env;
use common::{Backend, Recorder, spawn_app_with};
use propalpes::seedwork::application::MessageBus;
use propalpes::seedwork::infrastructure::RetryPolicy;
use serde_json::json;

fn restart_broker() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pulsar");
    let status = std::process::Command::new("bash")
        .arg(script)
        .arg("restart")
        .status()
        .expect("run scripts/pulsar");
    assert!(status.success(), "scripts/pulsar restart failed");
}

#[tokio::test]
async fn a_broker_restart_mid_stream_loses_nothing() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let backend = if std::env::var("TEST_DATABASE_URL").is_ok() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let app = spawn_app_with(backend, Some(&env)).await.expect("app");
    let observer = env.bus(RetryPolicy::default()).await;
    let recorder = Recorder::default();
    observer
        .subscribe(
            "eventos-companias",
            "restart-observer",
            Arc::new(recorder.clone()),
        )
        .await
        .expect("subscribe");

    let mut ids = HashSet::new();
    for round in 0..2 {
        for i in 0..40 {
            let response = app
                .post_json("/companias", json!({"nombre": format!("r{round}-{i}")}))
                .await;
            assert_eq!(
                response.status(),
                202,
                "writes keep working: the outbox holds them"
            );
            let body: serde_json::Value = response.json().await.expect("json");
            ids.insert(body["id_compania"].as_str().expect("id").to_owned());
        }
        if round == 0 {
            tokio::task::spawn_blocking(restart_broker)
                .await
                .expect("restart");
        }
    }

    let expected = ids.clone();
    let mut seen = HashSet::new();
    for _ in 0..600 {
        seen = recorder
            .messages()
            .into_iter()
            .map(|m| m.key)
            .collect::<HashSet<_>>();
        if expected.is_subset(&seen) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let missing: Vec<_> = expected.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "{} of {} events never arrived",
        missing.len(),
        expected.len()
    );
    observer.shutdown().await;
    app.app.stop().await;
}
