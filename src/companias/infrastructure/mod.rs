//! Adapters of `companias`: its SQL repository and read model, its Avro
//! mapping, the consumer of `comandos-companias`, and the running module.

mod avro;
mod consumer;
mod module;
mod sql_consulta;
mod sql_repository;

pub use avro::{AvroEventosCompania, ComandoCompania, contrato};
pub use consumer::ComandosCompaniasConsumer;
pub use module::{CompaniasModule, SqlCompaniaHandlers, SqlCompanias};
pub use sql_consulta::SqlConsultaCompanias;
pub use sql_repository::SqlCompaniaRepository;

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/companias");
