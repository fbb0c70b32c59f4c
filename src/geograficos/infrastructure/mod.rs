//! Adapters of `geograficos`: its SQL repository and read model, its Avro
//! mapping, the consumer of `comandos-geograficos`, and the running module.

mod avro;
mod consumer;
mod module;
mod sql_consulta;
mod sql_repository;

pub use avro::{AvroEventosDatosGeograficos, ComandoDatosGeograficos, contrato};
pub use consumer::ComandosGeograficosConsumer;
pub use module::{GeograficosModule, SqlDatosGeograficosHandlers, SqlGeograficos};
pub use sql_consulta::SqlConsultaDatosGeograficos;
pub use sql_repository::SqlDatosGeograficosRepository;

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/geograficos");
