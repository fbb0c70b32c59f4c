//! `spawn_app()`: the whole service on a random port with fresh, migrated
//! databases, on SQLite (a temp dir) or Postgres (a new database per test).
#![allow(dead_code)]

pub mod audit;
pub mod pulsar;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use propalpes::app::{self, Role, RunningApp};
use propalpes::seedwork::application::{HandleError, Message, MessageHandler};
use propalpes::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub app: RunningApp,
    pub base_url: String,
    pub database_url: String,
    pub http: reqwest::Client,
    pub _dir: tempfile::TempDir,
}

/// The Postgres server for tests (scripts/test starts one and sets it).
/// Without it Postgres tests are skipped, unless PROPALPES_REQUIRE_PG=1
/// (scripts/test sets it) turns the absence into a failure.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("PROPALPES_REQUIRE_PG").is_err(),
                "PROPALPES_REQUIRE_PG is set but TEST_DATABASE_URL is not"
            );
            eprintln!("SKIPPED: TEST_DATABASE_URL not set (run scripts/test)");
            None
        }
    }
}

/// A fresh database URL (base; each context derives its own database).
pub fn fresh_database_url(backend: Backend, dir: &std::path::Path) -> Option<String> {
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    match backend {
        Backend::Sqlite => Some(format!("sqlite://{}/t{}.db", dir.display(), &suffix[..8])),
        Backend::Postgres => {
            let server = postgres_url()?;
            let (head, _) = server
                .rsplit_once('/')
                .expect("TEST_DATABASE_URL has a database");
            Some(format!("{head}/t_{}", &suffix[..12]))
        }
    }
}

/// The tests' HS256 secret (as long as a deployment's must be).
pub const TEST_JWT_SECRET: &str = "test-secret-of-the-propalpes-suite-32b+";

/// Settings of a test deployment: `database_url`, a free port, the test
/// secret, anonymous access on, two redeliveries.
pub fn args(database_url: &str, dir: &std::path::Path) -> Settings {
    Settings::for_tests(database_url, dir, TEST_JWT_SECRET)
}

/// Every context in one process, as `propalpes all`.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, None).await
}

/// Only the companias context (no audit deciding behind the test's back).
pub async fn spawn_companias(backend: Backend) -> Option<TestApp> {
    spawn_role(backend, None, Role::Companias).await
}

/// The app on Pulsar (the test's namespace) and a database of `backend`.
pub async fn spawn_app_with(
    backend: Backend,
    pulsar: Option<&pulsar::PulsarEnv>,
) -> Option<TestApp> {
    spawn_role(backend, pulsar, Role::All).await
}

/// Only the companias context, with anonymous access off: every write
/// needs a token (signed with `TEST_JWT_SECRET`).
pub async fn spawn_secured_companias(backend: Backend) -> Option<TestApp> {
    spawn_configured(backend, None, Role::Companias, |args| {
        args.auth.anonymous = Some(false)
    })
    .await
}

/// A token with `roles`, signed with `TEST_JWT_SECRET`.
pub fn token(roles: &[propalpes::seedwork::domain::Rol]) -> String {
    propalpes::seedwork::infrastructure::mint_token(TEST_JWT_SECRET, "test-user", roles, 600)
        .expect("token")
}

pub async fn spawn_role(
    backend: Backend,
    pulsar: Option<&pulsar::PulsarEnv>,
    role: Role,
) -> Option<TestApp> {
    spawn_configured(backend, pulsar, role, |_| {}).await
}

pub async fn spawn_configured(
    backend: Backend,
    pulsar: Option<&pulsar::PulsarEnv>,
    role: Role,
    configure: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    propalpes::telemetry::init_for_tests();
    let dir = tempfile::tempdir().expect("tempdir");
    let database_url = fresh_database_url(backend, dir.path())?;
    let mut args = args(&database_url, dir.path());
    configure(&mut args);
    if let Some(env) = pulsar {
        args.pulsar.url = Some(env.url.clone());
        args.pulsar.namespace = env.namespace.clone();
    }
    let app = app::start(&args, role).await.expect("app starts");
    Some(TestApp {
        base_url: format!("http://{}", app.addr),
        app,
        database_url,
        http: reqwest::Client::new(),
        _dir: dir,
    })
}

