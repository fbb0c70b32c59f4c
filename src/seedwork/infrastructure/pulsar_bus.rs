//! The Apache Pulsar adapter of the bus port: one client per process, one
//! producer per topic (batched by key: one batch per aggregate id, the key
//! in the batch's metadata, so Key_Shared routes whole batches by key; the
//! topic's Avro schema declared so the broker's registry records and
//! enforces it), and Key_Shared consumers named after the consuming
//! service, whose acknowledgements leave in groups (`PulsarTuning`; the
//! crate's patches in vendor/pulsar/PATCHES.md).
//!
//! A consumer routes each message to a lane by key; lanes apply runs of
//! messages in shared transactions (`delivery`), and a message is
//! acknowledged only after its effect committed. A failing message is
//! retried in place (so its key's order holds) with exponential backoff;
//! its failures are counted in the handler's database, so a crash does not
//! reset them; after `max_redeliveries` it is published to `<topic>-DLQ`
//! with the error, the original topic and the attempt count as properties,
//! then acknowledged. An undecodable message goes to the DLQ at once. The
//! crate's own `dead_letter_policy` is not used because it cannot attach
//! the error. While a handler's database is down the consumer stops pulling.

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
use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::RetryPolicy;
use super::avro::SchemaRegistry;
use super::delivery::{ConsumerSettings, DeadLetterSink, Subscription, lane_of};
use crate::seedwork::application::{BusError, Message, MessageBus, MessageHandler};

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
    format!("{topic}{DEAD_LETTER_SUFFIX}")
}

/// What ends a dead-letter topic's name (`<topic>-DLQ`, on either bus).
pub const DEAD_LETTER_SUFFIX: &str = "-DLQ";

/// Whether `topic` holds another topic's dead letters.
pub fn is_dead_letter_topic(topic: &str) -> bool {
    topic.ends_with(DEAD_LETTER_SUFFIX)
}

type SharedProducer = Arc<Mutex<Producer<TokioExecutor>>>;

/// How the client batches what it sends and groups what it acknowledges.
#[derive(Debug, Clone, Copy)]
pub struct PulsarTuning {
    /// Most messages in one batch.
    pub batch_max_messages: u32,
    /// Longest a message waits for its batch (a publish flushes its own at
    /// its end anyway).
    pub batch_max_delay: Duration,
    /// Longest an acknowledgement waits for others to leave with it.
    pub ack_group_time: Duration,
    /// Most acknowledgements in one group.
    pub ack_group_max: u32,
}

impl Default for PulsarTuning {
    fn default() -> Self {
        Self {
            batch_max_messages: 1000,
            batch_max_delay: Duration::from_millis(1),
            ack_group_time: Duration::from_millis(5),
            ack_group_max: 1000,
        }
    }
}

struct Inner {
    client: Pulsar<TokioExecutor>,
    config: PulsarConfig,
    registry: Arc<SchemaRegistry>,
    producers: Mutex<HashMap<(String, u32), SharedProducer>>,
    policy: RetryPolicy,
    tuning: PulsarTuning,
}

