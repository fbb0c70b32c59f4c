use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, Migrator};
use sqlx::{AnyPool, Executor};

use super::InfraError;

/// Outbox, inbox, relay lease and dead letters: the tables every context
/// database has. Their DDL differs per backend (autoincrement, blobs); a
/// context's own migrations are portable SQL shared by both.
static SEEDWORK_SQLITE: Migrator = sqlx::migrate!("migrations/seedwork/sqlite");
static SEEDWORK_POSTGRES: Migrator = sqlx::migrate!("migrations/seedwork/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A validated database URL: `sqlite://path/file.db` or `postgres://...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: Backend,
}

impl FromStr for DatabaseUrl {
    type Err = InfraError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(InfraError::DatabaseUrl {
                url: url.to_owned(),
                reason: "expected sqlite:// or postgres://".into(),
            });
        };
        Ok(Self {
            url: url.to_owned(),
            backend,
        })
    }
}

impl DatabaseUrl {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// The path of a SQLite URL without its query string.
    fn sqlite_path(&self) -> &str {
        let rest = self
            .url
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:");
        rest.split('?').next().unwrap_or(rest)
    }

    /// Splits a Postgres URL into (server URL with `/postgres`, database name).
    fn postgres_parts(&self) -> Result<(String, String), InfraError> {
        let (before_query, query) = match self.url.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (self.url.as_str(), None),
        };
        let scheme_end = before_query.find("://").map_or(0, |i| i + 3);
        let slash = before_query[scheme_end..]
            .find('/')
            .map(|i| i + scheme_end)
            .ok_or_else(|| InfraError::DatabaseUrl {
                url: self.url.clone(),
                reason: "missing database name".into(),
            })?;
        let name = before_query[slash + 1..].to_owned();
        let mut admin = format!("{}/postgres", &before_query[..slash]);
        if let Some(q) = query {
            admin.push('?');
            admin.push_str(q);
        }
        Ok((admin, name))
    }
}

/// The URL of one context's database derived from a base URL, so that `all`
/// keeps one database per context: `.../propalpes` → `.../propalpes_companias`,
/// `sqlite://data/propalpes.db` → `sqlite://data/propalpes_companias.db`.
pub fn context_database_url(base: &DatabaseUrl, context: &str) -> DatabaseUrl {
    let url = match base.backend {
        Backend::Postgres => {
            let (head, query) = match base.url.split_once('?') {
                Some((h, q)) => (h.to_owned(), format!("?{q}")),
                None => (base.url.clone(), String::new()),
            };
            format!("{head}_{context}{query}")
        }
        Backend::Sqlite => {
            let path = base.sqlite_path();
            let (stem, ext) = match path.rsplit_once('.') {
                Some((s, e)) if !e.contains('/') => (s.to_owned(), format!(".{e}")),
                _ => (path.to_owned(), String::new()),
            };
            format!("sqlite://{stem}_{context}{ext}")
        }
    };
    DatabaseUrl {
        url,
        backend: base.backend,
    }
}

/// A context's connection pools, migrated, with the backend it runs on.
/// On SQLite every write goes through `writer`, a pool of one connection:
/// writers queue in the process (first come, first served) instead of
/// sleeping in SQLite's busy handler, which under load costs milliseconds
/// per transaction and most of the throughput. On Postgres both are the
/// same pool.
#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    writer: AnyPool,
    backend: Backend,
    url: String,
}

impl Database {
    /// Creates the database if missing, connects and runs the seedwork and
    /// the context's migrations (all embedded in the binary).
    pub async fn connect(url: &DatabaseUrl, migrations: &Migrator) -> Result<Self, InfraError> {
        install_default_drivers();
        let (pool, writer) = match url.backend {
            Backend::Sqlite => {
                let path = url.sqlite_path();
                if let Some(parent) = Path::new(path).parent() {
                    if !parent.as_os_str().is_empty() {
                        std::fs::create_dir_all(parent)?;
                    }
                }
                let sqlite_url = format!("sqlite://{path}?mode=rwc");
                let writer = sqlite_pool(1).connect(&sqlite_url).await?;
                reclaim_pages_incrementally(&writer).await?;
                (sqlite_pool(8).connect(&sqlite_url).await?, writer)
            }
            Backend::Postgres => {
                create_postgres_database(url).await?;
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect(url.as_str())
                    .await?;
                (pool.clone(), pool)
            }
        };
        let seedwork = match url.backend {
            Backend::Sqlite => &SEEDWORK_SQLITE,
            Backend::Postgres => &SEEDWORK_POSTGRES,
        };
        let all: Vec<Migration> = seedwork.iter().chain(migrations.iter()).cloned().collect();
        Migrator::with_migrations(all).run(&pool).await?;
        Ok(Self {
            pool,
            writer,
            backend: url.backend,
            url: url.url.clone(),
        })
    }

