use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

/// Something `/ready` must see healthy (a database, a broker connection).
#[async_trait]
pub trait ReadinessCheck: Send + Sync {
    fn name(&self) -> &str;
    async fn ready(&self) -> bool;
}

/// `/health` (the process is alive) and `/ready` (every dependency answers).
pub fn health_routes(checks: Vec<Arc<dyn ReadinessCheck>>) -> Router {
    Router::new()
        .route("/health", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/ready", get(ready))
        .with_state(Arc::new(checks))
}

async fn ready(
    State(checks): State<Arc<Vec<Arc<dyn ReadinessCheck>>>>,
) -> (StatusCode, Json<serde_json::Value>) {
    let mut report = serde_json::Map::new();
    let mut all_ok = true;
    for check in checks.iter() {
        let ok = check.ready().await;
        all_ok &= ok;
        report.insert(
            check.name().to_owned(),
            json!(if ok { "up" } else { "down" }),
        );
    }
    let status = if all_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({"status": if all_ok { "ready" } else { "not_ready" }, "checks": report})),
    )
}