impl TestApp {
    pub fn new(app: RunningApp, database_url: String, dir: tempfile::TempDir) -> Self {
        Self {
            base_url: format!("http://{}", app.addr),
            app,
            database_url,
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    pub fn embedded(&self) -> &propalpes::seedwork::infrastructure::EmbeddedBus {
        self.app.buses.embedded.as_deref().expect("embedded bus")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Puts messages on the app's bus, as another service would.
    pub async fn publish(&self, messages: &[propalpes::seedwork::application::Message]) {
        self.app.buses.bus.publish(messages).await.expect("publish");
    }

    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    pub async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("request")
    }

    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        self.get(path).await.json().await.expect("json body")
    }

    /// The GraphQL helper of the tests: `query` with `variables`, anonymous;
    /// the JSON answer, `data` and `errors` alike.
    pub async fn gql(&self, query: &str, variables: serde_json::Value) -> serde_json::Value {
        self.gql_as(None, query, variables).await
    }

    /// As `gql`, with `token` (when given) as the bearer.
    pub async fn gql_as(
        &self,
        token: Option<&str>,
        query: &str,
        variables: serde_json::Value,
    ) -> serde_json::Value {
        let body = serde_json::json!({"query": query, "variables": variables});
        self.graphql_request(token, &body)
            .await
            .json()
            .await
            .expect("json")
    }

    /// Any `body` POSTed to /graphql, for the tests that look at the HTTP
    /// status too: the status and the JSON answer (`Null` when it is not
    /// JSON).
    pub async fn graphql_raw(
        &self,
        token: Option<&str>,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let response = self.graphql_request(token, &body).await;
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }

    async fn graphql_request(
        &self,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let mut request = self.http.post(self.url("/graphql")).json(body);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send().await.expect("request")
    }
}

/// Polls `check` every 25 ms until it yields a value, and returns it; fails
/// the test naming `what` after `within`. The one wait of the tests: no
/// hand-written loop of sleeps.
pub async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + within;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A subscriber that records every delivery.
#[derive(Default, Clone)]
pub struct Recorder {
    pub seen: Arc<Mutex<Vec<Message>>>,
}

impl Recorder {
    pub fn messages(&self) -> Vec<Message> {
        self.seen.lock().expect("lock").clone()
    }

    /// Waits until `pred` holds over the recorded messages (or panics).
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Message]) -> bool) -> Vec<Message> {
        eventually(what, Duration::from_secs(5), || async {
            let messages = self.messages();
            pred(&messages).then_some(messages)
        })
        .await
    }
}

#[async_trait]
impl MessageHandler for Recorder {
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        self.seen.lock().expect("lock").push(message.clone());
        Ok(())
    }
}

/// Runs each test body once per backend, as `sqlite::name` and
/// `postgres::name`: the one both-backends macro of the tests.
///
/// - `spawn: name => body;` spawns an app with `spawn(backend)` and hands it
///   to `body` (a Postgres test without a server is skipped by `spawn`).
/// - `spawn: name => body with (a, b);` spawns it with `spawn(backend, a, b)`,
///   for bodies that need the app configured their own way.
/// - `Backend: name => body;` hands `body` the `Backend` itself, for tests
///   of the plumbing below the app.
#[macro_export]
macro_rules! on_both_backends {
    (Backend: $($name:ident => $body:ident;)*) => {
        mod sqlite {
            use super::*;
            $(#[tokio::test] async fn $name() { super::$body(Backend::Sqlite).await })*
        }
        mod postgres {
            use super::*;
            $(#[tokio::test] async fn $name() { super::$body(Backend::Postgres).await })*
        }
    };
    ($spawn:ident: $($name:ident => $body:ident $(with ($($arg:expr),*))?;)*) => {
        mod sqlite {
            use super::*;
            $(#[tokio::test] async fn $name() {
                if let Some(app) = $spawn(Backend::Sqlite $($(, $arg)*)?).await { super::$body(app).await }
            })*
        }
        mod postgres {
            use super::*;
            $(#[tokio::test] async fn $name() {
                if let Some(app) = $spawn(Backend::Postgres $($(, $arg)*)?).await { super::$body(app).await }
            })*
        }
    };
}

/// A context's PostgreSQL database of a test app, which the test can make
/// refuse connections (an outage) and let back.
pub struct ContextDatabase {
    admin: sqlx::PgPool,
    name: String,
}

impl ContextDatabase {
    /// `context`'s database of `app` (`…_companias`, `…_auditoria`).
    pub async fn of(app: &TestApp, context: &str) -> Self {
        let server = postgres_url().expect("postgres");
        let admin = sqlx::PgPool::connect(&server).await.expect("admin");
        let base = app.database_url.rsplit('/').next().expect("name");
        Self {
            admin,
            name: format!("{base}_{context}"),
        }
    }

    /// Refuses new connections and ends the open ones (`allow` false), or
    /// lets them back.
    pub async fn allow_connections(&self, allow: bool) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE \"{}\" ALLOW_CONNECTIONS {allow}",
            self.name
        )))
        .execute(&self.admin)
        .await
        .expect("alter database");
        if !allow {
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            )
            .bind(&self.name)
            .execute(&self.admin)
            .await
            .expect("terminate");
        }
    }
}
