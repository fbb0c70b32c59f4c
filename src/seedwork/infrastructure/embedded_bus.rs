use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use futures::future::join_all;
use sqlx::Row;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::delivery::{
    ConsumerSettings, DeadLetterSink, RetryPolicy, Subscription, by_lane, seconds_since_minted,
};
use super::sql_unit_of_work::now_millis;
use super::{Database, store_error};
use crate::seedwork::application::{
    BusError, Message, MessageBus, MessageHandler, REPLAY_PROPERTY, StoreError,
};

/// Every subscription of this process, by topic.
type Registry = Arc<RwLock<HashMap<String, Vec<Arc<Subscription>>>>>;

fn subscriptions_of(registry: &Registry, topic: &str) -> Vec<Arc<Subscription>> {
    registry
        .read()
        .map(|s| s.get(topic).cloned().unwrap_or_default())
        .unwrap_or_default()
}

/// How long a replayer's claim on a letter holds before another may take it.
const REPLAY_CLAIM: Duration = Duration::from_secs(60);

/// A dead-lettered message with its reason.
#[derive(Debug, Clone)]
pub struct DeadLetter {
    pub seq: i64,
    pub subscription: String,
    pub error: String,
    pub attempts: i64,
    /// When it was dead-lettered (epoch ms).
    pub created_at: i64,
    pub message: Message,
}

/// The embedded bus's dead letters: a row in the `dead_letters` table,
/// then a delivery to the subscribers of `<topic>-DLQ`, as a Pulsar DLQ
/// topic would have (the BFF turns its command FALLIDO).
struct LetterBox {
    db: Database,
    subscribers: Registry,
    cancel: CancellationToken,
}

#[async_trait]
impl DeadLetterSink for LetterBox {
    async fn dead_letter(
        &self,
        subscription: &str,
        message: &Message,
        reason: &str,
        attempts: u32,
    ) -> Result<(), BusError> {
        self.store(subscription, message, reason, attempts)
            .await
            .map_err(|e| BusError::Broker(e.to_string()))?;
        self.announce(subscription, message, reason, attempts).await;
        Ok(())
    }
}

impl LetterBox {
    async fn store(
        &self,
        subscription: &str,
        message: &Message,
        error: &str,
        attempts: u32,
    ) -> Result<(), StoreError> {
        let properties = serde_json::to_string(&message.properties)
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        sqlx::query(
            "INSERT INTO dead_letters (id, topic, subscription, message_key, message_type, schema_version, \
             properties, payload, error, attempts, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(&message.id)
        .bind(&message.topic)
        .bind(subscription)
        .bind(&message.key)
        .bind(&message.message_type)
        .bind(i64::from(message.schema_version))
        .bind(properties)
        .bind(message.payload.clone())
        .bind(error)
        .bind(i64::from(attempts))
        .bind(now_millis())
        .execute(self.db.writer())
        .await
        .map_err(store_error)?;
        Ok(())
    }

    async fn announce(&self, subscription: &str, message: &Message, reason: &str, attempts: u32) {
        let topic = super::dead_letter_topic(&message.topic);
        let mut dead = message.clone();
        dead.topic = topic.clone();
        dead.properties.insert("error".into(), reason.to_owned());
        dead.properties.insert(
            super::delivery::ORIGINAL_TOPIC_PROPERTY.into(),
            message.topic.clone(),
        );
        dead.properties
            .insert("subscription".into(), subscription.to_owned());
        dead.properties
            .insert("attempts".into(), attempts.to_string());
        for subscriber in subscriptions_of(&self.subscribers, &topic) {
            subscriber
                .deliver(std::slice::from_ref(&dead), &self.cancel)
                .await;
        }
    }
}

/// The in-process bus of the embedded mode. `publish` returns only when every
/// subscriber has committed the message (or it was dead-lettered), so the
/// outbox relay marks a row sent only after its effects exist: a crash at
/// any point re-delivers from the outbox, and the inboxes dedupe.
/// Each subscription splits a publish into lanes by key (one key's messages
/// in order, keys in parallel) and applies a lane's run in shared
/// transactions. While a subscriber waits out an outage of its database,
/// the relay publishing to it waits too, so nothing is pulled from that
/// outbox meanwhile: the rows stay pending where they were committed.
pub struct EmbeddedBus {
    subscribers: Registry,
    letters: Arc<LetterBox>,
    pub(super) dead_letters: Database,
    policy: RetryPolicy,
    settings: ConsumerSettings,
    cancel: CancellationToken,
}

impl EmbeddedBus {
    /// `dead_letters` is the database holding the `dead_letters` table.
    pub fn new(dead_letters: Database, policy: RetryPolicy) -> Self {
        let subscribers: Registry = Arc::default();
        let cancel = CancellationToken::new();
        Self {
            letters: Arc::new(LetterBox {
                db: dead_letters.clone(),
                subscribers: subscribers.clone(),
                cancel: cancel.clone(),
            }),
            subscribers,
            dead_letters,
            policy,
            settings: ConsumerSettings::default(),
            cancel,
        }
    }

