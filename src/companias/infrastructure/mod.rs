//! Adapters of `companias`: the sqlx repository and read model (one portable
//! implementation for SQLite and Postgres), the Avro mapping of its events
//! and commands, and the consumer of its command topic.

mod avro_mapper;
mod command_consumer;
mod module;
mod sql_repository;

pub use avro_mapper::{CompaniaAvroEvents, CompaniaCommandMessage, decode_command};
pub use command_consumer::CompaniaCommandConsumer;
pub use module::{CompaniasModule, SqlCompaniaCommands, SqlCompaniaQueries};
pub use sql_repository::{SqlCompaniaReadModel, SqlCompaniaRepository};

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/companias");
