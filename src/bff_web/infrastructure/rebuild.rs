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
    /// The event topics on the broker (checked through the admin API for
    /// infinite retention) and the dead-letter topics the BFF also follows
    /// (their bounded retention only touches the command rows).
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
    Ok(store.vaciar(&[SERVICE]).await?)
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

/// The events that can open a key's history on its topic: its creation,
/// or (properties) the refusal of one, which is the whole history of a
/// property that was never created.
const CREATIONS: [(&str, &[&str]); 3] = [
    (topics::EVENTOS_COMPANIAS, &[types::COMPANIA_CREADA]),
    (
        topics::EVENTOS_GEOGRAFICOS,
        &[types::DATOS_GEOGRAFICOS_CREADOS],
    ),
    (
        topics::EVENTOS_PROPIEDADES,
        &[types::PROPIEDAD_CREADA, types::CREACION_PROPIEDAD_FALLIDA],
    ),
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
        let Some((_, openers)) = CREATIONS.iter().find(|(t, _)| *t == message.topic) else {
            return Ok(());
        };
        let record = (message.topic.clone(), message.key.clone());
        if self.started.contains(&record) {
            return Ok(());
        }
        if !openers.contains(&message.message_type.as_str()) {
            return Err(InfraError::Config(format!(
                "the event log is truncated: the first event of record {} on `{}` is {}, not {}; \
                 the projections were left empty rather than half rebuilt",
                message.key,
                message.topic,
                message.message_type,
                openers.join(" or ")
            )));
        }
        self.started.insert(record);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(topic: &str, key: &str, message_type: &str) -> Message {
        Message {
            id: format!("{key}-{message_type}"),
            topic: topic.into(),
            key: key.into(),
            message_type: message_type.into(),
            schema_version: 1,
            properties: Default::default(),
            payload: Vec::new(),
            redelivery_count: 0,
        }
    }

    #[test]
    fn a_history_opens_with_its_creation_or_a_refused_creation() {
        let mut histories = Histories::default();
        let c = topics::EVENTOS_COMPANIAS;
        assert!(
            histories
                .follow(&event(c, "a", types::COMPANIA_CREADA))
                .is_ok()
        );
        assert!(
            histories
                .follow(&event(c, "a", types::COMPANIA_APROBADA))
                .is_ok()
        );
        let p = topics::EVENTOS_PROPIEDADES;
        let refused = event(p, "p", types::CREACION_PROPIEDAD_FALLIDA);
        assert!(histories.follow(&refused).is_ok(), "a taken cadastral id");
        // Events of topics without records (audits) are not checked.
        let audit = event(topics::EVENTOS_AUDITORIA, "x", "AuditoriaAprobada");
        assert!(histories.follow(&audit).is_ok());
    }

    #[test]
    fn a_history_that_opens_later_is_a_truncated_log() {
        let mut histories = Histories::default();
        let late = event(topics::EVENTOS_COMPANIAS, "b", types::COMPANIA_APROBADA);
        let error = histories.follow(&late).expect_err("truncated");
        assert!(error.to_string().contains("truncated"), "{error}");
    }
}
