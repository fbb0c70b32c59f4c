//! The flow bench's other entry point: an outside producer, as a client of
//! the command topics would run it (Python's `pulsar-client` + `fastavro`,
//! or anything else that writes our schemas). The same creations as the
//! GraphQL load, `CrearCompania` and `CrearDatosGeograficos` records on
//! `comandos-companias` and `comandos-geograficos`, ids chosen by the
//! producer, sent in batches as fast as the broker takes them (a burst) or
//! at `rate` per second; timed until each is final in the BFF projection
//! like the GraphQL ones.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::load::Sent;
use crate::contracts::{topics, types};
use crate::seedwork::application::{Message, MessageBus};
use crate::seedwork::domain::EntityId;
use crate::seedwork::infrastructure::avro::{
    AvroCodec, EnvelopeHeader, Field, Payload, SchemaRegistry,
};
use crate::seedwork::infrastructure::{InfraError, PulsarBus, PulsarConfig, RetryPolicy};

/// Messages a burst hands the producer at once (its batches go by key).
const BATCH: usize = 100;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn bus_error(error: impl std::fmt::Display) -> InfraError {
    InfraError::Bus(error.to_string())
}

/// The `i`th creation as a command record: companies and geographic data
/// in turn, every third one incomplete, as the GraphQL load sends them.
fn creation(codec: &AvroCodec, i: usize) -> Result<(String, Message), InfraError> {
    let id = EntityId::new().to_string();
    let incomplete = i % 3 == 0;
    let (topic, kind, data) = if i % 2 == 0 {
        let email = match incomplete {
            true => String::new(),
            false => format!("contacto{i}@andes.co"),
        };
        let data = Payload::from([
            ("id_compania", Field::Text(id.clone())),
            ("nombre", Field::Text(format!("Inmobiliaria {i}"))),
            ("email", Field::Text(email)),
            ("identificacion", Field::Text(format!("900{i:06}"))),
            ("fecha_creacion", Field::Long(now_ms())),
        ]);
        (topics::COMANDOS_COMPANIAS, types::CREAR_COMPANIA, data)
    } else {
        let latitud = if incomplete { "95" } else { "4.6" };
        let data = Payload::from([
            ("id_datos_geograficos", Field::Text(id.clone())),
            ("nombre_propiedad", Field::Text(format!("Lote {i}"))),
            ("latitud", Field::Text(latitud.to_owned())),
            ("longitud", Field::Text("-74.08".to_owned())),
            ("fecha_creacion", Field::Long(now_ms())),
        ]);
        (
            topics::COMANDOS_GEOGRAFICOS,
            types::CREAR_DATOS_GEOGRAFICOS,
            data,
        )
    };
    let header = EnvelopeHeader::new(kind, "bench-producer", &id, None);
    let message = codec
        .message(topic, &id, &header, &data)
        .map_err(bus_error)?;
    Ok((id, message))
}

/// A producer on the deployment's namespace.
pub struct Producer {
    bus: Arc<PulsarBus>,
    codec: Arc<AvroCodec>,
}

impl Producer {
    pub async fn connect(config: PulsarConfig) -> Result<Self, InfraError> {
        let registry = Arc::new(SchemaRegistry::embedded()?);
        let bus = PulsarBus::connect(config, registry.clone(), RetryPolicy::default())
            .await
            .map_err(bus_error)?;
        Ok(Self {
            bus: Arc::new(bus),
            codec: Arc::new(AvroCodec::new(registry)),
        })
    }

    /// Sends `n` creations (numbered from `first`): in batches of `BATCH`
    /// back to back, or each at its time at `rate` per second (a send does
    /// not wait for the one before it to be acknowledged).
    pub async fn drive(
        &self,
        first: usize,
        n: usize,
        rate: Option<u32>,
    ) -> Result<Sent, InfraError> {
        match rate {
            Some(rate) => self.paced(first, n, rate).await,
            None => self.burst(first, n).await,
        }
    }

    async fn burst(&self, first: usize, n: usize) -> Result<Sent, InfraError> {
        let mut sent = Sent::with_capacity(n);
        for start in (0..n).step_by(BATCH) {
            let at = now_ms();
            let batch = (start..n.min(start + BATCH))
                .map(|k| creation(&self.codec, first + k))
                .collect::<Result<Vec<_>, _>>()?;
            let messages: Vec<Message> = batch.iter().map(|(_, m)| m.clone()).collect();
            self.bus.publish(&messages).await.map_err(bus_error)?;
            sent.extend(batch.into_iter().map(|(id, _)| (id, at)));
        }
        Ok(sent)
    }

    async fn paced(&self, first: usize, n: usize, rate: u32) -> Result<Sent, InfraError> {
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(n);
        for k in 0..n {
            let due = started + Duration::from_secs_f64(k as f64 / f64::from(rate.max(1)));
            let (bus, codec) = (self.bus.clone(), self.codec.clone());
            tasks.push(tokio::spawn(async move {
                tokio::time::sleep_until(due.into()).await;
                let at = now_ms();
                let (id, message) = creation(&codec, first + k)?;
                bus.publish(&[message]).await.map_err(bus_error)?;
                Ok::<_, InfraError>((id, at))
            }));
        }
        let mut sent = Sent::with_capacity(n);
        for task in tasks {
            let (id, at) = task.await.map_err(bus_error)??;
            sent.insert(id, at);
        }
        Ok(sent)
    }

    pub async fn close(self) {
        self.bus.shutdown().await;
    }
}
