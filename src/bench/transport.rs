//! `propalpes bench transport`: throughput and publish→consume latency
//! through the outbox relay on Pulsar, beside the raw rate of the `pulsar`
//! crate's producer in the same run. Numbers are printed, never asserted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures::StreamExt;
use pulsar::{ProducerOptions, Pulsar, TokioExecutor, producer};

use super::percentile;
use crate::contracts::{topics, types};
use crate::seedwork::application::{
    HandleError, Message, MessageBus, MessageHandler, UnitOfWork, UnitOfWorkFactory,
};
use crate::seedwork::infrastructure::avro::{AvroCodec, EnvelopeHeader, SchemaRegistry};
use crate::seedwork::infrastructure::{
    ContextStorage, InfraError, PulsarBus, PulsarConfig, RetryPolicy,
};
use crate::settings::Settings;

fn bus_error(e: impl std::fmt::Display) -> InfraError {
    InfraError::Bus(e.to_string())
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

struct LatencyRecorder {
    run: String,
    latencies_ms: Mutex<Vec<i64>>,
    last: Mutex<Option<Instant>>,
}

#[async_trait]
impl MessageHandler for LatencyRecorder {
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        if message.properties.get("bench_run") != Some(&self.run) {
            return Ok(());
        }
        let created: i64 = message
            .properties
            .get("created_ms")
            .and_then(|v| v.parse().ok())
            .unwrap_or_default();
        if let Ok(mut l) = self.latencies_ms.lock() {
            l.push(now_ms() - created);
        }
        if let Ok(mut last) = self.last.lock() {
            *last = Some(Instant::now());
        }
        Ok(())
    }
}

/// A Key_Shared consumer that tails `topic` and acks until it has
/// `messages` (or 10 s pass without one): how many it got, and when.
async fn consume_all(
    client: &Pulsar<TokioExecutor>,
    topic: &str,
    messages: usize,
) -> Result<tokio::task::JoinHandle<(usize, Instant)>, InfraError> {
    let mut consumer: pulsar::Consumer<Vec<u8>, TokioExecutor> = client
        .consumer()
        .with_topic(topic)
        .with_subscription("bench-raw")
        .with_subscription_type(pulsar::SubType::KeyShared)
        .with_options(pulsar::ConsumerOptions {
            initial_position: pulsar::consumer::InitialPosition::Earliest,
            ..Default::default()
        })
        .build()
        .await
        .map_err(bus_error)?;
    Ok(tokio::spawn(async move {
        let mut got = 0;
        while got < messages {
            match tokio::time::timeout(Duration::from_secs(10), consumer.next()).await {
                Ok(Some(Ok(message))) => {
                    if consumer.ack(&message).await.is_err() {
                        break;
                    }
                    got += 1;
                }
                _ => break,
            }
        }
        let _ = consumer.close().await;
        (got, Instant::now())
    }))
}

/// The crate alone: a Key_Shared consumer subscribed first (so it tails the
/// topic live, as the services do), then a producer; prints the producer's
/// rate and the rate at which the consumer received and acked everything.
async fn raw_round(
    client: &Pulsar<TokioExecutor>,
    topic: &str,
    batched: bool,
    messages: usize,
    payload: &[u8],
) -> Result<(), InfraError> {
    let mode = if batched { "batched" } else { "unbatched" };
    let consuming = consume_all(client, topic, messages).await?;
    let options = ProducerOptions {
        batch_size: batched.then_some(500),
        batch_timeout: batched.then_some(Duration::from_millis(5)),
        block_queue_if_full: true,
        ..Default::default()
    };
    let mut producer = client
        .producer()
        .with_topic(topic)
        .with_options(options)
        .build()
        .await
        .map_err(bus_error)?;
    let started = Instant::now();
    let mut receipts = Vec::with_capacity(messages);
    for i in 0..messages {
        let sent = producer
            .send_non_blocking(producer::Message {
                payload: payload.to_vec(),
                partition_key: Some(format!("key-{}", i % 64)),
                properties: HashMap::new(),
                ..Default::default()
            })
            .await
            .map_err(bus_error)?;
        receipts.push(sent);
    }
    if batched {
        producer.send_batch().await.map_err(bus_error)?;
    }
    for r in receipts {
        r.await.map_err(bus_error)?;
    }
    let produced = started.elapsed().as_secs_f64();
    let (got, done) = consuming.await.map_err(bus_error)?;
    let consumed = done.duration_since(started).as_secs_f64();
    println!(
        "raw pulsar crate ({mode}): producer {messages} msgs in {produced:.2}s = {:.0} msgs/s ({} B payload); \
         Key_Shared consumer got {got} in {consumed:.2}s = {:.0} msgs/s",
        messages as f64 / produced,
        payload.len(),
        got as f64 / consumed,
    );
    let _ = producer.close().await;
    Ok(())
}

