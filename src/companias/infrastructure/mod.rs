//! Adapters of `companias`: its table (`sql`: the repository and the read
//! model), its Avro mapping, the consumer of `comandos-companias`, and the running module.

mod avro;
mod module;
mod sql;

pub use avro::{AvroEventosCompania, ComandoCompania, contrato};
pub use module::{ComandosCompaniasConsumer, CompaniasModule, SqlCompaniaHandlers, SqlCompanias};
pub use sql::{SqlCompaniaRepository, SqlConsultaCompanias};

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/companias");