pub struct PulsarBus {
    inner: Arc<Inner>,
    settings: ConsumerSettings,
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
                tuning: PulsarTuning::default(),
            }),
            settings: ConsumerSettings::default(),
            cancel: CancellationToken::new(),
            consumers: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// Lanes per subscription and messages per transaction.
    pub fn with_settings(mut self, settings: ConsumerSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Batching and acknowledgement grouping (before any publish or
    /// subscription).
    pub fn with_tuning(mut self, tuning: PulsarTuning) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.tuning = tuning;
        }
        self
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
        // Bounded: with the broker gone a close never completes.
        for producer in producers {
            let close = async { producer.lock().await.close().await };
            let _ = tokio::time::timeout(Duration::from_secs(2), close).await;
        }
    }

    /// Whether the broker answers a lookup now (for `/ready`).
    pub async fn connected(&self) -> bool {
        let Some((any, _)) = self.inner.registry.topics().next() else {
            return false;
        };
        let topic = self.inner.config.topic(any);
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

    /// Publishes one message with its topic's schema (version
    /// `schema_version`) and returns the broker's id for it.
    pub async fn publish_one(&self, message: &Message) -> Result<MessageIdData, BusError> {
        let producer = self
            .inner
            .producer(&message.topic, message.schema_version)
            .await?;
        let receipt = producer
            .lock()
            .await
            .send_non_blocking(pulsar_message(message))
            .await
            .map_err(broker)?;
        producer.lock().await.send_batch().await.map_err(broker)?;
        receipt
            .await
            .map_err(broker)?
            .message_id
            .ok_or_else(|| BusError::Broker("the broker returned no message id".into()))
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
            // Batched by key: without a key on a batch's metadata the broker
            // (Commands.resolveStickyKey) routes it by
            // "producerName-sequenceId", so one key's batches would land on
            // different Key_Shared consumers and per-key order would break
            // (vendor/pulsar/PATCHES.md, patch 2).
            .with_options(ProducerOptions {
                schema,
                block_queue_if_full: true,
                batch_size: Some(self.tuning.batch_max_messages.max(2)),
                batch_timeout: Some(self.tuning.batch_max_delay),
                batch_by_key: true,
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
        producer.send_batch().await.map_err(broker)?;
        drop(producer);
        receipt.await.map_err(broker)?;
        Ok(())
    }
}

/// Dead letters go to `<topic>-DLQ`, raw (the original bytes), with the
/// reason and where they came from as properties.
struct DeadLetterTopic(Arc<Inner>);

#[async_trait]
impl DeadLetterSink for DeadLetterTopic {
    async fn dead_letter(
        &self,
        subscription: &str,
        message: &Message,
        error: &str,
        attempts: u32,
    ) -> Result<(), BusError> {
        let mut properties: HashMap<String, String> = message
            .properties
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        properties.insert("error".into(), error.to_owned());
        properties.insert(
            super::delivery::ORIGINAL_TOPIC_PROPERTY.into(),
            message.topic.clone(),
        );
        properties.insert("subscription".into(), subscription.to_owned());
        properties.insert("attempts".into(), attempts.to_string());
        if let Some(id) = properties.remove(BROKER_ID_PROPERTY) {
            properties.insert("original_message_id".into(), id);
        }
        let dlq = self.0.config.topic(&dead_letter_topic(&message.topic));
        self.0
            .publish_raw(&dlq, &message.key, properties, message.payload.clone())
            .await
    }
}

/// The broker's id of a received message, kept among its properties so a
/// dead letter can name it.
const BROKER_ID_PROPERTY: &str = "pulsar.message_id";

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
    let mut properties: BTreeMap<String, String> = message
        .metadata()
        .properties
        .iter()
        .map(|kv| (kv.key.clone(), kv.value.clone()))
        .collect();
    properties.insert(
        BROKER_ID_PROPERTY.to_owned(),
        message_id_text(message.message_id()),
    );
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
        let mut used: HashMap<(String, u32), SharedProducer> = HashMap::new();
        for message in messages {
            let (topic, version) = (&message.topic, message.schema_version);
            let producer = self.inner.producer(topic, version).await?;
            used.entry((topic.clone(), version))
                .or_insert_with(|| producer.clone());
            let sent = producer
                .lock()
                .await
                .send_non_blocking(pulsar_message(message))
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
        // What this publish queued leaves now rather than at the batch's
        // timer; each producer's batches share one round trip.
        for producer in used.values() {
            producer.lock().await.send_batch().await.map_err(broker)?;
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
        let version = if is_dead_letter_topic(topic) {
            0
        } else {
            self.inner
                .registry
                .topic(topic)
                .map(|t| t.latest_version())
                .ok_or_else(|| BusError::UnknownTopic(topic.to_owned()))?
        };
        let consumer = build_consumer(&self.inner, topic, subscription, version).await?;
        let subscription = Arc::new(Subscription::new(
            topic,
            subscription,
            handler,
            self.inner.policy,
            self.settings,
            Arc::new(DeadLetterTopic(self.inner.clone())),
        ));
        let task = tokio::spawn(consume(
            self.inner.clone(),
            subscription,
            version,
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
            ack_group_time: Some(inner.tuning.ack_group_time),
            ack_group_max_size: Some(inner.tuning.ack_group_max),
            ..Default::default()
        })
        .build()
        .await
        .map_err(broker)
}

/// A received message and what acknowledges it.
struct Received {
    message: Message,
    topic: String,
    id: MessageIdData,
}

/// How long a stopping consumer waits for its lanes to finish the
/// messages in hand before it acknowledges what they did and closes.
const LANES_STOP: Duration = Duration::from_secs(5);

/// Pulls a subscription's messages and routes each to the lane of its key;
/// acknowledges what the lanes report done (individually: Key_Shared
/// allows no cumulative ack). Stops pulling while the subscription waits
/// out an outage, and resubscribes after a broker error.
async fn consume(
    inner: Arc<Inner>,
    subscription: Arc<Subscription>,
    version: u32,
    cancel: CancellationToken,
    mut first: Option<pulsar::Consumer<Vec<u8>, TokioExecutor>>,
) {
    let (topic, name) = (subscription.topic.clone(), subscription.name.clone());
    loop {
        let mut consumer = match first.take() {
            Some(c) => c,
            None => match subscribe_retrying(&inner, &topic, &name, version, &cancel).await {
                Some(c) => c,
                None => return,
            },
        };
        let (acks, mut acked) = mpsc::unbounded_channel::<(String, MessageIdData)>();
        let lane_cancel = cancel.child_token();
        let (lanes, tasks) = spawn_lanes(&subscription, &acks, &lane_cancel);
        drop(acks);
        loop {
            let paused = subscription.pause.is_paused();
            tokio::select! {
                biased;
                _ = cancel.cancelled() => break,
                Some((full_topic, id)) = acked.recv() => ack(&mut consumer, &full_topic, id).await,
                _ = subscription.pause.resumed(), if paused => {}
                next = consumer.next(), if !paused => match next {
                    None => break,
                    Some(Err(error)) => {
                        tracing::warn!(%topic, subscription = %name, %error, "consumer error; resubscribing");
                        break;
                    }
                    Some(Ok(message)) => {
                        let received = receive(&topic, &message);
                        let lane = lane_of(&message.key().unwrap_or_else(|| received.message.id.clone()), lanes.len());
                        if lanes[lane].send(received).await.is_err() {
                            break;
                        }
                    }
                }
            }
        }
        // Lanes finish what they hold (new work is refused once cancelled);
        // what they finished is acknowledged, the rest the broker redelivers.
        drop(lanes);
        let _ = tokio::time::timeout(LANES_STOP, futures::future::join_all(tasks)).await;
        lane_cancel.cancel();
        while let Ok((full_topic, id)) = acked.try_recv() {
            ack(&mut consumer, &full_topic, id).await;
        }
        if cancel.is_cancelled() {
            let _ = tokio::time::timeout(Duration::from_secs(2), consumer.close()).await;
            return;
        }
    }
}

/// Subscribes, retrying with a capped backoff until it works; None once
/// shutting down.
async fn subscribe_retrying(
    inner: &Arc<Inner>,
    topic: &str,
    name: &str,
    version: u32,
    cancel: &CancellationToken,
) -> Option<pulsar::Consumer<Vec<u8>, TokioExecutor>> {
    let mut backoff = Duration::from_millis(200);
    loop {
        match build_consumer(inner, topic, name, version).await {
            Ok(consumer) => return Some(consumer),
            Err(error) => {
                tracing::warn!(%topic, subscription = %name, %error, "cannot subscribe; retrying");
                tokio::select! {
                    _ = cancel.cancelled() => return None,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

async fn ack(
    consumer: &mut pulsar::Consumer<Vec<u8>, TokioExecutor>,
    topic: &str,
    id: MessageIdData,
) {
    if let Err(error) = consumer.ack_with_id(topic, id).await {
        tracing::warn!(%topic, %error, "ack failed; a redelivery will be deduplicated by the inbox");
    }
}

/// Reads a received message for the lanes and records its consume lag.
fn receive(topic: &str, message: &pulsar::consumer::Message<Vec<u8>>) -> Received {
    let published = i64::try_from(message.metadata().publish_time).unwrap_or(0);
    let lag = (chrono::Utc::now().timestamp_millis() - published).max(0) as f64 / 1000.0;
    metrics::histogram!("propalpes_consume_lag_seconds", "topic" => topic.to_owned()).record(lag);
    Received {
        message: to_bus_message(topic, message, 0),
        topic: message.topic.clone(),
        id: message.message_id().clone(),
    }
}

type LaneTasks = Vec<JoinHandle<()>>;

/// One task per lane, each fed by a bounded queue (the puller waits when a
/// lane is full).
fn spawn_lanes(
    subscription: &Arc<Subscription>,
    acks: &mpsc::UnboundedSender<(String, MessageIdData)>,
    cancel: &CancellationToken,
) -> (Vec<mpsc::Sender<Received>>, LaneTasks) {
    let capacity = subscription.settings.max_batch.max(1) * 2;
    (0..subscription.settings.lanes.max(1))
        .map(|_| {
            let (tx, rx) = mpsc::channel(capacity);
            let task = tokio::spawn(run_lane(
                subscription.clone(),
                rx,
                acks.clone(),
                cancel.clone(),
            ));
            (tx, task)
        })
        .unzip()
}

/// Takes what is queued (up to a batch), applies it, reports it done.
async fn run_lane(
    subscription: Arc<Subscription>,
    mut queue: mpsc::Receiver<Received>,
    acks: mpsc::UnboundedSender<(String, MessageIdData)>,
    cancel: CancellationToken,
) {
    let max = subscription.settings.max_batch.max(1);
    let mut batch = Vec::with_capacity(max);
    while let Some(first) = queue.recv().await {
        batch.push(first);
        while batch.len() < max {
            match queue.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let messages: Vec<Message> = batch.iter().map(|r| r.message.clone()).collect();
        let done = subscription.deliver(&messages, &cancel).await;
        for received in batch.drain(..done) {
            let _ = acks.send((received.topic, received.id));
        }
        if !batch.is_empty() {
            // Stopped before the end: leave the rest to a redelivery.
            return;
        }
    }
}

/// A bus message as Pulsar carries it: keyed, its id among the properties.
fn pulsar_message(message: &Message) -> producer::Message {
    let mut properties: HashMap<String, String> = message
        .properties
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    properties.insert("id".into(), message.id.clone());
    producer::Message {
        payload: message.payload.clone(),
        properties,
        partition_key: Some(message.key.clone()),
        ..Default::default()
    }
}
