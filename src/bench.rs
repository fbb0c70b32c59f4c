//! `propalpes bench transport`: throughput and publish→consume latency
//! through the outbox relay on Pulsar, beside the raw rate of the `pulsar`
//! crate's producer in the same run. Numbers are printed, never asserted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use pulsar::{ProducerOptions, Pulsar, TokioExecutor, producer};

use crate::config::RuntimeArgs;
use crate::seedwork::application::{
    HandleError, Message, MessageBus, MessageHandler, UnitOfWork, UnitOfWorkFactory,
};
use crate::seedwork::infrastructure::avro::{AvroCodec, EnvelopeHeader, SchemaRegistry};
use crate::seedwork::infrastructure::{
    ContextStorage, InfraError, PulsarBus, PulsarConfig, RetryPolicy,
};

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

fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub async fn transport(args: &RuntimeArgs, messages: usize) -> Result<(), InfraError> {
    let url = args
        .pulsar_url
        .clone()
        .ok_or_else(|| InfraError::Bus("bench transport needs PULSAR_URL".into()))?;
    let config = PulsarConfig {
        url: url.clone(),
        tenant: args.pulsar_tenant.clone(),
        namespace: args.pulsar_namespace.clone(),
    };
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let registry = Arc::new(SchemaRegistry::embedded()?);
    let codec = AvroCodec::new(registry.clone());
    #[derive(serde::Serialize)]
    struct Creada {
        id_compania: String,
        nombre: String,
        email: String,
        identificacion: String,
        estado: String,
        fecha_creacion: i64,
    }
    let sample = |i: usize| -> Result<Message, InfraError> {
        let id = uuid::Uuid::new_v4().to_string();
        let header = EnvelopeHeader::new("CompaniaCreada", "bench", &id, None);
        let data = Creada {
            id_compania: id.clone(),
            nombre: format!("Inmobiliaria {i}"),
            email: format!("contacto{i}@example.co"),
            identificacion: format!("900{i:06}"),
            estado: "Pendiente".into(),
            fecha_creacion: now_ms(),
        };
        let mut m = codec
            .message(
                "eventos-companias",
                &format!("key-{}", i % 64),
                &header,
                &data,
            )
            .map_err(bus_error)?;
        m.properties.insert("bench_run".into(), run.clone());
        Ok(m)
    };

    // 1. The pulsar crate's producer alone: the ceiling for this machine.
    let client = Pulsar::builder(url, TokioExecutor)
        .build()
        .await
        .map_err(bus_error)?;
    let payload = sample(0)?.payload;
    // Batched is the crate's ceiling; unbatched is what the bus uses (a
    // mixed-key batch would break Key_Shared order).
    for batched in [true, false] {
        let options = ProducerOptions {
            batch_size: batched.then_some(500),
            batch_timeout: batched.then_some(Duration::from_millis(5)),
            block_queue_if_full: true,
            ..Default::default()
        };
        let mut raw = client
            .producer()
            .with_topic(config.topic(&format!("bench-raw-{run}-{batched}")))
            .with_options(options)
            .build()
            .await
            .map_err(bus_error)?;
        let started = Instant::now();
        let mut receipts = Vec::with_capacity(messages);
        for i in 0..messages {
            let sent = raw
                .send_non_blocking(producer::Message {
                    payload: payload.clone(),
                    partition_key: Some(format!("key-{}", i % 64)),
                    properties: HashMap::new(),
                    ..Default::default()
                })
                .await
                .map_err(bus_error)?;
            receipts.push(sent);
        }
        if batched {
            raw.send_batch().await.map_err(bus_error)?;
        }
        for r in receipts {
            r.await.map_err(bus_error)?;
        }
        let raw_secs = started.elapsed().as_secs_f64();
        println!(
            "raw pulsar producer ({}) : {messages} msgs in {raw_secs:.2}s = {:.0} msgs/s ({} B payload)",
            if batched { "batched" } else { "unbatched" },
            messages as f64 / raw_secs,
            payload.len()
        );
    }

    // 2. Through the transactional outbox and the relay to a consumer.
    let dir = std::env::temp_dir().join(format!("propalpes-bench-{run}"));
    let url = format!("sqlite://{}/bench.db", dir.display());
    let storage = ContextStorage::open(
        &url.parse()?,
        &sqlx::migrate::Migrator::with_migrations(Vec::new()),
    )
    .await?;
    let bus = Arc::new(
        PulsarBus::connect(config, registry, RetryPolicy::default())
            .await
            .map_err(bus_error)?,
    );
    let recorder = Arc::new(LatencyRecorder {
        run: run.clone(),
        latencies_ms: Mutex::new(Vec::with_capacity(messages)),
        last: Mutex::new(None),
    });
    bus.subscribe(
        "eventos-companias",
        &format!("bench-{run}"),
        recorder.clone(),
    )
    .await
    .map_err(bus_error)?;
    let relay = storage.start_relay("bench", bus.clone());
    let started = Instant::now();
    for i in 0..messages {
        let mut m = sample(i)?;
        m.properties
            .insert("created_ms".into(), now_ms().to_string());
        let mut uow = storage.uows.begin().await.map_err(bus_error)?;
        uow.add_message(m);
        uow.commit().await.map_err(bus_error)?;
    }
    let committed = started.elapsed().as_secs_f64();
    let deadline = Instant::now() + Duration::from_secs(180);
    while recorder.latencies_ms.lock().map(|l| l.len()).unwrap_or(0) < messages
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut latencies = recorder
        .latencies_ms
        .lock()
        .map(|l| l.clone())
        .unwrap_or_default();
    latencies.sort_unstable();
    let end = recorder
        .last
        .lock()
        .ok()
        .and_then(|l| *l)
        .unwrap_or_else(Instant::now);
    let secs = end.duration_since(started).as_secs_f64();
    println!(
        "outbox → relay → consumer: {} of {messages} msgs in {secs:.2}s = {:.0} msgs/s (commits alone {:.0}/s, one per transaction on SQLite)",
        latencies.len(),
        latencies.len() as f64 / secs,
        messages as f64 / committed,
    );
    println!(
        "commit → consume latency: p50 {} ms, p99 {} ms, max {} ms",
        percentile(&latencies, 50.0),
        percentile(&latencies, 99.0),
        latencies.last().copied().unwrap_or(0)
    );
    relay.cancel.cancel();
    let _ = relay.task.await;
    bus.shutdown().await;
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
