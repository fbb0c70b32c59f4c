//! The web UI in a real browser (Debian's Chromium driven by playwright-core):
//! a company registered with a blank email turns Rechazada with its motivo
//! on the page, pushed by the subscription, without a reload; a property
//! registration shows its saga's steps and ends compensada, naming the part
//! that failed, its values kept; the review queue cleared by keyboard;
//! views with addresses; the health banner through a real outage.

use std::time::Duration;

use crate::common::{Backend, TestApp, eventually, spawn_app};

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
            .is_some_and(|m| m.contains("datos geográficos: latitud fuera de rango"))
    );
}

/// GraphiQL, Swagger UI and the AsyncAPI viewer render and work with every
/// outside request blocked: their assets are compiled into the binary.
#[tokio::test]
async fn graphiql_swagger_and_asyncapi_work_offline() {
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
    assert!(
        result["canales"].as_u64().is_some_and(|n| n > 0),
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
            .is_some_and(|m| m.contains("Falta el email"))
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

/// 250 companies paged, filtered by estado and by the report's finding,
/// searched and sorted in the browser; the detail drawer explains the
/// finding; a page of 100 records renders (time printed, not asserted).
#[tokio::test]
async fn the_workbench_pages_filters_and_searches_250_companies() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    if std::env::var("PROPALPES_CHROMIUM").is_err() {
        let _ = browser(&app, "workbench.mjs").await;
        return;
    }
    crate::workbench::seed_companies(&app, 250).await;
    let result = browser(&app, "workbench.mjs").await.expect("ran");
    assert_eq!(result["ok"], true);
    assert_eq!(result["distinct"], 250);
    println!(
        "workbench: a page of {} records rendered in {} ms after the query returned",
        result["filas"], result["render_ms"]
    );
}

/// The development sign-in per role: the role shown, what it may not do
/// hidden.
#[tokio::test]
async fn sign_in_shows_the_role_and_hides_what_it_cannot_do() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let Some(result) = browser(&app, "sign_in.mjs").await else {
        return;
    };
    assert_eq!(result["ok"], true);
}

/// The operations view: every service ready, the dead letter with its
/// reason, replayed with its button, the outcome announced.
#[tokio::test]
async fn a_dead_letter_is_replayed_from_the_operations_view() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    if std::env::var("PROPALPES_CHROMIUM").is_ok() {
        // Three: one retried alone, one discarded, the last with its topic.
        for _ in 0..3 {
            crate::workbench::leave_a_dead_letter(&app).await;
        }
    }
    let Some(result) = browser(&app, "operations.mjs").await else {
        return;
    };
    assert_eq!(result["ok"], true);
    assert!(
        result["anuncio"]
            .as_str()
            .is_some_and(|a| a.contains("1 aplicada")),
        "{result}"
    );
    assert_eq!(
        app.embedded()
            .dead_letters("comandos-companias")
            .await
            .expect("list")
            .len(),
        0
    );
}

/// An auditor reviews a record EnRevision (a blank reason refused on the
/// field), then reopens a rejection and approves it: the drawer follows
/// each command to its new estado.
#[tokio::test]
async fn an_auditor_reviews_and_reopens_in_the_drawer() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let Some(result) = browser(&app, "review.mjs").await else {
        return;
    };
    assert_eq!(result["ok"], true);
}

/// A reviewer clears 20 records EnRevision with the keyboard alone (the
/// keystrokes and the time printed) and rejects 5 more in bulk with one
/// reason; the pager never reads a range past its total.
#[tokio::test]
async fn a_reviewer_clears_the_queue_by_keyboard_and_rejects_in_bulk() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let Some(result) = browser(&app, "cola.mjs").await else {
        return;
    };
    assert_eq!(result["ok"], true);
    assert_eq!(result["aprobadas"], 20);
    assert_eq!(result["rechazadas"], 5);
    println!(
        "review queue: 20 records cleared by keyboard in {} s with {} keystrokes",
        result["segundos"], result["teclas"]
    );
}

/// Filters and the open record live in the URL: a reload restores them,
/// Back closes the drawer and then leaves the view; 390 px shows cards.
#[tokio::test]
async fn views_have_addresses_that_survive_a_reload_and_back() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let Some(result) = browser(&app, "rutas.mjs").await else {
        return;
    };
    assert_eq!(result["ok"], true);
}

/// auditoria's database refuses connections: its consumer pauses and the
/// dashboard's banner turns Degradado naming it; once the database is
/// back the banner returns to Sano by itself.
#[tokio::test]
async fn the_health_banner_follows_a_paused_consumer() {
    let Some(app) = spawn_app(Backend::Postgres).await else {
        return;
    };
    if std::env::var("PROPALPES_CHROMIUM").is_err() {
        let _ = browser(&app, "salud.mjs").await;
        return;
    }
    let database = crate::common::ContextDatabase::of(&app, "auditoria").await;
    let senal =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/output/ui/salud-degradado");
    let _ = std::fs::remove_file(&senal);
    database.allow_connections(false).await;
    app.gql(
        "mutation { crearCompania(input: {nombre: \"Durante la caída\", email: \"c@caida.co\", identificacion: \"5150\"}) { idEntidad } }",
        serde_json::json!({}),
    )
    .await;
    // Once the page saw Degradado (its signal file), the database comes back.
    let pagina = browser(&app, "salud.mjs");
    tokio::pin!(pagina);
    let degradado = eventually(
        "the page to see Degradado",
        Duration::from_secs(90),
        || async { senal.exists().then_some(()) },
    );
    // A page that ends first never saw it (its failure says why).
    let ended_first = tokio::select! {
        r = &mut pagina => Some(r),
        () = degradado => None,
    };
    database.allow_connections(true).await;
    let result = match ended_first {
        Some(result) => result,
        None => pagina.await,
    };
    let result = result.expect("ran");
    assert_eq!(result["ok"], true);
    println!(
        "health banner: Degradado after {} s, Sano {} s after the database came back",
        result["degradado_s"], result["sano_s"]
    );
}
