//! How `propiedades` runs: its parts, plugged into the seedwork's
//! `RecordModule` (contract, database, consumer of `comandos-propiedades`, relay).

use std::sync::Arc;

use sqlx::migrate::Migrator;

use super::{
    AvroEventosPropiedad, ComandosPropiedadesConsumer, MIGRATIONS, SqlConsultaPropiedades,
    SqlPropiedadRepository, contrato,
};
use crate::contracts::{services, topics};
use crate::propiedades::application::{PropiedadHandlers, Propiedades};
use crate::seedwork::infrastructure::avro::{AvroCodec, RecordContract};
use crate::seedwork::infrastructure::{
    ContextStorage, RecordModule, RecordWiring, SqlUnitOfWorkFactory,
};

pub type SqlPropiedadHandlers = PropiedadHandlers<SqlPropiedadRepository, AvroEventosPropiedad>;
/// The service the HTTP API calls, on SQL and Avro.
pub type SqlPropiedades = Propiedades<
    SqlUnitOfWorkFactory,
    SqlPropiedadRepository,
    AvroEventosPropiedad,
    SqlConsultaPropiedades,
>;
/// The running `propiedades` context: its service, storage, consumer and relay.
pub type PropiedadesModule = RecordModule<PropiedadesWiring>;

/// `propiedades`'s parts on SQL, Avro and its command topic.
pub struct PropiedadesWiring;

impl RecordWiring for PropiedadesWiring {
    const SERVICE: &'static str = services::PROPIEDADES;
    const COMMAND_TOPIC: &'static str = topics::COMANDOS_PROPIEDADES;
    type Handlers = SqlPropiedadHandlers;
    type Service = SqlPropiedades;
    type Consumer = ComandosPropiedadesConsumer<SqlPropiedadRepository, AvroEventosPropiedad>;

    fn migrations() -> &'static Migrator {
        &MIGRATIONS
    }

    fn contract(codec: &AvroCodec) -> Vec<RecordContract> {
        contrato(codec)
    }

    fn handlers(codec: Arc<AvroCodec>) -> Self::Handlers {
        PropiedadHandlers::new(
            SqlPropiedadRepository::default(),
            AvroEventosPropiedad::new(codec),
        )
    }

    fn service(storage: &ContextStorage, handlers: Arc<Self::Handlers>) -> Self::Service {
        let consulta = SqlConsultaPropiedades::new(storage.db.clone());
        Propiedades::new(
            storage.uows.clone(),
            handlers.crear.clone(),
            consulta,
            storage.committers(),
        )
    }

    fn consumer(handlers: Arc<Self::Handlers>, codec: Arc<AvroCodec>) -> Self::Consumer {
        ComandosPropiedadesConsumer::new(handlers, codec)
    }
}
