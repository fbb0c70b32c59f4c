//! Built with `--features otlp` (scripts/test runs it so): the real binary
//! exports its spans over OTLP/HTTP to a stub collector, including the ones
//! still batched when SIGTERM arrives (flushed on exit).
#![cfg(feature = "otlp")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use serde_json::json;
use tokio::process::Command;

type Received = Arc<Mutex<Vec<Vec<u8>>>>;

async fn collector() -> (String, Received) {
    let received: Received = Arc::default();
    let app = axum::Router::new()
        .route(
            "/v1/traces",
            post(|State(r): State<Received>, body: Bytes| async move {
                if let Ok(mut r) = r.lock() {
                    r.push(body.to_vec());
                }
                // An empty ExportTraceServiceResponse.
                (
                    [("content-type", "application/x-protobuf")],
                    Vec::<u8>::new(),
                )
            }),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), received)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn spans_reach_the_collector_including_those_batched_at_sigterm() {
    let (endpoint, received) = collector().await;
    let dir = tempfile::tempdir().expect("dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let mut child = Command::new(env!("CARGO_BIN_EXE_propalpes"))
        .arg("all")
        .env("HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("DATA_DIR", dir.path())
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)
        .env("RUST_LOG", "info")
        .env_remove("PULSAR_URL")
        .env_remove("DATABASE_URL")
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..300 {
        if http
            .get(format!("{base}/ready"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the app never became ready");
    let created = http
        .post(format!("{base}/companias"))
        .json(&json!({"nombre": "Traza", "email": "", "identificacion": "1"}))
        .send()
        .await
        .expect("post");
    assert_eq!(created.status(), 202);
    let id = created.json::<serde_json::Value>().await.expect("json")["id_compania"]
        .as_str()
        .expect("id")
        .to_owned();
    // Wait for the audit to decide, so consume spans exist.
    for _ in 0..100 {
        let c: serde_json::Value = http
            .get(format!("{base}/companias/{id}"))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        if c["estado"] == "Rechazada" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Well within the batch exporter's 5 s delay: only the flush on exit
    // can deliver these spans.
    let pid = child.id().expect("pid");
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status()
        .await;
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("exits")
        .expect("status");
    assert!(status.success(), "exited with {status}");

    let bodies = received.lock().map(|r| r.clone()).unwrap_or_default();
    assert!(!bodies.is_empty(), "no export reached the collector");
    let all: Vec<u8> = bodies.concat();
    assert!(contains(&all, b"propalpes"), "service.name is exported");
    assert!(
        contains(&all, b"consume"),
        "the spans of message handling are exported"
    );
    assert!(
        contains(&all, id.as_bytes()) || contains(&all, b"CompaniaCreada"),
        "the exported spans describe this request's messages"
    );
}
