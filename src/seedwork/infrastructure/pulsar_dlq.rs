//! Operator tooling for `<topic>-DLQ` on Pulsar: list what is there and
//! re-publish it to the original topic. Both read through one durable
//! subscription, `dlq-tool`: listing leaves messages unacknowledged, a replay
//! acknowledges what it re-published, so nothing is replayed twice.
//!
//! A replay ends: it takes only the letters published before it started
//! (so its own re-dead-lettered copies are never taken again), re-publishes
//! each with the schema version it was written with and a `replay` mark,
//! then follows them: a letter is applied once the subscription that gave
//! up on it has acknowledged its copy (the broker's cursor, from the admin
//! API) and no copy carrying the mark came back to the DLQ; failed again if
//! one did; still waiting otherwise when the wait is over.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use futures::StreamExt;
use pulsar::consumer::InitialPosition;
use pulsar::message::proto::MessageIdData;
use pulsar::{ConsumerOptions, SubType, TokioExecutor};

use super::{PulsarBus, dead_letter_topic};
use crate::seedwork::application::{BusError, Message, REPLAY_PROPERTY};

const TOOL_SUBSCRIPTION: &str = "dlq-tool";
/// How long the DLQ must stay quiet before we decide we have read it all.
const IDLE: Duration = Duration::from_millis(1500);
/// Properties the DLQ adds, dropped from a replayed copy.
const DLQ_PROPERTIES: [&str; 6] = [
    "error",
    "original_topic",
    "subscription",
    "attempts",
    "original_message_id",
    REPLAY_PROPERTY,
];

/// One dead-lettered message.
#[derive(Debug, Clone)]
pub struct DlqEntry {
    pub id: String,
    pub message_type: String,
    pub error: String,
    pub attempts: String,
    pub subscription: String,
    pub key: String,
    pub publish_time: u64,
    pub properties: HashMap<String, String>,
    pub payload: Vec<u8>,
}

/// What a replay did with the letters present when it started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplayOutcome {
    pub replayed: usize,
    pub applied: usize,
    pub failed_again: usize,
    pub waiting: usize,
}

