//! The web UI in a real browser (Debian's Chromium driven by playwright-core):
//! a company registered with a blank email turns Rechazada with its motivo
//! on the page, pushed by the subscription, without a reload.

use crate::common::{Backend, spawn_app};

#[tokio::test]
async fn the_company_form_shows_the_rejection_live() {
    let Ok(chromium) = std::env::var("PROPALPES_CHROMIUM") else {
        assert!(
            std::env::var("PROPALPES_REQUIRE_UI").is_err(),
            "PROPALPES_CHROMIUM (scripts/ui-env) is required"
        );
        eprintln!("SKIPPED: PROPALPES_CHROMIUM not set (run scripts/test)");
        return;
    };
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::path::Path::new(root).join("tests/output/ui");
    let output = tokio::process::Command::new("node")
        .arg(format!("{root}/tests/ui/company_form.mjs"))
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
    let result: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or("{}")).expect("json");
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
