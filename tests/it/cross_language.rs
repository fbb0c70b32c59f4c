//! A producer in another language: a Python script that starts from
//! `asyncapi.yaml` alone (the addresses, the Avro schemas it references,
//! the properties to set) puts commands on the command topics with the
//! client's public schema API and decodes the events the services publish.
//! The audit decides the records.

use crate::common::pulsar::pulsar_env;
use crate::common::{Backend, spawn_app_with};

fn python() -> Option<String> {
    match std::env::var("PROPALPES_PYTHON") {
        Ok(p) if !p.is_empty() => Some(p),
        _ => {
            assert!(
                std::env::var("PROPALPES_REQUIRE_PULSAR").is_err(),
                "PROPALPES_PYTHON (scripts/python-env) is required with the Pulsar tests"
            );
            eprintln!("SKIPPED: PROPALPES_PYTHON not set (run scripts/test)");
            None
        }
    }
}

#[tokio::test]
async fn a_python_producer_feeds_the_system_from_the_asyncapi_document_alone() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let Some(python) = python() else { return };
    let backend = if std::env::var("TEST_DATABASE_URL").is_ok() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let app = spawn_app_with(backend, Some(&env)).await.expect("app");

    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/produce_commands.py"
    );
    let output = tokio::process::Command::new(python)
        .arg(script)
        .args(["--url", &env.url, "--namespace", &env.namespace])
        .output()
        .await
        .expect("run python");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "python failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();

    // The script saw the creations, decoded with fastavro, and the decisions.
    let created = lines
        .iter()
        .find(|l| l["event"] == "CompaniaCreada")
        .expect("CompaniaCreada decoded in Python");
    assert_eq!(created["data"]["nombre"], "Inmobiliaria Python");
    assert_eq!(
        created["data"]["pais"], "CO",
        "the v2 field the Python producer sent was kept"
    );
    assert_eq!(
        created["data"]["telefono"],
        serde_json::Value::Null,
        "a v2 field sent as null stays null"
    );
    let geo = lines
        .iter()
        .find(|l| l["event"] == "DatosGeograficosCreados")
        .expect("DatosGeograficosCreados decoded");
    assert_eq!(
        geo["data"]["latitud_decimal"], 4.6097,
        "the service derived the v2 numeric field"
    );
    assert_eq!(geo["data"]["direccion"], "Cra 7 # 40-62");
    let decided = &lines.last().expect("summary")["decided"];
    let compania = created["key"].as_str().expect("key");
    assert_eq!(decided[compania], "CompaniaRechazada", "blank email");
    let propiedad = geo["key"].as_str().expect("key");
    assert_eq!(decided[propiedad], "DatosGeograficosAprobados");

    let predio = lines
        .iter()
        .find(|l| l["event"] == "PropiedadCreada")
        .expect("PropiedadCreada decoded");
    assert_eq!(predio["data"]["nombre"], "Predio Python");
    let id_predio = predio["key"].as_str().expect("key");
    assert_eq!(
        decided[id_predio], "PropiedadRechazada",
        "nit of no company"
    );
    let record = app.get_json(&format!("/propiedades/{id_predio}")).await;
    assert_eq!(
        record["motivos_rechazo"],
        serde_json::json!(["nit desconocido"])
    );

    let record = app.get_json(&format!("/companias/{compania}")).await;
    assert_eq!(
        record["motivos_rechazo"],
        serde_json::json!(["email faltante"])
    );
    assert_eq!(record["pais"], "CO");
    let predio = app.get_json(&format!("/geograficos/{propiedad}")).await;
    assert_eq!(predio["direccion"], "Cra 7 # 40-62");
    app.app.stop().await;
}
