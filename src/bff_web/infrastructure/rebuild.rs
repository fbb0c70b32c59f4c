use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;

use super::projector::TOPICS;
use super::{Projector, SqlProyecciones};
use crate::bff_web::SERVICE;
use crate::contracts::{topics, types};
use crate::seedwork::application::{InTransactions, Message, MessageHandler};
use crate::seedwork::infrastructure::avro::AvroCodec;
use crate::seedwork::infrastructure::event_log::{
    LogSource, MergedLog, OutboxLog, TopicLog, ensure_kept_forever,
};
use crate::seedwork::infrastructure::{ContextStorage, Database, InfraError, PulsarBus};

/// How long a topic must stay quiet before its reader is done.
const IDLE: Duration = Duration::from_secs(2);

/// Where the event log is kept.
pub enum EventLog<'a> {
    /// The event topics on the broker (and the dead-letter topics the BFF
    /// also follows), checked through the admin API for infinite retention.
    Pulsar {
        bus: &'a PulsarBus,
        admin_url: &'a str,
    },
    /// The embedded default: the sent outbox rows of each context database.
    Outboxes(Vec<Database>),
}

/// Drops the projections and replays the event log through the same
/// projector as live traffic, merged across topics by event time (each
/// topic, and so each key, in its own order). A log that lost history is
/// refused before anything is dropped; one found truncated during the
/// replay (a record whose first event is not its creation) leaves the
/// projections empty rather than half rebuilt. Returns the messages applied.
pub async fn rebuild(
    storage: &ContextStorage,
    log: EventLog<'_>,
    codec: Arc<AvroCodec>,
) -> Result<usize, InfraError> {
    let sources = open_sources(log).await?;
    let store = SqlProyecciones::new(storage.db.clone());
    vaciar(&store).await?;
    let (cambios, _) = broadcast::channel(16);
    let projector = InTransactions::new(
        SERVICE,
        storage.uows.clone(),
        Projector::new(store.clone(), codec, cambios),
    );
    let mut merged = MergedLog::new(sources).await?;
    let mut histories = Histories::default();
    let mut applied = 0;
    while let Some(logged) = merged.next().await? {
        if let Err(truncated) = histories.follow(&logged.message) {
            vaciar(&store).await?;
            return Err(truncated);
        }
        match projector.handle(&logged.message).await {
            Ok(()) => applied += 1,
            Err(error) => {
                tracing::warn!(topic = %logged.message.topic, id = %logged.message.id, %error,
                    "skipped during rebuild")
            }
        }
    }
    Ok(applied)
}

async fn vaciar(store: &SqlProyecciones) -> Result<(), InfraError> {
    store
        .vaciar(&[SERVICE])
        .await
        .map_err(|e| InfraError::Bus(e.to_string()))
}

async fn open_sources(log: EventLog<'_>) -> Result<Vec<Box<dyn LogSource>>, InfraError> {
    let mut sources: Vec<Box<dyn LogSource>> = Vec::new();
    match log {
        EventLog::Pulsar { bus, admin_url } => {
            ensure_kept_forever(bus, admin_url, &topics::EVENT_LOG).await?;
            for topic in TOPICS {
                sources.push(Box::new(TopicLog::open(bus, topic, IDLE).await?));
            }
        }
        EventLog::Outboxes(databases) => {
            for db in databases {
                let log = OutboxLog::new(db, &topics::EVENT_LOG);
                log.ensure_whole().await?;
                sources.push(Box::new(log));
            }
        }
    }
    Ok(sources)
}

/// The event that opens a record's history on its topic.
const CREATIONS: [(&str, &str); 3] = [
    (topics::EVENTOS_COMPANIAS, types::COMPANIA_CREADA),
    (
        topics::EVENTOS_GEOGRAFICOS,
        types::DATOS_GEOGRAFICOS_CREADOS,
    ),
    (topics::EVENTOS_PROPIEDADES, types::PROPIEDAD_CREADA),
];

/// The records whose history the replay has seen begin.
#[derive(Default)]
struct Histories {
    started: HashSet<(String, String)>,
}

impl Histories {
    /// A record's first event must be its creation: otherwise the log lost
    /// the start of its history.
    fn follow(&mut self, message: &Message) -> Result<(), InfraError> {
        let Some((_, creation)) = CREATIONS.iter().find(|(t, _)| *t == message.topic) else {
            return Ok(());
        };
        let record = (message.topic.clone(), message.key.clone());
        if self.started.contains(&record) {
            return Ok(());
        }
        if message.message_type != *creation {
            return Err(InfraError::Config(format!(
                "the event log is truncated: the first event of record {} on `{}` is {}, not {creation}; \
                 the projections were left empty rather than half rebuilt",
                message.key, message.topic, message.message_type
            )));
        }
        self.started.insert(record);
        Ok(())
    }
}