/// The sample event every round sends: a `CompaniaCreada` of 225 bytes,
/// tagged with the run so the recorder counts only its own.
struct Samples {
    codec: AvroCodec,
    run: String,
}

#[derive(serde::Serialize)]
struct Creada {
    id_compania: String,
    nombre: String,
    email: String,
    identificacion: String,
    estado: String,
    fecha_creacion: i64,
}

impl Samples {
    fn sample(&self, i: usize) -> Result<Message, InfraError> {
        let id = uuid::Uuid::new_v4().to_string();
        let header = EnvelopeHeader::new(types::COMPANIA_CREADA, "bench", &id, None);
        let data = Creada {
            id_compania: id.clone(),
            nombre: format!("Inmobiliaria {i}"),
            email: format!("contacto{i}@example.co"),
            identificacion: format!("900{i:06}"),
            estado: "Pendiente".into(),
            fecha_creacion: now_ms(),
        };
        let mut m = self
            .codec
            .message(
                topics::EVENTOS_COMPANIAS,
                &format!("key-{}", i % 64),
                &header,
                &data,
            )
            .map_err(bus_error)?;
        m.properties.insert("bench_run".into(), self.run.clone());
        Ok(m)
    }

    /// Commits sample `i` to the outbox (one transaction).
    async fn commit(&self, storage: &ContextStorage, i: usize) -> Result<(), InfraError> {
        let mut m = self.sample(i)?;
        m.properties
            .insert("created_ms".into(), now_ms().to_string());
        let mut uow = storage.uows.begin().await.map_err(bus_error)?;
        uow.add_message(m);
        uow.commit().await.map_err(bus_error)
    }
}

/// The topic keeps every earlier run's messages: the subscription is made
/// at the end of the topic first, so the bus consumer resumes from there
/// instead of reading the whole history (as a new service would).
async fn subscribe_at_end(
    client: &Pulsar<TokioExecutor>,
    config: &PulsarConfig,
    subscription: &str,
) -> Result<(), InfraError> {
    let mut at_end: pulsar::Consumer<Vec<u8>, TokioExecutor> = client
        .consumer()
        .with_topic(config.topic(topics::EVENTOS_COMPANIAS))
        .with_subscription(subscription)
        .with_subscription_type(pulsar::SubType::KeyShared)
        .with_options(pulsar::ConsumerOptions {
            initial_position: pulsar::consumer::InitialPosition::Latest,
            durable: Some(true),
            ..Default::default()
        })
        .build()
        .await
        .map_err(bus_error)?;
    let _ = at_end.close().await;
    Ok(())
}

/// Drain: a backlog committed with the relay stopped, then published and
/// consumed; the rate of relay + broker + consumer, not of the writer.
async fn drain(
    samples: &Samples,
    storage: &ContextStorage,
    bus: Arc<PulsarBus>,
    recorder: &LatencyRecorder,
    messages: usize,
) -> Result<crate::seedwork::infrastructure::RelayHandle, InfraError> {
    for i in 0..messages {
        samples.commit(storage, i).await?;
    }
    recorder.reset();
    let started = Instant::now();
    let relay = storage.start_relay("bench", bus);
    let received = recorder.wait_for(messages).await;
    let secs = recorder.last_at().duration_since(started).as_secs_f64();
    println!(
        "drain: outbox backlog → relay → consumer: {received} of {messages} msgs in {secs:.2}s = {:.0} msgs/s",
        received as f64 / secs,
    );
    Ok(relay)
}

