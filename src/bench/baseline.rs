//! `propalpes bench baseline`: what the databases commit on their own, the
//! transaction the flow repeats (an aggregate row and an outbox row, about
//! 200 bytes each), so every flow figure can be read as a share of it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};

use crate::seedwork::infrastructure::InfraError;

/// How long each measurement runs.
const WINDOW: Duration = Duration::from_secs(3);
const PAYLOAD: usize = 200;

/// Commit rates measured in one run.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// Postgres, transactions per second at 1, 8 and 32 connections.
    pub postgres: Vec<(u32, f64)>,
    /// Postgres durability settings as found (`fsync`, `synchronous_commit`).
    pub postgres_settings: String,
    /// SQLite (WAL, synchronous=NORMAL, as the embedded default), one connection.
    pub sqlite: Option<f64>,
}

impl Baseline {
    pub fn postgres_at(&self, connections: u32) -> Option<f64> {
        self.postgres
            .iter()
            .find(|(c, _)| *c == connections)
            .map(|(_, r)| *r)
    }

    pub fn print(&self) {
        println!("baseline: an aggregate row + an outbox row per transaction ({PAYLOAD} B each)");
        if let Some(rate) = self.sqlite {
            println!("  SQLite, WAL, synchronous=NORMAL, 1 connection: {rate:>9.0} tx/s");
        }
        for (connections, rate) in &self.postgres {
            println!(
                "  PostgreSQL ({}), {connections:>2} connection(s): {rate:>9.0} tx/s",
                self.postgres_settings
            );
        }
    }
}

fn db_error(e: sqlx::Error) -> InfraError {
    InfraError::Database(e)
}

/// The two tables, created in a scratch database.
async fn create_tables(pool: &AnyPool, blob: &str) -> Result<(), InfraError> {
    pool.execute(
        "CREATE TABLE IF NOT EXISTS bench_aggregate (id TEXT PRIMARY KEY, datos TEXT NOT NULL, version BIGINT NOT NULL)",
    )
    .await
    .map_err(db_error)?;
    let outbox = format!(
        "CREATE TABLE IF NOT EXISTS bench_outbox (seq {}, id TEXT NOT NULL, payload {blob} NOT NULL, sent_at BIGINT)",
        if blob == "BYTEA" {
            "BIGSERIAL PRIMARY KEY"
        } else {
            "INTEGER PRIMARY KEY AUTOINCREMENT"
        }
    );
    pool.execute(sqlx::AssertSqlSafe(outbox))
        .await
        .map_err(db_error)?;
    Ok(())
}

/// One transaction of the shape the flow commits.
async fn commit_one(pool: &AnyPool, begin: &'static str) -> Result<(), sqlx::Error> {
    let id = uuid::Uuid::now_v7().to_string();
    let mut tx = pool.begin_with(begin).await?;
    sqlx::query("INSERT INTO bench_aggregate (id, datos, version) VALUES ($1, $2, 1)")
        .bind(&id)
        .bind("x".repeat(PAYLOAD))
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO bench_outbox (id, payload) VALUES ($1, $2)")
        .bind(&id)
        .bind(vec![7u8; PAYLOAD])
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Transactions per second over [`WINDOW`] with `connections` writers.
async fn rate(pool: &AnyPool, connections: u32, begin: &'static str) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let writers: Vec<_> = (0..connections)
        .map(|_| {
            let (pool, done) = (pool.clone(), done.clone());
            tokio::spawn(async move {
                while started.elapsed() < WINDOW {
                    if commit_one(&pool, begin).await.is_ok() {
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    futures::future::join_all(writers).await;
    done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

/// Postgres at 1, 8 and 32 connections, in a scratch database on the
/// server of `server_url` (dropped afterwards).
pub async fn postgres(server_url: &str) -> Result<(Vec<(u32, f64)>, String), InfraError> {
    install_default_drivers();
    let head = server_url
        .split('?')
        .next()
        .and_then(|u| u.rsplit_once('/'))
        .map_or(server_url, |(head, _)| head);
    let admin = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("{head}/postgres"))
        .await
        .map_err(db_error)?;
    let name = format!(
        "bench_baseline_{}",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    admin
        .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .map_err(db_error)?;
    let url = format!("{head}/{name}");
    let settings = durability(&admin).await;
    let mut rates = Vec::new();
    {
        let pool = AnyPoolOptions::new()
            .max_connections(32)
            .connect(&url)
            .await
            .map_err(db_error)?;
        create_tables(&pool, "BYTEA").await?;
        for connections in [1, 8, 32] {
            rates.push((connections, rate(&pool, connections, "BEGIN").await));
        }
        pool.close().await;
    }
    let _ = admin
        .execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .await;
    Ok((rates, settings))
}

/// `fsync=on, synchronous_commit=on` as the server reports them.
pub async fn durability(pool: &AnyPool) -> String {
    let mut parts = Vec::new();
    for setting in ["fsync", "synchronous_commit"] {
        let value: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SHOW {setting}")))
            .fetch_one(pool)
            .await
            .unwrap_or_else(|_| "?".into());
        parts.push(format!("{setting}={value}"));
    }
    parts.join(", ")
}

/// SQLite in a temporary file, one connection, as the embedded default runs it.
pub async fn sqlite() -> Result<f64, InfraError> {
    install_default_drivers();
    let dir = tempfile_dir()?;
    let url = format!("sqlite://{}/baseline.db?mode=rwc", dir.display());
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("PRAGMA journal_mode=WAL").await?;
                conn.execute("PRAGMA synchronous=NORMAL").await?;
                Ok(())
            })
        })
        .connect(&url)
        .await
        .map_err(db_error)?;
    create_tables(&pool, "BLOB").await?;
    let measured = rate(&pool, 1, "BEGIN IMMEDIATE").await;
    pool.close().await;
    let _ = std::fs::remove_dir_all(dir);
    Ok(measured)
}

fn tempfile_dir() -> Result<std::path::PathBuf, InfraError> {
    let dir =
        std::env::temp_dir().join(format!("propalpes-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Measures what a flow run is compared with: SQLite always, Postgres when
/// a server URL is given.
pub async fn measure(postgres_server: Option<&str>) -> Result<Baseline, InfraError> {
    let mut baseline = Baseline {
        sqlite: Some(sqlite().await?),
        ..Baseline::default()
    };
    if let Some(url) = postgres_server {
        let (rates, settings) = postgres(url).await?;
        baseline.postgres = rates;
        baseline.postgres_settings = settings;
    }
    Ok(baseline)
}

/// `propalpes bench baseline`.
pub async fn baseline(postgres_server: Option<&str>) -> Result<(), InfraError> {
    measure(postgres_server).await?.print();
    Ok(())
}
