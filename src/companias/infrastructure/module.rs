//! How `companias` runs: its parts, plugged into the seedwork's
//! `RecordModule` (contract, database, consumer of `comandos-companias`, relay).

use std::sync::Arc;

use sqlx::migrate::Migrator;

use super::{
    AvroEventosCompania, ComandosCompaniasConsumer, MIGRATIONS, SqlCompaniaRepository,
    SqlConsultaCompanias, contrato,
};
use crate::companias::application::{CompaniaHandlers, Companias};
use crate::contracts::{services, topics};
use crate::seedwork::infrastructure::avro::{AvroCodec, RecordContract};
use crate::seedwork::infrastructure::{
    ContextStorage, RecordModule, RecordWiring, SqlUnitOfWorkFactory,
};

pub type SqlCompaniaHandlers = CompaniaHandlers<SqlCompaniaRepository, AvroEventosCompania>;
/// The service the HTTP API calls, on SQL and Avro.
pub type SqlCompanias = Companias<
    SqlUnitOfWorkFactory,
    SqlCompaniaRepository,
    AvroEventosCompania,
    SqlConsultaCompanias,
>;
/// The running `companias` context: its service, storage, consumer and relay.
pub type CompaniasModule = RecordModule<CompaniasWiring>;

/// `companias`'s parts on SQL, Avro and its command topic.
pub struct CompaniasWiring;

impl RecordWiring for CompaniasWiring {
    const SERVICE: &'static str = services::COMPANIAS;
    const COMMAND_TOPIC: &'static str = topics::COMANDOS_COMPANIAS;
    type Handlers = SqlCompaniaHandlers;
    type Service = SqlCompanias;
    type Consumer = ComandosCompaniasConsumer<SqlCompaniaRepository, AvroEventosCompania>;

    fn migrations() -> &'static Migrator {
        &MIGRATIONS
    }

    fn contract(codec: &AvroCodec) -> Vec<RecordContract> {
        contrato(codec)
    }

    fn handlers(codec: Arc<AvroCodec>) -> Self::Handlers {
        CompaniaHandlers::new(
            SqlCompaniaRepository::default(),
            AvroEventosCompania::new(codec),
        )
    }

    fn service(storage: &ContextStorage, handlers: Arc<Self::Handlers>) -> Self::Service {
        let consulta = SqlConsultaCompanias::new(storage.db.clone());
        Companias::new(
            storage.uows.clone(),
            handlers.crear.clone(),
            consulta,
            storage.committers(),
        )
    }

    fn consumer(handlers: Arc<Self::Handlers>, codec: Arc<AvroCodec>) -> Self::Consumer {
        ComandosCompaniasConsumer::new(handlers, codec)
    }
}
