use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use super::{BusError, CommandContext, HandleError, TranslateError};

/// A message as the bus carries it: an encoded envelope plus routing data.
/// `id` is the envelope id (the deduplication key of every inbox); `key` is
/// the aggregate id, which keeps per-aggregate order.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub id: String,
    pub topic: String,
    pub key: String,
    pub message_type: String,
    pub schema_version: u32,
    pub properties: BTreeMap<String, String>,
    pub payload: Vec<u8>,
    /// How many times this message was delivered before (0 on first delivery).
    pub redelivery_count: u32,
}

impl Message {
    /// Where a failed delivery's count is kept: the envelope id, and a
    /// replay's own mark, so a replayed letter gets a fresh budget.
    pub fn delivery_key(&self) -> String {
        match self.properties.get(REPLAY_PROPERTY) {
            Some(replay) => format!("{}#{replay}", self.id),
            None => self.id.clone(),
        }
    }
}

/// Set on a dead letter re-published by `dlq replay` (its replay's id).
pub const REPLAY_PROPERTY: &str = "replay";

/// The envelope's causation id, as a property: a reply (`ComandoRechazado`)
/// names the command it answers without being decoded.
pub const CAUSATION_PROPERTY: &str = "causation_id";

/// The bus port. Implemented by the embedded in-process bus and by Pulsar.
#[async_trait]
pub trait MessageBus: Send + Sync {
    /// Publishes in order and returns once the bus has taken responsibility
    /// for every message (broker ack, or every embedded subscriber done).
    async fn publish(&self, messages: &[Message]) -> Result<(), BusError>;

    /// Starts delivering `topic` to `handler` under the named subscription.
    /// A message is acknowledged only after the handler returns `Ok`.
    async fn subscribe(
        &self,
        topic: &str,
        subscription: &str,
        handler: Arc<dyn MessageHandler>,
    ) -> Result<(), BusError>;
}

/// What became of a run of messages handed to [`MessageHandler::handle_batch`]:
/// the first `applied` are committed; if `failure` is set, the next one
/// failed with it and the rest were not tried (so per-key order holds).
#[derive(Debug)]
pub struct BatchOutcome {
    pub applied: usize,
    pub failure: Option<HandleError>,
}

impl BatchOutcome {
    pub fn all(n: usize) -> Self {
        Self {
            applied: n,
            failure: None,
        }
    }
}

/// A consumer of one topic. It must be idempotent: it may see a message twice.
#[async_trait]
pub trait MessageHandler: Send + Sync {
    async fn handle(&self, message: &Message) -> Result<(), HandleError>;

    /// Handles messages in order, in as few transactions as the handler can
    /// (one per message unless it overrides this), stopping at the first
    /// failure.
    async fn handle_batch(&self, messages: &[Message]) -> BatchOutcome {
        for (applied, message) in messages.iter().enumerate() {
            if let Err(failure) = self.handle(message).await {
                return BatchOutcome {
                    applied,
                    failure: Some(failure),
                };
            }
        }
        BatchOutcome::all(messages.len())
    }

    /// Whether what the handler depends on (its database) answers now. A
    /// failure while this is false is an outage, not the message's fault.
    async fn ready(&self) -> bool {
        true
    }

    /// Counts a failed delivery of `message` where it survives a crash (the
    /// handler's database) and returns the count so far, this one included;
    /// `None` when the handler keeps no such count (the bus counts).
    async fn record_failure(&self, _message: &Message, _reason: &str) -> Option<u32> {
        None
    }
}

/// Turns a context's domain events into integration messages (the outbox
/// rows) inside the unit of work; implemented by the context's Avro mapper.
pub trait EventTranslator<E>: Send + Sync {
    fn translate(&self, event: &E, ctx: &CommandContext) -> Result<Message, TranslateError>;
}