    /// Lanes per subscription and messages per transaction.
    pub fn with_settings(mut self, settings: ConsumerSettings) -> Self {
        self.settings = settings;
        self
    }

    /// The database its dead letters are kept in.
    pub fn dead_letter_database(&self) -> &Database {
        &self.dead_letters
    }

    /// Stops waiting: deliveries in progress end where they stand, and the
    /// publishes waiting on them fail, leaving their rows in the outbox.
    pub fn shutdown(&self) {
        self.cancel.cancel();
    }

    fn subscribers_of(&self, topic: &str) -> Vec<Arc<Subscription>> {
        subscriptions_of(&self.subscribers, topic)
    }

    /// Stops delivering `topic` to `subscription` and hands its handler back
    /// (an embedded consumer going down). Messages published meanwhile are
    /// not kept for it: the embedded bus has no broker-side backlog, so the
    /// sender's retries (the saga) are what recover them.
    pub fn unsubscribe(&self, topic: &str, subscription: &str) -> Option<Arc<dyn MessageHandler>> {
        let mut subscribers = self.subscribers.write().ok()?;
        let list = subscribers.get_mut(topic)?;
        let index = list.iter().position(|s| s.name == subscription)?;
        Some(list.remove(index).handler.clone())
    }

    /// Dead letters of a topic not yet replayed, oldest first.
    pub async fn dead_letters(&self, topic: &str) -> Result<Vec<DeadLetter>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, id, topic, subscription, message_key, message_type, schema_version, properties, \
             payload, error, attempts, created_at FROM dead_letters WHERE topic = $1 AND replayed_at IS NULL ORDER BY seq",
        )
        .bind(topic)
        .fetch_all(self.dead_letters.pool())
        .await
        .map_err(store_error)?;
        rows.iter()
            .map(|row| {
                Ok(DeadLetter {
                    seq: row.try_get("seq").map_err(store_error)?,
                    subscription: row.try_get("subscription").map_err(store_error)?,
                    error: row.try_get("error").map_err(store_error)?,
                    attempts: row.try_get("attempts").map_err(store_error)?,
                    created_at: row.try_get("created_at").map_err(store_error)?,
                    message: super::outbox_store::message_from_row(row)?,
                })
            })
            .collect()
    }

    /// Takes the dead letter `id` of `topic` off the list without replaying
    /// it (marked as handled, as a replay marks it); false when no such
    /// letter waits.
    pub async fn discard(&self, topic: &str, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE dead_letters SET replayed_at = $1 WHERE topic = $2 AND id = $3 AND replayed_at IS NULL",
        )
        .bind(now_millis())
        .bind(topic)
        .bind(id)
        .execute(self.dead_letters.writer())
        .await
        .map_err(store_error)?;
        Ok(done.rows_affected() > 0)
    }

    /// Re-delivers every letter marked for replay whose subscription lives
    /// in this process, then marks it replayed. Each letter is claimed first,
    /// so two replayers never deliver it at once; a claim older than
    /// `REPLAY_CLAIM` (a replayer that died) can be taken over. Delivered
    /// before marked: a crash in between replays it again and the
    /// subscriber's inbox dedupes. A replay that fails again is dead-lettered
    /// again, as a new letter. A letter that cannot be read or replayed is
    /// logged and skipped, so it does not hold the others back.
    pub async fn replay_requested(&self) -> Result<usize, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, id, topic, subscription, message_key, message_type, schema_version, properties, \
             payload, error, attempts FROM dead_letters \
             WHERE replay_requested_at IS NOT NULL AND replayed_at IS NULL ORDER BY seq",
        )
        .fetch_all(self.dead_letters.pool())
        .await
        .map_err(store_error)?;
        let mut replayed = 0;
        for row in &rows {
            match self.replay_row(row).await {
                Ok(true) => replayed += 1,
                Ok(false) => {}
                Err(error) => {
                    let seq: i64 = row.try_get("seq").unwrap_or_default();
                    tracing::error!(seq, %error, "dead letter not replayed; skipping it");
                }
            }
        }
        Ok(replayed)
    }

    /// Replays one requested letter if its subscription is here and the
    /// claim is won; `false` when it is not this process's to replay.
    async fn replay_row(&self, row: &sqlx::any::AnyRow) -> Result<bool, StoreError> {
        let seq: i64 = row.try_get("seq").map_err(store_error)?;
        let subscription: String = row.try_get("subscription").map_err(store_error)?;
        let mut message = super::outbox_store::message_from_row(row)?;
        // A replay has a redelivery budget of its own.
        message
            .properties
            .insert(REPLAY_PROPERTY.to_owned(), seq.to_string());
        let Some(subscriber) = self
            .subscribers_of(&message.topic)
            .into_iter()
            .find(|s| s.name == subscription)
        else {
            return Ok(false);
        };
        let now = now_millis();
        let stale = now - i64::try_from(REPLAY_CLAIM.as_millis()).unwrap_or(i64::MAX);
        let claimed = sqlx::query(
            "UPDATE dead_letters SET replay_claimed_at = $1 WHERE seq = $2 AND replayed_at IS NULL \
             AND (replay_claimed_at IS NULL OR replay_claimed_at < $3)",
        )
        .bind(now)
        .bind(seq)
        .bind(stale)
        .execute(self.dead_letters.pool())
        .await
        .map_err(store_error)?;
        if claimed.rows_affected() != 1 {
            return Ok(false);
        }
        if subscriber
            .deliver(std::slice::from_ref(&message), &self.cancel)
            .await
            == 0
        {
            return Err(StoreError::Unavailable("shutting down".into()));
        }
        sqlx::query("UPDATE dead_letters SET replayed_at = $1 WHERE seq = $2")
            .bind(now_millis())
            .bind(seq)
            .execute(self.dead_letters.pool())
            .await
            .map_err(store_error)?;
        tracing::info!(topic = %message.topic, %subscription, id = %message.id, "dead letter replayed");
        Ok(true)
    }

    /// Re-delivers dead letters of `topic` (one, or all when `id` is None) to
    /// the subscription that gave up on them, in this process.
    pub async fn replay(&self, topic: &str, id: Option<&str>) -> Result<usize, StoreError> {
        let request = self.request_replay(topic, id).await?;
        self.replay_requested().await?;
        let status = self.replay_status(&request).await?;
        Ok(status.applied + status.refused + status.failed_again)
    }

    /// Replays what `propalpes dlq replay` (another process) asked for,
    /// checking every `every` until cancelled.
    pub fn spawn_replayer(
        self: &Arc<Self>,
        cancel: CancellationToken,
        every: Duration,
    ) -> JoinHandle<()> {
        let bus = self.clone();
        tokio::spawn(super::periodic::every(
            "dead-letter replay",
            every,
            cancel,
            move || {
                let bus = bus.clone();
                async move { bus.replay_requested().await.map(|_| ()) }
            },
        ))
    }
}

