//! Operator tooling for `<topic>-DLQ` on Pulsar: list what is there and
//! re-publish it to the original topic. Both read through one durable
//! subscription, `dlq-tool`: listing leaves messages unacknowledged, a replay
//! acknowledges what it re-published, so nothing is replayed twice.

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use pulsar::consumer::InitialPosition;
use pulsar::{ConsumerOptions, SubType, TokioExecutor};

use super::{PulsarBus, dead_letter_topic};
use crate::seedwork::application::BusError;

const TOOL_SUBSCRIPTION: &str = "dlq-tool";
/// How long the DLQ must stay quiet before we decide we have read it all.
const IDLE: Duration = Duration::from_millis(1500);

/// One dead-lettered message.
#[derive(Debug, Clone)]
pub struct DlqEntry {
    pub id: String,
    pub message_type: String,
    pub error: String,
    pub attempts: String,
    pub key: String,
    pub properties: HashMap<String, String>,
    pub payload: Vec<u8>,
}

async fn open(
    bus: &PulsarBus,
    topic: &str,
) -> Result<pulsar::Consumer<Vec<u8>, TokioExecutor>, BusError> {
    bus.client()
        .consumer()
        .with_topic(bus.config().topic(&dead_letter_topic(topic)))
        .with_subscription(TOOL_SUBSCRIPTION)
        .with_subscription_type(SubType::Exclusive)
        .with_options(ConsumerOptions {
            initial_position: InitialPosition::Earliest,
            ..Default::default()
        })
        .build()
        .await
        .map_err(|e| BusError::Broker(e.to_string()))
}

fn entry(message: &pulsar::consumer::Message<Vec<u8>>) -> DlqEntry {
    let properties: HashMap<String, String> = message
        .metadata()
        .properties
        .iter()
        .map(|kv| (kv.key.clone(), kv.value.clone()))
        .collect();
    let get = |k: &str| properties.get(k).cloned().unwrap_or_default();
    DlqEntry {
        id: get("id"),
        message_type: get("type"),
        error: get("error"),
        attempts: get("attempts"),
        key: message.key().unwrap_or_default(),
        payload: message.payload.data.clone(),
        properties,
    }
}

/// Dead letters of `topic` not yet replayed.
pub async fn list(bus: &PulsarBus, topic: &str) -> Result<Vec<DlqEntry>, BusError> {
    let mut consumer = open(bus, topic).await?;
    let mut entries = Vec::new();
    while let Ok(Some(Ok(message))) = tokio::time::timeout(IDLE, consumer.next()).await {
        entries.push(entry(&message));
    }
    let _ = consumer.close().await;
    Ok(entries)
}

/// Re-publishes dead letters of `topic` (all, or the one with envelope id
/// `id`) to the original topic, without the DLQ's own properties.
pub async fn replay(bus: &PulsarBus, topic: &str, id: Option<&str>) -> Result<usize, BusError> {
    let mut consumer = open(bus, topic).await?;
    let mut replayed = 0;
    while let Ok(Some(Ok(message))) = tokio::time::timeout(IDLE, consumer.next()).await {
        let dead = entry(&message);
        if id.is_some_and(|id| id != dead.id) {
            continue;
        }
        let mut properties = dead.properties.clone();
        for k in [
            "error",
            "original_topic",
            "subscription",
            "attempts",
            "original_message_id",
        ] {
            properties.remove(k);
        }
        bus.publish_raw(
            &bus.config().topic(topic),
            &dead.key,
            properties,
            dead.payload,
        )
        .await?;
        consumer
            .ack(&message)
            .await
            .map_err(|e| BusError::Broker(e.to_string()))?;
        replayed += 1;
    }
    let _ = consumer.close().await;
    Ok(replayed)
}
