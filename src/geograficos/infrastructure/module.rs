use std::sync::Arc;

use super::{
    AvroEventosDatosGeograficos, ComandosGeograficosConsumer, MIGRATIONS,
    SqlConsultaDatosGeograficos, SqlDatosGeograficosRepository, contrato,
};
use crate::contracts::{services, topics};
use crate::geograficos::application::{DatosGeograficosHandlers, Geograficos};
use crate::seedwork::application::MessageBus;
use crate::seedwork::infrastructure::avro::{AvroCodec, require_contract};
use crate::seedwork::infrastructure::{
    ContextStorage, DatabaseUrl, InfraError, RelayHandle, SqlUnitOfWorkFactory,
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
pub struct GeograficosModule {
    pub service: Arc<SqlGeograficos>,
    pub handlers: Arc<SqlDatosGeograficosHandlers>,
    pub storage: ContextStorage,
    relay: RelayHandle,
}

impl GeograficosModule {
    /// Checks the contract, opens (and migrates) the database, subscribes to
    /// the command topic and starts the outbox relay.
    pub async fn start(
        url: &DatabaseUrl,
        bus: Arc<dyn MessageBus>,
        codec: Arc<AvroCodec>,
    ) -> Result<Self, InfraError> {
        require_contract(&codec, &contrato(&codec))?;
        let storage = ContextStorage::open(url, &MIGRATIONS).await?;
        let handlers = Arc::new(DatosGeograficosHandlers::new(
            SqlDatosGeograficosRepository::default(),
            AvroEventosDatosGeograficos::new(codec.clone()),
        ));
        let service = Arc::new(Geograficos::new(
            storage.uows.clone(),
            handlers.clone(),
            SqlConsultaDatosGeograficos::new(storage.db.clone()),
            storage.committers(),
        ));
        let consumer = ComandosGeograficosConsumer::new(handlers.clone(), codec);
        storage
            .consume(
                bus.as_ref(),
                topics::COMANDOS_GEOGRAFICOS,
                services::GEOGRAFICOS,
                consumer,
            )
            .await?;
        let relay = storage.start_relay(services::GEOGRAFICOS, bus);
        Ok(Self {
            service,
            handlers,
            storage,
            relay,
        })
    }

    /// Stops the relay after flushing what is committed.
    pub async fn shutdown(self) {
        self.relay.stop().await;
    }
}
