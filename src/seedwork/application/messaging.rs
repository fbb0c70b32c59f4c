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

/// A consumer of one topic. It must be idempotent: it may see a message twice.
#[async_trait]
pub trait MessageHandler: Send + Sync {
    async fn handle(&self, message: &Message) -> Result<(), HandleError>;
}

/// Turns a context's domain events into integration messages (the outbox
/// rows) inside the unit of work; implemented by the context's Avro mapper.
pub trait EventTranslator<E>: Send + Sync {
    fn translate(&self, event: &E, ctx: &CommandContext) -> Result<Message, TranslateError>;
}
