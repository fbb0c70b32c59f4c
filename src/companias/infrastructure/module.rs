use std::sync::Arc;

use super::{
    CompaniaAvroEvents, CompaniaCommandDecoder, MIGRATIONS, SqlCompaniaReadModel,
    SqlCompaniaRepository,
};
use crate::companias::domain::Compania;
use crate::companias::{COMMAND_TOPIC, SERVICE};
use crate::seedwork::application::MessageBus;
use crate::seedwork::application::review::{ReviewCommands, ReviewQueries};
use crate::seedwork::domain::Reviewable;
use crate::seedwork::infrastructure::avro::AvroCodec;
use crate::seedwork::infrastructure::{
    ContextStorage, DatabaseUrl, InfraError, RelayHandle, ReviewCommandConsumer,
    SqlUnitOfWorkFactory,
};

pub type SqlCompaniaCommands =
    ReviewCommands<SqlUnitOfWorkFactory, SqlCompaniaRepository, CompaniaAvroEvents>;
pub type SqlCompaniaQueries = ReviewQueries<SqlCompaniaReadModel>;

/// The running `companias` context: its handlers, storage and relay.
pub struct CompaniasModule {
    pub commands: Arc<SqlCompaniaCommands>,
    pub queries: Arc<SqlCompaniaQueries>,
    pub storage: ContextStorage,
    relay: RelayHandle,
}

impl CompaniasModule {
    /// Opens the database, subscribes to the command topic, starts the relay.
    pub async fn start(
        url: &DatabaseUrl,
        bus: Arc<dyn MessageBus>,
        codec: Arc<AvroCodec>,
    ) -> Result<Self, InfraError> {
        let storage = ContextStorage::open(url, &MIGRATIONS).await?;
        let commands = Arc::new(ReviewCommands::new(
            storage.uows.clone(),
            SqlCompaniaRepository,
            CompaniaAvroEvents::new(codec.clone()),
        ));
        let queries = Arc::new(ReviewQueries::new(
            Compania::KIND,
            SqlCompaniaReadModel::new(storage.db.clone()),
        ));
        let consumer = ReviewCommandConsumer::<Compania, _, _, _, _>::new(
            SERVICE,
            commands.clone(),
            CompaniaCommandDecoder::new(codec),
        );
        bus.subscribe(COMMAND_TOPIC, SERVICE, Arc::new(consumer))
            .await
            .map_err(|e| InfraError::Bus(e.to_string()))?;
        let relay = storage.start_relay(SERVICE, bus);
        Ok(Self {
            commands,
            queries,
            storage,
            relay,
        })
    }

    /// Stops the relay after flushing what is committed.
    pub async fn shutdown(self) {
        self.relay.cancel.cancel();
        let _ = self.relay.task.await;
    }
}
