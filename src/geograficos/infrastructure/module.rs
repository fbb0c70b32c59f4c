//! How `geograficos` runs: its parts, plugged into the seedwork's
//! `RecordModule` (contract, database, consumer of `comandos-geograficos`, relay).

use std::sync::Arc;

use sqlx::migrate::Migrator;

use super::{
    AvroEventosDatosGeograficos, ComandosGeograficosConsumer, MIGRATIONS,
    SqlConsultaDatosGeograficos, SqlDatosGeograficosRepository, contrato,
};
use crate::contracts::{services, topics};
use crate::geograficos::application::{DatosGeograficosHandlers, Geograficos};
use crate::seedwork::infrastructure::avro::{AvroCodec, RecordContract};
use crate::seedwork::infrastructure::{
    ContextStorage, RecordModule, RecordWiring, SqlUnitOfWorkFactory,
};

pub type SqlDatosGeograficosHandlers =
    DatosGeograficosHandlers<SqlDatosGeograficosRepository, AvroEventosDatosGeograficos>;
/// The service the HTTP API calls, on SQL and Avro.
pub type SqlGeograficos = Geograficos<
    SqlUnitOfWorkFactory,
    SqlDatosGeograficosRepository,
    AvroEventosDatosGeograficos,
    SqlConsultaDatosGeograficos,
>;
/// The running `geograficos` context: its service, storage, consumer and relay.
pub type GeograficosModule = RecordModule<GeograficosWiring>;

/// `geograficos`'s parts on SQL, Avro and its command topic.
pub struct GeograficosWiring;

impl RecordWiring for GeograficosWiring {
    const SERVICE: &'static str = services::GEOGRAFICOS;
    const COMMAND_TOPIC: &'static str = topics::COMANDOS_GEOGRAFICOS;
    type Handlers = SqlDatosGeograficosHandlers;
    type Service = SqlGeograficos;
    type Consumer =
        ComandosGeograficosConsumer<SqlDatosGeograficosRepository, AvroEventosDatosGeograficos>;

    fn migrations() -> &'static Migrator {
        &MIGRATIONS
    }

    fn contract(codec: &AvroCodec) -> Vec<RecordContract> {
        contrato(codec)
    }

    fn handlers(codec: Arc<AvroCodec>) -> Self::Handlers {
        DatosGeograficosHandlers::new(
            SqlDatosGeograficosRepository::default(),
            AvroEventosDatosGeograficos::new(codec),
        )
    }

    fn service(storage: &ContextStorage, handlers: Arc<Self::Handlers>) -> Self::Service {
        let consulta = SqlConsultaDatosGeograficos::new(storage.db.clone());
        Geograficos::new(
            storage.uows.clone(),
            handlers.crear.clone(),
            consulta,
            storage.committers(),
        )
    }

    fn consumer(handlers: Arc<Self::Handlers>, codec: Arc<AvroCodec>) -> Self::Consumer {
        ComandosGeograficosConsumer::new(handlers, codec)
    }
}
