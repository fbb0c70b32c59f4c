use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use pulsar::consumer::InitialPosition;
use pulsar::{ConsumerOptions, SubType};
use tokio::sync::broadcast;

use super::projector::TOPICS;
use super::{Projector, SqlProyecciones};
use crate::bff_web::SERVICE;
use crate::seedwork::application::{BusError, InTransactions, MessageHandler};
use crate::seedwork::infrastructure::avro::AvroCodec;
use crate::seedwork::infrastructure::{ContextStorage, InfraError, PulsarBus, to_bus_message};

/// How long a topic must stay quiet before the replay moves on.
const IDLE: Duration = Duration::from_secs(2);

/// Drops the projections and replays every event topic from the earliest
/// message (non-durable readers), through the same projector as live
/// traffic. Returns how many messages were applied.
pub async fn rebuild(
    storage: &ContextStorage,
    bus: &PulsarBus,
    codec: Arc<AvroCodec>,
) -> Result<usize, InfraError> {
    let store = SqlProyecciones::new(storage.db.clone());
    store
        .vaciar(&[SERVICE])
        .await
        .map_err(|e| InfraError::Bus(e.to_string()))?;
    let (cambios, _) = broadcast::channel(16);
    let projector = InTransactions::new(
        SERVICE,
        storage.uows.clone(),
        Projector::new(store, codec, cambios),
    );
    let mut applied = 0;
    for topic in TOPICS {
        let mut reader: pulsar::Consumer<Vec<u8>, _> = bus
            .client()
            .consumer()
            .with_topic(bus.config().topic(topic))
            .with_subscription(format!("bff-rebuild-{}", uuid::Uuid::new_v4().simple()))
            .with_subscription_type(SubType::Exclusive)
            .with_options(ConsumerOptions {
                durable: Some(false),
                initial_position: InitialPosition::Earliest,
                ..Default::default()
            })
            .build()
            .await
            .map_err(|e| InfraError::Bus(BusError::Broker(e.to_string()).to_string()))?;
        while let Ok(Some(Ok(message))) = tokio::time::timeout(IDLE, reader.next()).await {
            let bus_message = to_bus_message(topic, &message, 0);
            match projector.handle(&bus_message).await {
                Ok(()) => applied += 1,
                Err(error) => {
                    tracing::warn!(%topic, id = %bus_message.id, %error, "skipped during rebuild")
                }
            }
        }
        let _ = reader.close().await;
    }
    Ok(applied)
}
