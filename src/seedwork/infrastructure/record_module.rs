//! The running module of a reviewed-record context (companias,
//! geograficos, propiedades), wired once: check the contract, open and
//! migrate the database, build the handlers and the service the HTTP API
//! calls, subscribe the command consumer, start the outbox relay. Each
//! context declares its parts in a [`RecordWiring`].

use std::sync::Arc;

use sqlx::migrate::Migrator;

use super::avro::{AvroCodec, RecordContract, require_contract};
use super::{ContextStorage, DatabaseUrl, InfraError, RelayHandle, SqlUnitOfWork};
use crate::seedwork::application::{MessageBus, TransactionalHandler};

/// What a record context plugs into [`RecordModule`].
pub trait RecordWiring: 'static {
    /// Its service name: the consumer's subscription and the relay's name.
    const SERVICE: &'static str;
    /// The topic its commands arrive on from other services.
    const COMMAND_TOPIC: &'static str;
    /// Its command handlers, shared by the service and the consumer.
    type Handlers: Send + Sync + 'static;
    /// What the HTTP API calls.
    type Service: Send + Sync + 'static;
    type Consumer: TransactionalHandler<Uow = SqlUnitOfWork>;

    fn migrations() -> &'static Migrator;
    /// The schema fields its events and commands need from the registry.
    fn contract(codec: &AvroCodec) -> Vec<RecordContract>;
    fn handlers(codec: Arc<AvroCodec>) -> Self::Handlers;
    fn service(storage: &ContextStorage, handlers: Arc<Self::Handlers>) -> Self::Service;
    fn consumer(handlers: Arc<Self::Handlers>, codec: Arc<AvroCodec>) -> Self::Consumer;
}

/// A started record context: its service, its storage, its relay.
pub struct RecordModule<W: RecordWiring> {
    pub service: Arc<W::Service>,
    pub storage: ContextStorage,
    relay: RelayHandle,
}

impl<W: RecordWiring> RecordModule<W> {
    pub async fn start(
        url: &DatabaseUrl,
        bus: Arc<dyn MessageBus>,
        codec: Arc<AvroCodec>,
    ) -> Result<Self, InfraError> {
        require_contract(&codec, &W::contract(&codec))?;
        let storage = ContextStorage::open(url, W::migrations()).await?;
        let handlers = Arc::new(W::handlers(codec.clone()));
        let service = Arc::new(W::service(&storage, handlers.clone()));
        let consumer = W::consumer(handlers, codec);
        storage
            .consume(bus.as_ref(), W::COMMAND_TOPIC, W::SERVICE, consumer)
            .await?;
        let relay = storage.start_relay(W::SERVICE, bus);
        Ok(Self {
            service,
            storage,
            relay,
        })
    }

    /// Stops the relay after flushing what is committed.
    pub async fn shutdown(self) {
        self.relay.stop().await;
    }
}
