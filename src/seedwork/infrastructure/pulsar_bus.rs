//! The Apache Pulsar adapter of the bus port: one client per process, one
//! producer per topic (unbatched: see `Inner::producer`; key = aggregate id,
//! the topic's Avro schema declared so the broker's registry records and
//! enforces it), and Key_Shared consumers named after the consuming service.
//!
//! A message is acknowledged only after its handler committed. A failing
//! message is nacked with exponential backoff; after `max_redeliveries` it is
//! published to `<topic>-DLQ` with the error, the original topic and the
//! attempt count as properties, then acknowledged. An undecodable message
//! goes to the DLQ at once. The crate's own `dead_letter_policy` is not used
//! because it cannot attach the error, and the consumer API does not expose
//! the broker's redelivery count, so attempts are counted per consumer.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use pulsar::consumer::InitialPosition;
use pulsar::message::proto::{MessageIdData, Schema as PulsarSchema, schema::Type as SchemaType};
use pulsar::{
    ConsumerOptions, Producer, ProducerOptions, Pulsar, SubType, TokioExecutor, producer,
};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::RetryPolicy;
use super::avro::SchemaRegistry;
use crate::seedwork::application::{BusError, HandleError, Message, MessageBus, MessageHandler};

/// Where the broker is and which tenant/namespace hold the topics.
#[derive(Debug, Clone)]
pub struct PulsarConfig {
    pub url: String,
    pub tenant: String,
    pub namespace: String,
}

impl PulsarConfig {
    pub fn topic(&self, topic: &str) -> String {
        format!("persistent://{}/{}/{}", self.tenant, self.namespace, topic)
    }
}

pub fn dead_letter_topic(topic: &str) -> String {
    format!("{topic}-DLQ")
}

type SharedProducer = Arc<Mutex<Producer<TokioExecutor>>>;

struct Inner {
    client: Pulsar<TokioExecutor>,
    config: PulsarConfig,
    registry: Arc<SchemaRegistry>,
    producers: Mutex<HashMap<(String, u32), SharedProducer>>,
    policy: RetryPolicy,
}

pub struct PulsarBus {
    inner: Arc<Inner>,
    cancel: CancellationToken,
    consumers: std::sync::Mutex<Vec<JoinHandle<()>>>,
}

fn broker(error: impl std::fmt::Display) -> BusError {
    BusError::Broker(error.to_string())
}

/// The topic's Avro schema as Pulsar's registry stores it.
fn avro_schema(
    registry: &SchemaRegistry,
    topic: &str,
    version: u32,
) -> Result<PulsarSchema, BusError> {
    let text = registry
        .topic(topic)
        .and_then(|t| t.text(version))
        .ok_or_else(|| BusError::UnknownTopic(format!("{topic} v{version}")))?;
    Ok(PulsarSchema {
        name: topic.to_owned(),
        schema_data: text.as_bytes().to_vec(),
        r#type: SchemaType::Avro as i32,
        properties: Vec::new(),
    })
}

