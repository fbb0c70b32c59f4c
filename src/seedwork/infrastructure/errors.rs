use thiserror::Error;

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
