use thiserror::Error;

use crate::seedwork::application::StoreError;

/// Failures while setting up or running infrastructure (start-up, relay).
#[derive(Debug, Error)]
pub enum InfraError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("invalid database url {url}: {reason}")]
    DatabaseUrl { url: String, reason: String },
    #[error("schema {file}: {reason}")]
    Schema { file: String, reason: String },
    #[error("bus: {0}")]
    Bus(String),
    #[error("storage: {0}")]
    Store(#[from] crate::seedwork::application::StoreError),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("configuration: {0}")]
    Config(String),
}

/// Maps a driver error to the storage port's error: a database that cannot
/// be reached, refuses connections or is locked is `Unavailable` (an outage
/// to wait out), anything else a `Backend` failure.
pub fn store_error(error: sqlx::Error) -> StoreError {
    if is_outage(&error) {
        StoreError::Unavailable(error.to_string())
    } else {
        StoreError::Backend(error.to_string())
    }
}

fn is_outage(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if code.len() == 5 {
                // Postgres SQLSTATE: connection exception (08), insufficient
                // resources (53), operator intervention (57P01-57P03:
                // shutdown, cannot connect now), query cancelled (57014);
                // 55000 is how a database with ALLOW_CONNECTIONS false refuses.
                code.starts_with("08")
                    || code.starts_with("53")
                    || code.starts_with("57P")
                    || code == "57014"
                    || (code == "55000" && db.message().contains("accepting connections"))
            } else {
                // SQLite (primary result code in the low byte): busy,
                // locked, I/O error, full, cannot open.
                code.parse::<i32>()
                    .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 10 | 13 | 14))
            }
        }
        _ => false,
    }
}
