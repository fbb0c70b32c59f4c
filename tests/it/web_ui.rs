//! The web UI in a real browser (Debian's Chromium driven by playwright-core):
//! a company registered with a blank email turns Rechazada with its motivo
//! on the page, pushed by the subscription, without a reload; a property
//! registration shows its saga's steps and ends compensada, naming the part
//! that failed.

use crate::common::{Backend, TestApp, spawn_app};

/// Runs `tests/ui/<script>` against `app`; returns its last JSON line.
async fn browser(app: &TestApp, script: &str) -> Option<serde_json::Value> {
    let Ok(chromium) = std::env::var("PROPALPES_CHROMIUM") else {
        assert!(
            std::env::var("PROPALPES_REQUIRE_UI").is_err(),
            "PROPALPES_CHROMIUM (scripts/ui-env) is required"
        );
        eprintln!("SKIPPED: PROPALPES_CHROMIUM not set (run scripts/test)");
        return None;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::path::Path::new(root).join("tests/output/ui");
    let output = tokio::process::Command::new("node")
        .arg(format!("{root}/tests/ui/{script}"))
        .arg(&app.base_url)
        .arg(&out)
        .env("CHROMIUM", chromium)
        .output()
        .await
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "browser test failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_str(stdout.lines().last().unwrap_or("{}")).expect("json"))
}

#[tokio::test]
async fn the_registration_form_follows_the_saga_to_its_compensation() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let Some(result) = browser(&app, "registration_form.mjs").await else {
        return;
    };
    assert_eq!(result["ok"], true);
    assert!(
        result["motivo"]
            .as_str()
            .is_some_and(|m| m.contains("datos geográficos: latitud fuera_de_rango"))
    );
}

/// GraphiQL and Swagger UI render and work with every outside request
/// blocked: their assets are compiled into the binary.
#[tokio::test]
async fn graphiql_and_swagger_work_offline() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let Some(result) = browser(&app, "offline_tools.mjs").await else {
        return;
    };
    assert_eq!(result["ok"], true);
    assert_eq!(result["external"], 0);
    assert!(
        result["operations"].as_u64().is_some_and(|n| n > 10),
        "{result}"
    );
}

#[tokio::test]
async fn the_company_form_shows_the_rejection_live() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let Some(result) = browser(&app, "company_form.mjs").await else {
        return;
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::path::Path::new(root).join("tests/output/ui");
    assert_eq!(result["ok"], true);
    assert!(
        result["motivos"]
            .as_str()
            .is_some_and(|m| m.contains("email faltante"))
    );
    assert!(
        out.join("company-rechazada.png").exists(),
        "screenshot written"
    );
    println!(
        "screenshot: {}",
        out.join("company-rechazada.png").display()
    );
}
