use std::sync::Arc;

use super::{
    AvroEventosCompania, ComandosCompaniasConsumer, MIGRATIONS, SqlCompaniaRepository,
    SqlConsultaCompanias, contrato,
};
use crate::companias::application::{CompaniaHandlers, Companias};
use crate::contracts::{services, topics};
use crate::seedwork::application::MessageBus;
use crate::seedwork::infrastructure::avro::{AvroCodec, require_contract};
use crate::seedwork::infrastructure::{
    ContextStorage, DatabaseUrl, InfraError, RelayHandle, SqlUnitOfWorkFactory,
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
pub struct CompaniasModule {
    pub service: Arc<SqlCompanias>,
    pub handlers: Arc<SqlCompaniaHandlers>,
    pub storage: ContextStorage,
    relay: RelayHandle,
}

impl CompaniasModule {
    /// Checks the contract, opens (and migrates) the database, subscribes to
    /// the command topic and starts the outbox relay.
    pub async fn start(
        url: &DatabaseUrl,
        bus: Arc<dyn MessageBus>,
        codec: Arc<AvroCodec>,
    ) -> Result<Self, InfraError> {
        require_contract(&codec, &contrato(&codec))?;
        let storage = ContextStorage::open(url, &MIGRATIONS).await?;
        let handlers = Arc::new(CompaniaHandlers::new(
            SqlCompaniaRepository::default(),
            AvroEventosCompania::new(codec.clone()),
        ));
        let service = Arc::new(Companias::new(
            storage.uows.clone(),
            handlers.clone(),
            SqlConsultaCompanias::new(storage.db.clone()),
            storage.committers(),
        ));
        let consumer = ComandosCompaniasConsumer::new(handlers.clone(), codec);
        storage
            .consume(
                bus.as_ref(),
                topics::COMANDOS_COMPANIAS,
                services::COMPANIAS,
                consumer,
            )
            .await?;
        let relay = storage.start_relay(services::COMPANIAS, bus);
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
