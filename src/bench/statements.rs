//! Statements the services ran during a measured drive, from PostgreSQL's
//! `pg_stat_statements` (the durable cluster of `scripts/bench` preloads
//! it): per context database, and the most frequent ones. The bench's own
//! polling of the projection is left out.

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;

/// The counters of one server, reset at the start of a drive.
pub struct ServerStatements {
    pool: AnyPool,
    /// The deployment's databases: `bench_<run>%`.
    databases: String,
}

/// What the services ran.
pub struct Statements {
    /// (context database, statements) — BEGIN and COMMIT included.
    pub by_database: Vec<(String, i64)>,
    /// The most frequent statements: (calls, text).
    pub top: Vec<(i64, String)>,
    /// The statements that took the server the longest: (ms, text).
    pub slowest: Vec<(f64, String)>,
}

impl Statements {
    pub fn total(&self) -> i64 {
        self.by_database.iter().map(|(_, n)| n).sum()
    }
}

/// The bench's polling of the projection (`load::wait_final`).
const BENCH_OWN: &str = "query NOT LIKE '%FROM registros WHERE tipo IN (''Compania'', ''DatosGeograficos'') AND fecha_creacion >= $1%'";

impl ServerStatements {
    /// Resets the counters; None where `pg_stat_statements` is not loaded.
    pub async fn start(server_url: &str, databases: &str) -> Option<Self> {
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect(server_url)
            .await
            .ok()?;
        sqlx::raw_sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            .execute(&pool)
            .await
            .ok()?;
        sqlx::raw_sql("SELECT pg_stat_statements_reset()")
            .execute(&pool)
            .await
            .ok()?;
        Some(Self {
            pool,
            databases: databases.to_owned(),
        })
    }

    pub async fn finish(&self) -> Option<Statements> {
        let by_database = format!(
            "SELECT CAST(d.datname AS TEXT), CAST(SUM(s.calls) AS BIGINT) FROM pg_stat_statements s \
             JOIN pg_database d ON d.oid = s.dbid WHERE d.datname LIKE $1 AND {BENCH_OWN} \
             GROUP BY d.datname ORDER BY d.datname"
        );
        let by_database: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(by_database))
            .bind(format!("{}%", self.databases))
            .fetch_all(&self.pool)
            .await
            .ok()?;
        let top = format!(
            "SELECT CAST(SUM(s.calls) AS BIGINT) AS calls, LEFT(REGEXP_REPLACE(s.query, '\\s+', ' ', 'g'), 110) AS q \
             FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
             WHERE d.datname LIKE $1 AND {BENCH_OWN} GROUP BY q ORDER BY calls DESC LIMIT 8"
        );
        let top: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(top))
            .bind(format!("{}%", self.databases))
            .fetch_all(&self.pool)
            .await
            .ok()?;
        let slowest = format!(
            "SELECT CAST(SUM(s.total_exec_time) AS DOUBLE PRECISION) AS ms, \
             LEFT(REGEXP_REPLACE(s.query, '\\s+', ' ', 'g'), 110) AS q \
             FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
             WHERE d.datname LIKE $1 AND {BENCH_OWN} GROUP BY q ORDER BY ms DESC LIMIT 5"
        );
        let slowest: Vec<(f64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(slowest))
            .bind(format!("{}%", self.databases))
            .fetch_all(&self.pool)
            .await
            .ok()?;
        let prefix = self.databases.clone();
        Some(Statements {
            by_database: by_database
                .into_iter()
                .map(|(name, n)| {
                    (
                        name.trim_start_matches(&prefix)
                            .trim_start_matches('_')
                            .to_owned(),
                        n,
                    )
                })
                .collect(),
            top,
            slowest,
        })
    }
}
