use std::sync::Arc;

use super::{
    AvroEventosPropiedad, ComandosPropiedadesConsumer, MIGRATIONS, SqlConsultaPropiedades,
    SqlPropiedadRepository, contrato,
};
use crate::contracts::{services, topics};
use crate::propiedades::application::{PropiedadHandlers, Propiedades};
use crate::seedwork::application::MessageBus;
use crate::seedwork::infrastructure::avro::{AvroCodec, require_contract};
use crate::seedwork::infrastructure::{
    ContextStorage, DatabaseUrl, InfraError, RelayHandle, SqlUnitOfWorkFactory,
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
pub struct PropiedadesModule {
    pub service: Arc<SqlPropiedades>,
    pub handlers: Arc<SqlPropiedadHandlers>,
    pub storage: ContextStorage,
    relay: RelayHandle,
}

impl PropiedadesModule {
    /// Checks the contract, opens (and migrates) the database, subscribes to
    /// the command topic and starts the outbox relay.
    pub async fn start(
        url: &DatabaseUrl,
        bus: Arc<dyn MessageBus>,
        codec: Arc<AvroCodec>,
    ) -> Result<Self, InfraError> {
        require_contract(&codec, &contrato(&codec))?;
        let storage = ContextStorage::open(url, &MIGRATIONS).await?;
        let handlers = Arc::new(PropiedadHandlers::new(
            SqlPropiedadRepository::default(),
            AvroEventosPropiedad::new(codec.clone()),
        ));
        let service = Arc::new(Propiedades::new(
            storage.uows.clone(),
            handlers.clone(),
            SqlConsultaPropiedades::new(storage.db.clone()),
            storage.committers(),
        ));
        let consumer = ComandosPropiedadesConsumer::new(handlers.clone(), codec);
        storage
            .consume(
                bus.as_ref(),
                topics::COMANDOS_PROPIEDADES,
                services::PROPIEDADES,
                consumer,
            )
            .await?;
        let relay = storage.start_relay(services::PROPIEDADES, bus);
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