fn broker(e: impl std::fmt::Display) -> BusError {
    BusError::Broker(e.to_string())
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
        .map_err(broker)
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
        subscription: get("subscription"),
        key: message.key().unwrap_or_default(),
        publish_time: message.metadata().publish_time,
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

/// The copy a replay publishes: the original envelope and properties, the
/// replay's mark, the writer's schema version.
fn replayed_copy(topic: &str, dead: &DlqEntry, run: &str) -> Message {
    let mut properties: std::collections::BTreeMap<String, String> = dead
        .properties
        .iter()
        .filter(|(k, _)| !DLQ_PROPERTIES.contains(&k.as_str()) && !k.starts_with("pulsar."))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    properties.insert(REPLAY_PROPERTY.to_owned(), run.to_owned());
    Message {
        id: dead.id.clone(),
        topic: topic.to_owned(),
        key: dead.key.clone(),
        message_type: dead.message_type.clone(),
        schema_version: properties
            .get("schema.version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1),
        properties,
        payload: dead.payload.clone(),
        redelivery_count: 0,
    }
}

/// A re-published letter to follow.
struct Followed {
    id: String,
    subscription: String,
    copy: MessageIdData,
}

/// Re-publishes the dead letters of `topic` present now (all, or the one
/// with envelope id `id`) and follows them for up to `wait`. With
/// `dry_run`, returns what it would replay and changes nothing.
pub async fn replay(
    bus: &PulsarBus,
    topic: &str,
    id: Option<&str>,
    admin_url: &str,
    wait: Duration,
) -> Result<ReplayOutcome, BusError> {
    let started = chrono::Utc::now().timestamp_millis().max(0) as u64;
    let run = uuid::Uuid::now_v7().to_string();
    // Subscribed before anything is re-published, so no copy that fails
    // again is missed.
    let mut returns = watch_dlq(bus, topic).await?;
    let mut consumer = open(bus, topic).await?;
    let mut followed = Vec::new();
    while let Ok(Some(Ok(message))) = tokio::time::timeout(IDLE, consumer.next()).await {
        let dead = entry(&message);
        if dead.publish_time > started {
            // Dead-lettered after the replay began: the next replay's.
            break;
        }
        if id.is_some_and(|id| id != dead.id) {
            continue;
        }
        let copy = bus.publish_one(&replayed_copy(topic, &dead, &run)).await?;
        consumer.ack(&message).await.map_err(broker)?;
        followed.push(Followed {
            id: dead.id,
            subscription: dead.subscription,
            copy,
        });
    }
    let _ = consumer.close().await;
    let outcome = follow(bus, topic, admin_url, &run, &followed, &mut returns, wait).await;
    let _ = returns.close().await;
    outcome
}

/// Takes the dead letter with envelope id `id` off `topic`'s DLQ without
/// re-publishing it (acknowledged on the tool's subscription); returns it,
/// or `None` when no such letter waits. The others stay unacknowledged.
pub async fn discard(bus: &PulsarBus, topic: &str, id: &str) -> Result<Option<DlqEntry>, BusError> {
    let mut consumer = open(bus, topic).await?;
    let mut found = None;
    while let Ok(Some(Ok(message))) = tokio::time::timeout(IDLE, consumer.next()).await {
        let dead = entry(&message);
        if dead.id == id {
            consumer.ack(&message).await.map_err(broker)?;
            found = Some(dead);
            break;
        }
    }
    let _ = consumer.close().await;
    Ok(found)
}

/// The letters a replay would take, without taking them.
pub async fn dry_run(
    bus: &PulsarBus,
    topic: &str,
    id: Option<&str>,
) -> Result<Vec<DlqEntry>, BusError> {
    Ok(list(bus, topic)
        .await?
        .into_iter()
        .filter(|e| id.is_none_or(|id| id == e.id))
        .collect())
}

/// A reader of what reaches the DLQ from now on.
async fn watch_dlq(
    bus: &PulsarBus,
    topic: &str,
) -> Result<pulsar::Consumer<Vec<u8>, TokioExecutor>, BusError> {
    bus.client()
        .consumer()
        .with_topic(bus.config().topic(&dead_letter_topic(topic)))
        .with_subscription(format!("dlq-replay-{}", uuid::Uuid::new_v4().simple()))
        .with_subscription_type(SubType::Exclusive)
        .with_options(ConsumerOptions {
            durable: Some(false),
            initial_position: InitialPosition::Latest,
            ..Default::default()
        })
        .build()
        .await
        .map_err(broker)
}

async fn follow(
    bus: &PulsarBus,
    topic: &str,
    admin_url: &str,
    run: &str,
    followed: &[Followed],
    returns: &mut pulsar::Consumer<Vec<u8>, TokioExecutor>,
    wait: Duration,
) -> Result<ReplayOutcome, BusError> {
    let mut failed_again: HashSet<String> = HashSet::new();
    let mut acked: HashSet<usize> = HashSet::new();
    let deadline = Instant::now() + wait;
    let http = reqwest::Client::new();
    while acked.len() < followed.len() && Instant::now() < deadline {
        // Copies that failed again, as they arrive.
        while let Ok(Some(Ok(message))) =
            tokio::time::timeout(Duration::from_millis(200), returns.next()).await
        {
            let back = entry(&message);
            if back.properties.get(REPLAY_PROPERTY).map(String::as_str) == Some(run) {
                failed_again.insert(back.id);
            }
        }
        let cursors = cursors(&http, admin_url, &bus.config().topic(topic)).await;
        for (i, f) in followed.iter().enumerate() {
            if cursors
                .get(&f.subscription)
                .is_some_and(|c| c.acknowledged(&f.copy))
            {
                acked.insert(i);
            }
        }
    }
    // A copy acknowledged as dead-lettered reaches the DLQ just before its
    // ack: one more look.
    while let Ok(Some(Ok(message))) =
        tokio::time::timeout(Duration::from_millis(500), returns.next()).await
    {
        let back = entry(&message);
        if back.properties.get(REPLAY_PROPERTY).map(String::as_str) == Some(run) {
            failed_again.insert(back.id);
        }
    }
    let mut outcome = ReplayOutcome {
        replayed: followed.len(),
        ..ReplayOutcome::default()
    };
    for (i, f) in followed.iter().enumerate() {
        if failed_again.contains(&f.id) {
            outcome.failed_again += 1;
        } else if acked.contains(&i) {
            outcome.applied += 1;
        } else {
            outcome.waiting += 1;
        }
    }
    Ok(outcome)
}

/// A subscription's cursor on a topic: everything up to `mark_delete` is
/// acknowledged, and so are the ranges acknowledged individually past it.
#[derive(Debug, Default, PartialEq)]
struct Cursor {
    mark_delete: (u64, u64),
    /// `(from, to]` ranges.
    ranges: Vec<((u64, u64), (u64, u64))>,
}

impl Cursor {
    fn acknowledged(&self, id: &MessageIdData) -> bool {
        let position = (id.ledger_id, id.entry_id);
        position <= self.mark_delete
            || self
                .ranges
                .iter()
                .any(|(from, to)| position > *from && position <= *to)
    }
}

fn position(text: &str) -> Option<(u64, u64)> {
    let (ledger, entry) = text.trim().split_once(':')?;
    Some((ledger.parse().ok()?, entry.parse().ok()?))
}

/// `[(6:2..6:5], (6:8..6:9]]` into ranges.
fn ranges(text: &str) -> Vec<((u64, u64), (u64, u64))> {
    text.split('(')
        .skip(1)
        .filter_map(|part| {
            let (from, rest) = part.split_once("..")?;
            let to = rest.split(']').next()?;
            Some((position(from)?, position(to)?))
        })
        .collect()
}

/// Every subscription's cursor on `full_topic`, from the admin API's
/// internal stats (empty when the API does not answer).
async fn cursors(
    http: &reqwest::Client,
    admin_url: &str,
    full_topic: &str,
) -> HashMap<String, Cursor> {
    let path = full_topic.replacen("persistent://", "persistent/", 1);
    let Ok(response) = http
        .get(format!("{admin_url}/admin/v2/{path}/internalStats"))
        .send()
        .await
    else {
        return HashMap::new();
    };
    let stats: serde_json::Value = response.json().await.unwrap_or_default();
    let Some(cursors) = stats["cursors"].as_object() else {
        return HashMap::new();
    };
    cursors
        .iter()
        .filter_map(|(name, c)| {
            Some((
                name.clone(),
                Cursor {
                    mark_delete: position(c["markDeletePosition"].as_str()?)?,
                    ranges: ranges(c["individuallyDeletedMessages"].as_str().unwrap_or("[]")),
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ledger: u64, entry: u64) -> MessageIdData {
        MessageIdData {
            ledger_id: ledger,
            entry_id: entry,
            ..Default::default()
        }
    }

    #[test]
    fn a_cursor_knows_what_it_acknowledged() {
        let cursor = Cursor {
            mark_delete: position("6:2").unwrap(),
            ranges: ranges("[(6:4..6:6], (7:0..7:1]]"),
        };
        assert!(cursor.acknowledged(&id(6, 1)));
        assert!(cursor.acknowledged(&id(6, 2)));
        assert!(!cursor.acknowledged(&id(6, 3)));
        assert!(
            !cursor.acknowledged(&id(6, 4)),
            "ranges exclude their start"
        );
        assert!(cursor.acknowledged(&id(6, 5)));
        assert!(cursor.acknowledged(&id(7, 1)));
        assert!(!cursor.acknowledged(&id(7, 2)));
    }
}
