use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::handlers::AuditoriaHandlers;
use super::{
    AvroSagaMessages, ComandosAuditoriaConsumer, ComandosRevisionesConsumer, FUENTES, MIGRATIONS,
    RechazosConsumer, SourceEventsConsumer, SqlAuditoriaStore,
};
use crate::auditoria::application::{
    AuditarEntidadHandler, ConsultasAuditoria, IniciarRegistroPropiedadHandler,
    ReabrirAuditoriaHandler, RegistrarCompensacionHandler, RegistrarRechazoHandler,
    RegistrarResultadoHandler, ReintentarSagasVencidas, RevisarAuditoriaHandler, SagaPolicy,
};
use crate::auditoria::domain::ReglasRevision;
use crate::contracts::services::AUDITORIA as SERVICE;
use crate::contracts::topics;
use crate::seedwork::application::{MessageBus, StoreError};
use crate::seedwork::infrastructure::avro::AvroCodec;
use crate::seedwork::infrastructure::{
    ContextStorage, DatabaseUrl, InfraError, RelayHandle, SqlUnitOfWorkFactory,
};

pub type SqlAuditoriaQueries = ConsultasAuditoria<SqlAuditoriaStore>;
type SqlReintentos = ReintentarSagasVencidas<SqlAuditoriaStore, AvroSagaMessages>;

/// The running `auditoria` context: consumers, relay and saga ticker.
pub struct AuditoriaModule {
    pub handlers: Arc<AuditoriaHandlers>,
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
        revision: ReglasRevision,
    ) -> Result<Self, InfraError> {
        let messages = AvroSagaMessages::new(codec.clone());
        messages.check_contract().map_err(|e| InfraError::Schema {
            file: "schemas/eventos-auditoria".into(),
            reason: e.to_string(),
        })?;
        let storage = ContextStorage::open(url, &MIGRATIONS).await?;
        let store = Arc::new(SqlAuditoriaStore::new(storage.db.clone()));
        let messages = Arc::new(messages);
        let handlers = Arc::new(handlers(&store, &messages, policy, revision));
        subscribe_consumers(&storage, bus.as_ref(), &handlers, &codec).await?;
        let relay = storage.start_relay(SERVICE, bus);
        let cancel = CancellationToken::new();
        let reintentos = Arc::new(ReintentarSagasVencidas::new(
            store.clone(),
            messages,
            policy,
        ));
        let ticker = tokio::spawn(tick(
            reintentos,
            storage.uows.clone(),
            store.as_ref().clone(),
            policy,
            cancel.clone(),
        ));
        Ok(Self {
            handlers,
            queries: Arc::new(ConsultasAuditoria::new(store.as_ref().clone())),
            storage,
            relay,
            ticker: (cancel, ticker),
        })
    }

    pub async fn shutdown(self) {
        self.ticker.0.cancel();
        let _ = self.ticker.1.await;
        self.relay.stop().await;
    }
}

/// The context's command handlers over its store and messages.
fn handlers(
    store: &Arc<SqlAuditoriaStore>,
    messages: &Arc<AvroSagaMessages>,
    policy: SagaPolicy,
    revision: ReglasRevision,
) -> AuditoriaHandlers {
    let (s, m) = (store.clone(), messages.clone());
    AuditoriaHandlers {
        auditar: AuditarEntidadHandler::new(s.clone(), m.clone(), policy).con_revision(revision),
        revisar: RevisarAuditoriaHandler::new(s.clone(), m.clone(), policy),
        reabrir: ReabrirAuditoriaHandler::new(s.clone(), m.clone(), policy),
        registrar: RegistrarResultadoHandler::new(s.clone(), m.clone(), policy),
        rechazo: RegistrarRechazoHandler::new(s.clone(), m.clone(), policy),
        compensacion: RegistrarCompensacionHandler::new(s.clone(), m.clone(), policy),
        registrar_propiedad: IniciarRegistroPropiedadHandler::new(s, m, policy),
    }
}

/// Subscribes what auditoria listens to: the source contexts' events, its
/// command topic, the reviewers' topic and the participants' refusals.
async fn subscribe_consumers(
    storage: &ContextStorage,
    bus: &dyn MessageBus,
    handlers: &Arc<AuditoriaHandlers>,
    codec: &Arc<AvroCodec>,
) -> Result<(), InfraError> {
    for fuente in FUENTES {
        let consumer = SourceEventsConsumer::new(fuente, handlers.clone(), codec.clone());
        storage
            .consume(bus, fuente.event_topic, SERVICE, consumer)
            .await?;
    }
    let comandos = ComandosAuditoriaConsumer::new(handlers.clone(), codec.clone());
    storage
        .consume(bus, topics::COMANDOS_AUDITORIA, SERVICE, comandos)
        .await?;
    let revisiones = ComandosRevisionesConsumer::new(handlers.clone(), codec.clone());
    storage
        .consume(bus, topics::COMANDOS_REVISIONES, SERVICE, revisiones)
        .await?;
    let rechazos = RechazosConsumer::new(handlers.clone(), codec.clone());
    storage
        .consume(bus, topics::RECHAZOS_COMANDOS, SERVICE, rechazos)
        .await
}

/// Looks for overdue sagas a few times per timeout, so none waits silently.
async fn tick(
    reintentos: Arc<SqlReintentos>,
    uows: SqlUnitOfWorkFactory,
    store: SqlAuditoriaStore,
    policy: SagaPolicy,
    cancel: CancellationToken,
) {
    let every = (policy.timeout / 4).clamp(Duration::from_millis(100), Duration::from_secs(5));
    let retries = crate::seedwork::infrastructure::periodic::every(
        "saga retry pass",
        every,
        cancel.clone(),
        || {
            let (reintentos, uows) = (reintentos.clone(), uows.clone());
            async move { reintentos.run(&uows).await.map(|_| ()) }
        },
    );
    let metering = crate::seedwork::infrastructure::periodic::metered(
        "saga metering",
        every,
        50,
        cancel.clone(),
        || report_sagas(&store),
    );
    tokio::join!(retries, metering);
}

/// Saga counts by state, for `/metrics`: one count over every saga, run
/// less often as the finished ones pile up (`periodic::metered`).
async fn report_sagas(store: &SqlAuditoriaStore) -> Result<(), StoreError> {
    use crate::auditoria::domain::EstadoSaga;
    let counts = store.sagas_por_estado().await?;
    for estado in [
        EstadoSaga::Pendiente,
        EstadoSaga::Completada,
        EstadoSaga::Compensada,
        EstadoSaga::Fallida,
    ] {
        let n = counts
            .iter()
            .find(|(e, _)| e == estado.as_str())
            .map_or(0, |(_, n)| *n);
        metrics::gauge!("propalpes_sagas", "estado" => estado.as_str()).set(n as f64);
    }
    Ok(())
}
