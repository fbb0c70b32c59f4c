//! Restarting the broker mid-stream (same data dir, same ports) loses
//! nothing: the outbox holds what could not be published, producers and
//! consumers reconnect without operator action. And a process stops within
//! its SHUTDOWN_TIMEOUT with the broker gone or its database refusing
//! connections. Its own test binary, so no other test shares the broker
//! while it is disturbed; the tests here take turns (`BROKER`).
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

/// One disturbance of the shared broker at a time.
static BROKER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[tokio::test]
async fn a_broker_restart_mid_stream_loses_nothing() {
    let _turn = BROKER.lock().await;
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

/// The broker's process id (scripts/pulsar keeps it).
fn broker_pid() -> String {
    let dir = std::env::var("PROPALPES_PULSAR_DIR")
        .unwrap_or_else(|_| "/var/tmp/propalpes-pulsar".to_owned());
    std::fs::read_to_string(format!("{dir}/pid"))
        .expect("the broker's pid file")
        .trim()
        .to_owned()
}

/// `propalpes all` as an operator runs it, on Postgres and the test broker,
/// with SHUTDOWN_TIMEOUT=5; returns the child and its port once ready.
async fn spawn_binary(
    env: &common::pulsar::PulsarEnv,
    database: &str,
) -> (tokio::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_propalpes"))
        .arg("all")
        .env("HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", database)
        .env("PULSAR_URL", &env.url)
        .env("JWT_SECRET", common::TEST_JWT_SECRET)
        .env("PULSAR_NAMESPACE", &env.namespace)
        .env("BFF_ANONYMOUS", "true")
        .env("SHUTDOWN_TIMEOUT", "5")
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let http = reqwest::Client::new();
    for _ in 0..300 {
        let ready = http
            .get(format!("http://127.0.0.1:{port}/ready"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        if ready {
            return (child, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("propalpes all never became ready");
}

/// Sends SIGTERM and returns how long the process took to exit.
async fn terminate(child: &mut tokio::process::Child) -> (Duration, std::process::ExitStatus) {
    let pid = child.id().expect("running").to_string();
    let started = std::time::Instant::now();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("exited within 30 s")
        .expect("wait");
    (started.elapsed(), status)
}

fn fresh_database() -> Option<String> {
    let server = common::postgres_url()?;
    let (head, _) = server.rsplit_once('/').expect("url");
    Some(format!(
        "{head}/s{}",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    ))
}

async fn create_some(port: u16) {
    let http = reqwest::Client::new();
    for i in 0..20 {
        let response = http
            .post(format!("http://127.0.0.1:{port}/companias"))
            .json(&json!({"nombre": format!("s{i}")}))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 202);
    }
}

#[tokio::test]
async fn sigterm_exits_in_time_with_the_broker_gone() {
    let _turn = BROKER.lock().await;
    let (Some(env), Some(database)) = (pulsar_env().await, fresh_database()) else {
        return;
    };
    let (mut child, port) = spawn_binary(&env, &database).await;
    // The broker stops answering (frozen, as a host gone from the network).
    let broker = broker_pid();
    let freeze = |signal: &str| {
        std::process::Command::new("kill")
            .args([signal, &broker])
            .status()
            .expect("kill")
    };
    freeze("-STOP");
    create_some(port).await;
    let (took, status) = terminate(&mut child).await;
    freeze("-CONT");
    assert!(status.success(), "exit status {status}");
    assert!(
        took < Duration::from_secs(10),
        "exited {took:?} after SIGTERM with the broker gone"
    );
}

#[tokio::test]
async fn sigterm_exits_in_time_with_the_database_refusing_connections() {
    let _turn = BROKER.lock().await;
    let (Some(env), Some(database)) = (pulsar_env().await, fresh_database()) else {
        return;
    };
    let (mut child, port) = spawn_binary(&env, &database).await;
    create_some(port).await;
    let admin = sqlx::PgPool::connect(&common::postgres_url().expect("pg"))
        .await
        .expect("admin");
    let name = format!("{}_companias", database.rsplit('/').next().expect("name"));
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false"
    )))
    .execute(&admin)
    .await
    .expect("alter");
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(&name)
        .execute(&admin)
        .await
        .expect("terminate");
    let (took, status) = terminate(&mut child).await;
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true"
    )))
    .execute(&admin)
    .await;
    assert!(status.success(), "exit status {status}");
    assert!(
        took < Duration::from_secs(10),
        "exited {took:?} after SIGTERM with the database refusing connections"
    );
}
