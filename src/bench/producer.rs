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
use crate::contracts::topics;
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
        (topics::COMANDOS_COMPANIAS, "CrearCompania", data)
    } else {
        let latitud = if incomplete { "95" } else { "4.6" };
        let data = Payload::from([
            ("id_datos_geograficos", Field::Text(id.clone())),
            ("nombre_propiedad", Field::Text(format!("Lote {i}"))),
            ("latitud", Field::Text(latitud.to_owned())),
            ("longitud", Field::Text("-74.08".to_owned())),
            ("fecha_creacion", Field::Long(now_ms())),
        ]);
        (topics::COMANDOS_GEOGRAFICOS, "CrearDatosGeograficos", data)
    };
    let header = EnvelopeHeader::new(kind, "bench-producer", &id, None);
    let message = codec
        .message(topic, &id, &header, &data)
        .map_err(bus_error)?;
    Ok((id, message))
}

/// A producer on the deployment's namespace.
pub struct Producer {
    bus: PulsarBus,
    codec: AvroCodec,
}

impl Producer {
    pub async fn connect(config: PulsarConfig) -> Result<Self, InfraError> {
        let registry = Arc::new(SchemaRegistry::embedded()?);
        let bus = PulsarBus::connect(config, registry.clone(), RetryPolicy::default())
            .await
            .map_err(bus_error)?;
        Ok(Self {
            bus,
            codec: AvroCodec::new(registry),
        })
    }

    /// Sends `n` creations (numbered from `first`): in batches of `BATCH`
    /// back to back, or one at a time at `rate` per second.
    pub async fn drive(
        &self,
        first: usize,
        n: usize,
        rate: Option<u32>,
    ) -> Result<Sent, InfraError> {
        let mut sent = Sent::with_capacity(n);
        let started = Instant::now();
        let step = rate.map_or(BATCH, |_| 1);
        let mut i = 0;
        while i < n {
            if let Some(rate) = rate {
                let due = started + Duration::from_secs_f64(i as f64 / f64::from(rate.max(1)));
                tokio::time::sleep_until(due.into()).await;
            }
            let at = now_ms();
            let batch = (i..n.min(i + step))
                .map(|k| creation(&self.codec, first + k))
                .collect::<Result<Vec<_>, _>>()?;
            let messages: Vec<Message> = batch.iter().map(|(_, m)| m.clone()).collect();
            self.bus.publish(&messages).await.map_err(bus_error)?;
            sent.extend(batch.into_iter().map(|(id, _)| (id, at)));
            i += step;
        }
        Ok(sent)
    }

    pub async fn close(self) {
        self.bus.shutdown().await;
    }
}
