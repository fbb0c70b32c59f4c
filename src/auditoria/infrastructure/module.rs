use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{AvroSagaMessages, FUENTES, MIGRATIONS, SourceEventsConsumer, SqlAuditoriaStore};
use crate::auditoria::SERVICE;
use crate::auditoria::application::{AuditoriaCommands, AuditoriaQueries, SagaPolicy};
use crate::seedwork::application::{InTransactions, MessageBus};
use crate::seedwork::infrastructure::avro::AvroCodec;
use crate::seedwork::infrastructure::{
    ContextStorage, DatabaseUrl, InfraError, RelayHandle, SqlUnitOfWorkFactory,
};

pub type SqlAuditoriaCommands = AuditoriaCommands<SqlAuditoriaStore, AvroSagaMessages>;
pub type SqlAuditoriaQueries = AuditoriaQueries<SqlAuditoriaStore>;

/// The running `auditoria` context: consumers, relay and saga ticker.
pub struct AuditoriaModule {
    pub commands: Arc<SqlAuditoriaCommands>,
    pub queries: Arc<SqlAuditoriaQueries>,
    pub storage: ContextStorage,
    relay: RelayHandle,
    ticker: (CancellationToken, JoinHandle<()>),
}

impl AuditoriaModule {
    pub async fn start(
        url: &DatabaseUrl,
        bus: Arc<dyn MessageBus>,
        codec: Arc<AvroCodec>,
        policy: SagaPolicy,
    ) -> Result<Self, InfraError> {
        let messages = AvroSagaMessages::new(codec.clone());
        messages.check_contract().map_err(|e| InfraError::Schema {
            file: "schemas/eventos-auditoria".into(),
            reason: e.to_string(),
        })?;
        let storage = ContextStorage::open(url, &MIGRATIONS).await?;
        let store = SqlAuditoriaStore::new(storage.db.clone());
        let commands = Arc::new(AuditoriaCommands::new(store.clone(), messages, policy));
        for fuente in FUENTES {
            let consumer = SourceEventsConsumer::new(fuente, commands.clone(), codec.clone());
            let consumer = InTransactions::new(SERVICE, storage.uows.clone(), consumer);
            bus.subscribe(fuente.event_topic, SERVICE, Arc::new(consumer))
                .await
                .map_err(|e| InfraError::Bus(e.to_string()))?;
        }
        let relay = storage.start_relay(SERVICE, bus);
        let cancel = CancellationToken::new();
        let ticker = tokio::spawn(tick(
            commands.clone(),
            storage.uows.clone(),
            store.clone(),
            policy,
            cancel.clone(),
        ));
        Ok(Self {
            commands,
            queries: Arc::new(AuditoriaQueries::new(store)),
            storage,
            relay,
            ticker: (cancel, ticker),
        })
    }

    pub async fn shutdown(self) {
        self.ticker.0.cancel();
        let _ = self.ticker.1.await;
        self.relay.cancel.cancel();
        let _ = self.relay.task.await;
    }
}

/// Looks for overdue sagas a few times per timeout, so none waits silently.
async fn tick(
    commands: Arc<SqlAuditoriaCommands>,
    uows: SqlUnitOfWorkFactory,
    store: SqlAuditoriaStore,
    policy: SagaPolicy,
    cancel: CancellationToken,
) {
    let every = (policy.timeout / 4).clamp(Duration::from_millis(100), Duration::from_secs(5));
    crate::seedwork::infrastructure::periodic::every("saga retry pass", every, cancel, || {
        let (commands, uows, store) = (commands.clone(), uows.clone(), store.clone());
        async move {
            let retried = commands.reintentar_vencidas(&uows).await;
            report_sagas(&store).await;
            retried.map(|_| ())
        }
    })
    .await;
}

/// Saga counts by state, for `/metrics`.
async fn report_sagas(store: &SqlAuditoriaStore) {
    use crate::auditoria::application::AuditoriaReadModel;
    use crate::auditoria::domain::EstadoSaga;
    use crate::seedwork::application::PageRequest;
    let Ok(page) = PageRequest::parse(Some(1), Some(1)) else {
        return;
    };
    for estado in [
        EstadoSaga::Pendiente,
        EstadoSaga::Completada,
        EstadoSaga::Fallida,
    ] {
        if let Ok(found) = store.sagas(Some(estado), page).await {
            metrics::gauge!("propalpes_sagas", "estado" => estado.as_str()).set(found.total as f64);
        }
    }
}