impl PulsarBus {
    pub async fn connect(
        config: PulsarConfig,
        registry: Arc<SchemaRegistry>,
        policy: RetryPolicy,
    ) -> Result<Self, BusError> {
        let client = Pulsar::builder(config.url.clone(), TokioExecutor)
            .build()
            .await
            .map_err(broker)?;
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                config,
                registry,
                producers: Mutex::new(HashMap::new()),
                policy,
            }),
            cancel: CancellationToken::new(),
            consumers: std::sync::Mutex::new(Vec::new()),
        })
    }

    pub fn config(&self) -> &PulsarConfig {
        &self.inner.config
    }

    pub fn client(&self) -> &Pulsar<TokioExecutor> {
        &self.inner.client
    }

    /// Stops the consumers after the message each is handling.
    pub async fn shutdown(&self) {
        self.cancel.cancel();
        let tasks: Vec<_> = self
            .consumers
            .lock()
            .map(|mut c| c.drain(..).collect())
            .unwrap_or_default();
        for task in tasks {
            let _ = task.await;
        }
        let producers: Vec<_> = self
            .inner
            .producers
            .lock()
            .await
            .drain()
            .map(|(_, p)| p)
            .collect();
        for producer in producers {
            let _ = producer.lock().await.close().await;
        }
    }

    /// Whether the broker answers a lookup now (for `/ready`).
    pub async fn connected(&self) -> bool {
        let topic = self.inner.config.topic("eventos-companias");
        tokio::time::timeout(
            Duration::from_secs(2),
            self.inner.client.lookup_topic(topic),
        )
        .await
        .is_ok_and(|r| r.is_ok())
    }

    /// Kills the consumers where they stand, without acknowledging what they
    /// are handling: what a crash does. The broker redelivers their unacked
    /// messages to the subscription's other consumers.
    pub fn abort_consumers(&self) {
        if let Ok(mut consumers) = self.consumers.lock() {
            for task in consumers.drain(..) {
                task.abort();
            }
        }
    }

    /// Publishes raw bytes (no schema) to a topic, e.g. a dead-letter topic.
    pub async fn publish_raw(
        &self,
        full_topic: &str,
        key: &str,
        properties: HashMap<String, String>,
        payload: Vec<u8>,
    ) -> Result<(), BusError> {
        self.inner
            .publish_raw(full_topic, key, properties, payload)
            .await
    }
}

impl Inner {
    async fn producer(&self, topic: &str, version: u32) -> Result<SharedProducer, BusError> {
        let mut producers = self.producers.lock().await;
        if let Some(p) = producers.get(&(topic.to_owned(), version)) {
            return Ok(p.clone());
        }
        // Version 0 means "no schema": raw bytes (dead-letter topics).
        let schema = if version == 0 {
            None
        } else {
            Some(avro_schema(&self.registry, topic, version)?)
        };
        let full = if topic.starts_with("persistent://") {
            topic.to_owned()
        } else {
            self.config.topic(topic)
        };
        let producer = self
            .client
            .producer()
            .with_topic(full)
            // No batching. The crate's batcher writes no key on a batch's
            // envelope, and the broker (Commands.resolveStickyKey, Pulsar
            // 4.0.7) then routes the batch by "producerName-sequenceId", so
            // one key's batches land on different Key_Shared consumers and
            // per-key order breaks (the two-consumer order test fails 3 runs
            // of 3 with batching on). The crate has no key-based batcher
            // (streamnative/pulsar-rs#146); unbatched sends are pipelined.
            .with_options(ProducerOptions {
                schema,
                block_queue_if_full: true,
                ..Default::default()
            })
            .build()
            .await
            .map_err(broker)?;
        let producer = Arc::new(Mutex::new(producer));
        producers.insert((topic.to_owned(), version), producer.clone());
        Ok(producer)
    }

    async fn forget_producer(&self, topic: &str, version: u32) {
        self.producers
            .lock()
            .await
            .remove(&(topic.to_owned(), version));
    }

    async fn publish_raw(
        &self,
        full_topic: &str,
        key: &str,
        properties: HashMap<String, String>,
        payload: Vec<u8>,
    ) -> Result<(), BusError> {
        let producer = self.producer(full_topic, 0).await?;
        let mut producer = producer.lock().await;
        let receipt = producer
            .send_non_blocking(producer::Message {
                payload,
                properties,
                partition_key: Some(key.to_owned()),
                ..Default::default()
            })
            .await
            .map_err(broker)?;
        drop(producer);
        receipt.await.map_err(broker)?;
        Ok(())
    }

    async fn dead_letter(
        &self,
        topic: &str,
        subscription: &str,
        message: &pulsar::consumer::Message<Vec<u8>>,
        error: &str,
        attempts: u32,
    ) -> Result<(), BusError> {
        let mut properties: HashMap<String, String> = message
            .metadata()
            .properties
            .iter()
            .map(|kv| (kv.key.clone(), kv.value.clone()))
            .collect();
        properties.insert("error".into(), error.to_owned());
        properties.insert("original_topic".into(), topic.to_owned());
        properties.insert("subscription".into(), subscription.to_owned());
        properties.insert("attempts".into(), attempts.to_string());
        properties.insert(
            "original_message_id".into(),
            message_id_text(message.message_id()),
        );
        let dlq = self.config.topic(&dead_letter_topic(topic));
        self.publish_raw(
            &dlq,
            &message.key().unwrap_or_default(),
            properties,
            message.payload.data.clone(),
        )
        .await
    }
}

