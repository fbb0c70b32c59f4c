//! Adapters of `propiedades`: its SQL repository and read model, its Avro
//! mapping, the consumer of `comandos-propiedades`, and the running module.

mod avro;
mod consumer;
mod module;
mod sql_consulta;
mod sql_repository;

pub use avro::{AvroEventosPropiedad, ComandoPropiedad, contrato};
pub use consumer::ComandosPropiedadesConsumer;
pub use module::{PropiedadesModule, SqlPropiedadHandlers, SqlPropiedades};
pub use sql_consulta::SqlConsultaPropiedades;
pub use sql_repository::SqlPropiedadRepository;

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/propiedades");