/// Paced: one commit per transaction at a fixed rate below saturation, so
/// the latency is the path's, not a queue's.
async fn paced(
    samples: &Samples,
    storage: &ContextStorage,
    recorder: &LatencyRecorder,
    messages: usize,
    rate: u32,
) -> Result<(), InfraError> {
    recorder.reset();
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    for i in 0..messages {
        ticker.tick().await;
        samples.commit(storage, i).await?;
    }
    let committed = messages as f64 / started.elapsed().as_secs_f64();
    let received = recorder.wait_for(messages).await;
    let latencies = recorder.sorted();
    println!(
        "paced at {rate}/s (achieved {committed:.0}/s, one commit per message): {received} of {messages} consumed; \
         commit → consume latency p50 {} ms, p99 {} ms, max {} ms",
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        latencies.last().copied().unwrap_or(0)
    );
    Ok(())
}

pub async fn transport(args: &Settings, messages: usize, rate: u32) -> Result<(), InfraError> {
    let url = args
        .pulsar
        .url
        .clone()
        .ok_or_else(|| InfraError::Bus("bench transport needs PULSAR_URL".into()))?;
    let config = PulsarConfig {
        url: url.clone(),
        tenant: args.pulsar.tenant.clone(),
        namespace: args.pulsar.namespace.clone(),
    };
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let registry = Arc::new(SchemaRegistry::embedded()?);
    let samples = Samples {
        codec: AvroCodec::new(registry.clone()),
        run: run.clone(),
    };

    // 1. The pulsar crate's producer alone: the ceiling for this machine.
    // Batched is the crate's ceiling; unbatched is what the bus uses (a
    // batch's envelope carries no key, so Key_Shared would route it by
    // producer and sequence id and split a key across consumers).
    let client = Pulsar::builder(url, TokioExecutor)
        .build()
        .await
        .map_err(bus_error)?;
    let payload = samples.sample(0)?.payload;
    for batched in [true, false] {
        let topic = config.topic(&format!("bench-raw-{run}-{batched}"));
        raw_round(&client, &topic, batched, messages, &payload).await?;
    }

    // 2. Through the transactional outbox and the relay to a consumer.
    let dir = std::env::temp_dir().join(format!("propalpes-bench-{run}"));
    let url = format!("sqlite://{}/bench.db", dir.display());
    let no_migrations = sqlx::migrate::Migrator::with_migrations(Vec::new());
    let storage = ContextStorage::open(&url.parse()?, &no_migrations).await?;
    let bus = Arc::new(
        PulsarBus::connect(config.clone(), registry, RetryPolicy::default())
            .await
            .map_err(bus_error)?,
    );
    let recorder = Arc::new(LatencyRecorder {
        run,
        latencies_ms: Mutex::new(Vec::with_capacity(messages)),
        last: Mutex::new(None),
    });
    let subscription = format!("bench-{}", samples.run);
    subscribe_at_end(&client, &config, &subscription).await?;
    bus.subscribe(topics::EVENTOS_COMPANIAS, &subscription, recorder.clone())
        .await
        .map_err(bus_error)?;
    let relay = drain(&samples, &storage, bus.clone(), &recorder, messages).await?;
    paced(&samples, &storage, &recorder, messages, rate).await?;
    relay.stop().await;
    bus.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

impl LatencyRecorder {
    fn reset(&self) {
        if let Ok(mut l) = self.latencies_ms.lock() {
            l.clear();
        }
    }

    fn count(&self) -> usize {
        self.latencies_ms.lock().map(|l| l.len()).unwrap_or(0)
    }

    /// Waits (up to 3 minutes) until `n` messages arrived; returns how many did.
    async fn wait_for(&self, n: usize) -> usize {
        let deadline = Instant::now() + Duration::from_secs(180);
        while self.count() < n && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        self.count()
    }

    fn last_at(&self) -> Instant {
        self.last
            .lock()
            .ok()
            .and_then(|l| *l)
            .unwrap_or_else(Instant::now)
    }

    fn sorted(&self) -> Vec<i64> {
        let mut latencies = self
            .latencies_ms
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default();
        latencies.sort_unstable();
        latencies
    }
}