fn message_id_text(id: &MessageIdData) -> String {
    format!(
        "{}:{}:{}",
        id.ledger_id,
        id.entry_id,
        id.batch_index.unwrap_or(-1)
    )
}

/// Reads a bus message out of a Pulsar message.
pub fn to_bus_message(
    topic: &str,
    message: &pulsar::consumer::Message<Vec<u8>>,
    attempts: u32,
) -> Message {
    let properties: BTreeMap<String, String> = message
        .metadata()
        .properties
        .iter()
        .map(|kv| (kv.key.clone(), kv.value.clone()))
        .collect();
    Message {
        id: properties
            .get("id")
            .cloned()
            .unwrap_or_else(|| message_id_text(message.message_id())),
        topic: topic.to_owned(),
        key: message.key().unwrap_or_default(),
        message_type: properties.get("type").cloned().unwrap_or_default(),
        // A producer that leaves it out wrote the first version of the contract.
        schema_version: properties
            .get("schema.version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1),
        properties,
        payload: message.payload.data.clone(),
        redelivery_count: attempts,
    }
}

#[async_trait]
impl MessageBus for PulsarBus {
    async fn publish(&self, messages: &[Message]) -> Result<(), BusError> {
        let mut receipts = Vec::with_capacity(messages.len());
        for message in messages {
            let (topic, version) = (&message.topic, message.schema_version);
            let producer = self.inner.producer(topic, version).await?;
            let mut properties: HashMap<String, String> = message
                .properties
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            properties.insert("id".into(), message.id.clone());
            let sent = producer
                .lock()
                .await
                .send_non_blocking(producer::Message {
                    payload: message.payload.clone(),
                    properties,
                    partition_key: Some(message.key.clone()),
                    ..Default::default()
                })
                .await;
            match sent {
                Ok(receipt) => receipts.push(receipt),
                Err(error) => {
                    // A broken producer is rebuilt on the next publish.
                    self.inner.forget_producer(topic, version).await;
                    return Err(broker(error));
                }
            }
        }
        for receipt in receipts {
            receipt.await.map_err(broker)?;
        }
        Ok(())
    }

    async fn subscribe(
        &self,
        topic: &str,
        subscription: &str,
        handler: Arc<dyn MessageHandler>,
    ) -> Result<(), BusError> {
        // Fail fast on a topic without schema rather than at the first
        // message; dead-letter topics carry raw bytes (version 0).
        let version = if topic.ends_with("-DLQ") {
            0
        } else {
            self.inner
                .registry
                .topic(topic)
                .map(|t| t.latest_version())
                .ok_or_else(|| BusError::UnknownTopic(topic.to_owned()))?
        };
        let consumer = build_consumer(&self.inner, topic, subscription, version).await?;
        let task = tokio::spawn(consume(
            self.inner.clone(),
            topic.to_owned(),
            subscription.to_owned(),
            version,
            handler,
            self.cancel.clone(),
            Some(consumer),
        ));
        if let Ok(mut consumers) = self.consumers.lock() {
            consumers.push(task);
        }
        Ok(())
    }
}

async fn build_consumer(
    inner: &Inner,
    topic: &str,
    subscription: &str,
    version: u32,
) -> Result<pulsar::Consumer<Vec<u8>, TokioExecutor>, BusError> {
    inner
        .client
        .consumer()
        .with_topic(inner.config.topic(topic))
        .with_subscription(subscription)
        .with_subscription_type(SubType::KeyShared)
        .with_consumer_name(format!("{subscription}-{}", uuid::Uuid::new_v4().simple()))
        .with_options(ConsumerOptions {
            schema: if version == 0 {
                None
            } else {
                Some(avro_schema(&inner.registry, topic, version)?)
            },
            initial_position: InitialPosition::Earliest,
            durable: Some(true),
            ..Default::default()
        })
        .build()
        .await
        .map_err(broker)
}

async fn consume(
    inner: Arc<Inner>,
    topic: String,
    subscription: String,
    version: u32,
    handler: Arc<dyn MessageHandler>,
    cancel: CancellationToken,
    mut first: Option<pulsar::Consumer<Vec<u8>, TokioExecutor>>,
) {
    let mut reconnect_backoff = Duration::from_millis(200);
    loop {
        let mut consumer = match first.take() {
            Some(c) => c,
            None => match build_consumer(&inner, &topic, &subscription, version).await {
                Ok(c) => c,
                Err(error) => {
                    tracing::warn!(%topic, %subscription, %error, "cannot subscribe; retrying");
                    tokio::select! {
                        _ = cancel.cancelled() => return,
                        _ = tokio::time::sleep(reconnect_backoff) => {}
                    }
                    reconnect_backoff = (reconnect_backoff * 2).min(Duration::from_secs(5));
                    continue;
                }
            },
        };
        reconnect_backoff = Duration::from_millis(200);
        let (nack_tx, mut nack_rx) =
            tokio::sync::mpsc::unbounded_channel::<(String, MessageIdData)>();
        let mut attempts: HashMap<String, u32> = HashMap::new();
        loop {
            tokio::select! {
                _ = cancel.cancelled() => {
                    let _ = consumer.close().await;
                    return;
                }
                Some((full_topic, id)) = nack_rx.recv() => {
                    if let Err(error) = consumer.nack_with_id(&full_topic, id).await {
                        tracing::warn!(%topic, %error, "nack failed; the broker redelivers unacked messages on reconnect");
                    }
                }
                next = consumer.next() => match next {
                    None => break,
                    Some(Err(error)) => {
                        tracing::warn!(%topic, %subscription, %error, "consumer error; resubscribing");
                        break;
                    }
                    Some(Ok(message)) => {
                        let pulsar_id = message_id_text(message.message_id());
                        let previous = attempts.get(&pulsar_id).copied().unwrap_or(0);
                        let bus_message = to_bus_message(&topic, &message, previous);
                        let published = i64::try_from(message.metadata().publish_time).unwrap_or(0);
                        let lag = (chrono::Utc::now().timestamp_millis() - published).max(0) as f64 / 1000.0;
                        metrics::histogram!("propalpes_consume_lag_seconds", "topic" => topic.clone()).record(lag);
                        let span = super::consume_span(&bus_message, &subscription);
                        let outcome = super::handle_guarded(handler.as_ref(), &bus_message, span).await;
                        let dead_reason = match outcome {
                            Ok(()) => None,
                            Err(HandleError::Poison(reason)) => Some(reason),
                            Err(HandleError::Retryable(reason)) if previous < inner.policy.max_redeliveries => {
                                attempts.insert(pulsar_id.clone(), previous + 1);
                                super::consumed(&topic, &subscription, "retry");
                                let delay = inner.policy.backoff(previous);
                                tracing::warn!(%topic, %subscription, id = %bus_message.id, attempt = previous + 1,
                                    %reason, ?delay, "handler failed; nack with backoff");
                                let tx = nack_tx.clone();
                                let id = (message.topic.clone(), message.message_id().clone());
                                tokio::spawn(async move {
                                    tokio::time::sleep(delay).await;
                                    let _ = tx.send(id);
                                });
                                continue;
                            }
                            Err(HandleError::Retryable(reason)) => Some(reason),
                        };
                        super::consumed(&topic, &subscription, if dead_reason.is_some() { "dead_letter" } else { "ok" });
                        if let Some(reason) = dead_reason {
                            tracing::error!(%topic, %subscription, id = %bus_message.id, %reason, "message dead-lettered");
                            if let Err(error) = inner.dead_letter(&topic, &subscription, &message, &reason, previous + 1).await {
                                // Not acked: the broker redelivers it and we try again.
                                tracing::error!(%topic, %error, "cannot publish to the DLQ");
                                continue;
                            }
                        }
                        attempts.remove(&pulsar_id);
                        if let Err(error) = consumer.ack(&message).await {
                            tracing::warn!(%topic, %error, "ack failed; a redelivery will be deduplicated by the inbox");
                        }
                    }
                }
            }
        }
        if cancel.is_cancelled() {
            return;
        }
    }
}
