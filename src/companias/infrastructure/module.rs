use std::sync::Arc;

use super::{
    CompaniaAvroEvents, CompaniaCommandConsumer, MIGRATIONS, SqlCompaniaReadModel,
    SqlCompaniaRepository,
};
use crate::companias::application::commands::CompaniaCommands;
use crate::companias::application::queries::CompaniaQueries;
use crate::companias::{COMMAND_TOPIC, SERVICE};
use crate::seedwork::application::MessageBus;
use crate::seedwork::infrastructure::avro::AvroCodec;
use crate::seedwork::infrastructure::{
    ContextStorage, DatabaseUrl, InfraError, RelayHandle, SqlUnitOfWorkFactory,
};

pub type SqlCompaniaCommands =
    CompaniaCommands<SqlUnitOfWorkFactory, SqlCompaniaRepository, CompaniaAvroEvents>;
pub type SqlCompaniaQueries = CompaniaQueries<SqlCompaniaReadModel>;

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
        let commands = Arc::new(CompaniaCommands::new(
            storage.uows.clone(),
            SqlCompaniaRepository,
            CompaniaAvroEvents::new(codec.clone()),
        ));
        let queries = Arc::new(CompaniaQueries::new(SqlCompaniaReadModel::new(
            storage.db.clone(),
        )));
        bus.subscribe(
            COMMAND_TOPIC,
            SERVICE,
            Arc::new(CompaniaCommandConsumer::new(commands.clone(), codec)),
        )
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
