//! Adapters of `propiedades`: its table (`sql`: the repository and the read
//! model), its Avro mapping, the consumer of `comandos-propiedades`, and the running module.

mod avro;
mod module;
mod sql;

pub use avro::{AvroEventosPropiedad, ComandoPropiedad, contrato};
pub use module::{
    ComandosPropiedadesConsumer, PropiedadesModule, SqlPropiedadHandlers, SqlPropiedades,
};
pub use sql::{SqlConsultaPropiedades, SqlPropiedadRepository};

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/propiedades");
