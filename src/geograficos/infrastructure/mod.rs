//! Adapters of `geograficos`: its table (`sql`: the repository and the read
//! model), its Avro mapping, the consumer of `comandos-geograficos`, and the running module.

mod avro;
mod module;
mod sql;

pub use avro::{AvroEventosDatosGeograficos, ComandoDatosGeograficos, contrato};
pub use module::{
    ComandosGeograficosConsumer, GeograficosModule, SqlDatosGeograficosHandlers, SqlGeograficos,
};
pub use sql::{SqlConsultaDatosGeograficos, SqlDatosGeograficosRepository};

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/geograficos");