    /// For reads (and writes that can wait in SQLite's busy handler).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// For writes outside a unit of work: queued behind the SQLite writer.
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Starts a transaction. SQLite takes the write lock up front so two
    /// writers queue on the busy timeout instead of deadlocking on upgrade.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    /// Whether the database answers within two seconds.
    pub async fn ping(&self) -> bool {
        let probe = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(
            tokio::time::timeout(Duration::from_secs(2), probe).await,
            Ok(Ok(_))
        )
    }
}

/// A SQLite pool: WAL lets readers run beside the writer; the busy timeout
/// covers the rare write that does not go through the writer pool (another
/// process, a test) instead of failing it.
fn sqlite_pool(connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("PRAGMA journal_mode=WAL").await?;
                conn.execute("PRAGMA busy_timeout=10000").await?;
                conn.execute("PRAGMA synchronous=NORMAL").await?;
                Ok(())
            })
        })
}

/// Puts a SQLite database in incremental auto-vacuum mode, so retention
/// can give freed pages back to the file system (`PRAGMA
/// incremental_vacuum`) and the file stops growing. The mode is set when
/// the file is new; an older file is converted once, by a VACUUM.
async fn reclaim_pages_incrementally(writer: &AnyPool) -> Result<(), sqlx::Error> {
    use sqlx::Row;
    let mode: i64 = sqlx::query("PRAGMA auto_vacuum")
        .fetch_one(writer)
        .await?
        .try_get(0)?;
    if mode != 2 {
        writer.execute("PRAGMA auto_vacuum = INCREMENTAL").await?;
        writer.execute("VACUUM").await?;
    }
    Ok(())
}

async fn create_postgres_database(url: &DatabaseUrl) -> Result<(), InfraError> {
    let (admin_url, name) = url.postgres_parts()?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(InfraError::DatabaseUrl {
            url: url.url.clone(),
            reason: "database name must be [A-Za-z0-9_]+".into(),
        });
    }
    let admin = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&admin_url)
        .await?;
    let exists: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_optional(&admin)
        .await?;
    if exists.is_none() {
        let create = sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\""));
        if let Err(error) = sqlx::query(create).execute(&admin).await {
            // Another instance may have created it between our check and now
            // (duplicate_database, or the catalog's unique index in a race).
            let duplicate = error
                .as_database_error()
                .and_then(|e| e.code())
                .is_some_and(|code| code == "42P04" || code == "23505");
            if !duplicate {
                return Err(error.into());
            }
        }
    }
    admin.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_one_database_per_context() {
        let pg: DatabaseUrl = "postgres://u:p@localhost:5432/propalpes?sslmode=disable"
            .parse()
            .unwrap();
        assert_eq!(
            context_database_url(&pg, "companias").as_str(),
            "postgres://u:p@localhost:5432/propalpes_companias?sslmode=disable"
        );
        let lite: DatabaseUrl = "sqlite://data/propalpes.db".parse().unwrap();
        assert_eq!(
            context_database_url(&lite, "auditoria").as_str(),
            "sqlite://data/propalpes_auditoria.db"
        );
    }

    #[test]
    fn refuses_unknown_schemes() {
        assert!("mysql://x/y".parse::<DatabaseUrl>().is_err());
    }

    #[test]
    fn postgres_admin_url_keeps_credentials() {
        let pg: DatabaseUrl = "postgres://u@127.0.0.1:5433/x_y".parse().unwrap();
        let (admin, name) = pg.postgres_parts().unwrap();
        assert_eq!(admin, "postgres://u@127.0.0.1:5433/postgres");
        assert_eq!(name, "x_y");
    }
}
