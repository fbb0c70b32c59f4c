//! Shared steps of the audit tests (embedded and Pulsar).
#![allow(dead_code)]

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::TestApp;

pub async fn create(app: &TestApp, path: &str, body: Value, id_field: &str) -> String {
    let response = app.post_json(path, body).await;
    assert_eq!(response.status(), 202);
    let body: Value = response.json().await.expect("json");
    body[id_field].as_str().expect("id").to_owned()
}

/// Polls `path` until its `estado` is final; returns the record.
pub async fn final_state(app: &TestApp, path: &str) -> Value {
    super::eventually(
        &format!("{path} final"),
        Duration::from_secs(10),
        || async {
            let record = app.get_json(path).await;
            (record["estado"] == "Aprobada" || record["estado"] == "Rechazada").then_some(record)
        },
    )
    .await
}

pub async fn records_are_audited_and_decided(app: &TestApp) {
    let sin_email = create(
        app,
        "/companias",
        json!({"nombre": "Andes", "email": "", "identificacion": "9"}),
        "id_compania",
    )
    .await;
    let completa = create(
        app,
        "/companias",
        json!({"nombre": "Pacifico", "email": "ventas@pacifico.co", "identificacion": "8"}),
        "id_compania",
    )
    .await;
    let lejos = create(
        app,
        "/geograficos",
        json!({"nombre_propiedad": "Casa", "latitud": "95", "longitud": "-74.08"}),
        "id_datos_geograficos",
    )
    .await;
    let bien = create(
        app,
        "/geograficos",
        json!({"nombre_propiedad": "Finca", "latitud": "4.61", "longitud": "-74.08"}),
        "id_datos_geograficos",
    )
    .await;

    let c = final_state(app, &format!("/companias/{sin_email}")).await;
    assert_eq!(c["estado"], "Rechazada");
    assert_eq!(c["motivos_rechazo"], json!(["email faltante"]));
    assert_eq!(
        final_state(app, &format!("/companias/{completa}")).await["estado"],
        "Aprobada"
    );
    let g = final_state(app, &format!("/geograficos/{lejos}")).await;
    assert_eq!(g["estado"], "Rechazada");
    assert_eq!(g["motivos_rechazo"], json!(["latitud fuera_de_rango"]));
    assert_eq!(
        final_state(app, &format!("/geograficos/{bien}")).await["estado"],
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
    wait_sagas(app, 4).await;
}

pub async fn wait_sagas(app: &TestApp, n: i64) {
    super::eventually(
        &format!("{n} sagas completada"),
        Duration::from_secs(10),
        || async {
            let done = app.get_json("/sagas?estado=completada").await["total"]
                .as_i64()
                .unwrap_or(0);
            (done >= n).then_some(())
        },
    )
    .await;
    assert_eq!(app.get_json("/sagas?estado=pendiente").await["total"], 0);
}

pub fn percentile(sorted: &[i64], p: f64) -> i64 {
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
    super::eventually("400 sagas completada", Duration::from_secs(60), || async {
        let completed = app.get_json("/sagas?estado=completada&page_size=1").await["total"]
            .as_i64()
            .unwrap_or(0);
        (completed >= 400).then_some(())
    })
    .await;
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