/// The embedded bus hands a message to its subscribers as the relay
/// publishes it, so publish → receipt is nil; the lag that tells an
/// operator how far behind the consumers are is the time since the event
/// was committed, which its UUIDv7 envelope id carries.
fn record_consume_lag(message: &Message) {
    if let Some(age) = seconds_since_minted(&message.id) {
        metrics::histogram!("propalpes_consume_lag_seconds", "topic" => message.topic.clone())
            .record(age);
    }
}

#[async_trait]
impl MessageBus for EmbeddedBus {
    async fn publish(&self, messages: &[Message]) -> Result<(), BusError> {
        self.note_refusals(messages).await;
        let mut topics: Vec<&str> = messages.iter().map(|m| m.topic.as_str()).collect();
        topics.sort_unstable();
        topics.dedup();
        let mut deliveries = Vec::new();
        for topic in topics {
            let on_topic: Vec<Message> = messages
                .iter()
                .filter(|m| m.topic == topic)
                .cloned()
                .collect();
            on_topic.iter().for_each(record_consume_lag);
            for subscription in self.subscribers_of(topic) {
                for run in by_lane(&on_topic, subscription.settings.lanes) {
                    let subscription = subscription.clone();
                    deliveries.push(async move {
                        subscription.deliver(&run, &self.cancel).await == run.len()
                    });
                }
            }
        }
        if join_all(deliveries).await.into_iter().all(|done| done) {
            Ok(())
        } else {
            Err(BusError::Broker(
                "shutting down before every subscriber took the messages".into(),
            ))
        }
    }

    async fn subscribe(
        &self,
        topic: &str,
        subscription: &str,
        handler: Arc<dyn MessageHandler>,
    ) -> Result<(), BusError> {
        let mut subscribers = self
            .subscribers
            .write()
            .map_err(|_| BusError::Broker("subscriber registry poisoned".into()))?;
        let list = subscribers.entry(topic.to_owned()).or_default();
        // One embedded instance per subscription name: re-subscribing replaces.
        list.retain(|s| s.name != subscription);
        list.push(Arc::new(Subscription::new(
            topic,
            subscription,
            handler,
            self.policy,
            self.settings,
            self.letters.clone(),
        )));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::seconds_since_minted;

    #[test]
    fn a_uuid_v7_tells_its_age_and_another_kind_does_not() {
        let minted = uuid::Uuid::now_v7().to_string();
        let age = seconds_since_minted(&minted).expect("a v7 carries its time");
        assert!((0.0..5.0).contains(&age), "age {age}");
        let old = uuid::Uuid::new_v7(uuid::Timestamp::from_unix(uuid::NoContext, 1, 0));
        assert!(seconds_since_minted(&old.to_string()).expect("v7") > 1e9);
        assert_eq!(
            seconds_since_minted(&uuid::Uuid::new_v4().to_string()),
            None
        );
        assert_eq!(seconds_since_minted("not-an-id"), None);
    }
}
