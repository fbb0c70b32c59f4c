//! Adapters of `companias`: the sqlx repository and read model (one portable
//! implementation for SQLite and Postgres), the Avro mapping of its events
//! and commands, and the wiring of the running context.

mod avro_mapper;
mod module;
mod sql_repository;

pub use avro_mapper::{CompaniaAvroEvents, CompaniaCommandDecoder};
pub use module::{CompaniasModule, SqlCompaniaCommands, SqlCompaniaQueries};
pub use sql_repository::{SqlCompaniaReadModel, SqlCompaniaRepository};

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/companias");
