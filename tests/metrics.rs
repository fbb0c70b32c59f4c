//! `/metrics` (Prometheus text): the counters move when work is done.
mod common;

use std::time::Duration;

use common::{Backend, eventually, spawn_app};
use serde_json::json;

/// The sum of every sample of `name` whose labels contain all of `labels`.
fn sample(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .filter(|l| labels.iter().all(|lab| l.contains(lab)))
        .filter_map(|l| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()))
        .sum()
}

#[tokio::test]
async fn counters_move_with_the_work() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let scrape = || async { app.get("/metrics").await.text().await.expect("text") };
    let before = scrape().await;
    let created = app
        .post_json(
            "/companias",
            json!({"nombre": "M", "email": "", "identificacion": "1"}),
        )
        .await;
    assert_eq!(created.status(), 202);
    let after = eventually(
        "a completed saga in the metrics",
        Duration::from_secs(10),
        || async {
            let after = scrape().await;
            (sample(&after, "propalpes_sagas", &["estado=\"completada\""]) >= 1.0).then_some(after)
        },
    )
    .await;
    let moved =
        |name: &str, labels: &[&str]| sample(&after, name, labels) - sample(&before, name, labels);
    assert!(
        moved(
            "propalpes_commands_total",
            &["command=\"CrearCompania\"", "result=\"ok\""]
        ) >= 1.0
    );
    assert!(
        moved(
            "propalpes_commands_total",
            &["command=\"RechazarCompania\""]
        ) >= 1.0,
        "the saga's command ran"
    );
    assert!(
        moved(
            "propalpes_messages_published_total",
            &["topic=\"eventos-companias\""]
        ) >= 2.0
    );
    assert!(
        moved(
            "propalpes_messages_consumed_total",
            &["subscription=\"auditoria\"", "result=\"ok\""]
        ) >= 1.0
    );
    assert!(
        moved(
            "propalpes_http_request_duration_seconds_count",
            &["path=\"/companias\"", "status=\"202\""]
        ) >= 1.0
    );
    assert!(
        after.contains("propalpes_outbox_backlog{"),
        "backlog gauge exported"
    );
    assert!(sample(&after, "propalpes_sagas", &["estado=\"completada\""]) >= 1.0);

    let (status, _) = app
        .graphql_raw(None, json!({"query": "{ reporteFaltantes { total } }"}))
        .await;
    assert_eq!(status, 200);
    let last = scrape().await;
    assert!(
        sample(
            &last,
            "propalpes_graphql_request_duration_seconds_count",
            &[]
        ) >= 1.0
    );

    // The BFF's projections are metered (refreshed every 2 s).
    let rechazadas = &["tipo=\"Compania\"", "estado=\"Rechazada\""];
    let projected = eventually(
        "the rejected company in the projection's gauge",
        Duration::from_secs(10),
        || async {
            let projected = sample(&scrape().await, "propalpes_projection_records", rechazadas);
            (projected >= 1.0).then_some(projected)
        },
    )
    .await;
    assert_eq!(projected, 1.0, "one rejected company in the projection");
}
