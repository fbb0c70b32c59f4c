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
//! API) and no copy carrying the mark came back to the DLQ; refused when the
//! context it commands answered it with `ComandoRechazado` (on
//! `rechazos-comandos`, naming it as its causation): taken, but it will
//! never apply; failed again if a copy came back; still waiting otherwise
//! when the wait is over.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use futures::StreamExt;
use pulsar::consumer::InitialPosition;
use pulsar::message::proto::MessageIdData;
use pulsar::{ConsumerOptions, SubType, TokioExecutor};

use super::{PulsarBus, dead_letter_topic};
use crate::contracts::topics;
use crate::seedwork::application::{BusError, CAUSATION_PROPERTY, Message, REPLAY_PROPERTY};

const TOOL_SUBSCRIPTION: &str = "dlq-tool";
/// How long the DLQ must stay quiet before we decide we have read it all.
const IDLE: Duration = Duration::from_millis(1500);
/// How long, once every copy is taken, a refusal may still take to come:
/// the context writes it with the command's inbox row and its relay
/// publishes it just after. A relay that missed its wake-up publishes at
/// its next poll, maybe later than this: that copy is reported applied.
const REFUSAL_SETTLE: Duration = Duration::from_millis(1500);
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
    /// Taken, but refused by the context they command: they will not apply.
    pub refused: usize,
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
    // again, and no refusal, is missed.
    let returns = watch_from_now(bus, &dead_letter_topic(topic)).await?;
    let refusals = watch_from_now(bus, topics::RECHAZOS_COMANDOS).await?;
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
    let mut watched = Watched {
        returns,
        refusals,
        followed: followed.iter().map(|f| f.id.clone()).collect(),
        failed_again: HashSet::new(),
        refused: HashSet::new(),
    };
    let outcome = follow(bus, topic, admin_url, &run, &followed, &mut watched, wait).await;
    let _ = watched.returns.close().await;
    let _ = watched.refusals.close().await;
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

/// A reader of what reaches `topic` from now on.
async fn watch_from_now(
    bus: &PulsarBus,
    topic: &str,
) -> Result<pulsar::Consumer<Vec<u8>, TokioExecutor>, BusError> {
    bus.client()
        .consumer()
        .with_topic(bus.config().topic(topic))
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

/// The copies that came back to the DLQ and the refusals seen while a
/// replay is followed.
struct Watched {
    returns: pulsar::Consumer<Vec<u8>, TokioExecutor>,
    refusals: pulsar::Consumer<Vec<u8>, TokioExecutor>,
    /// The letters followed: what else comes by is not this replay's.
    followed: HashSet<String>,
    failed_again: HashSet<String>,
    refused: HashSet<String>,
}

impl Watched {
    /// Takes what each reader has until it stays quiet for `quiet`, for
    /// `budget` at the most (`rechazos-comandos` carries every context's
    /// refusals: under traffic it is never quiet): this run's copies back
    /// on the DLQ, and refusals naming a command as their causation.
    async fn drain(&mut self, run: &str, quiet: Duration, budget: Duration) {
        let until = Instant::now() + budget;
        let (back, refused) = tokio::join!(
            ids_seen(&mut self.returns, quiet, until, |m| {
                (property(m, REPLAY_PROPERTY).as_deref() == Some(run))
                    .then(|| property(m, "id"))
                    .flatten()
            }),
            ids_seen(&mut self.refusals, quiet, until, |m| {
                property(m, CAUSATION_PROPERTY)
            }),
        );
        let ours = |id: &String| self.followed.contains(id);
        self.failed_again.extend(back.into_iter().filter(ours));
        self.refused.extend(refused.into_iter().filter(ours));
    }
}

/// The ids `id_of` finds in what `reader` has, until it stays quiet for
/// `quiet` or `until` comes.
async fn ids_seen(
    reader: &mut pulsar::Consumer<Vec<u8>, TokioExecutor>,
    quiet: Duration,
    until: Instant,
    id_of: impl Fn(&pulsar::consumer::Message<Vec<u8>>) -> Option<String>,
) -> Vec<String> {
    let mut ids = Vec::new();
    while let Some(message) = next_before(reader, quiet, until).await {
        ids.extend(id_of(&message));
    }
    ids
}

/// One property of a message, read without copying the rest.
fn property(message: &pulsar::consumer::Message<Vec<u8>>, key: &str) -> Option<String> {
    message
        .metadata()
        .properties
        .iter()
        .find(|kv| kv.key == key)
        .map(|kv| kv.value.clone())
}

/// The reader's next message if one comes within `quiet` and before `until`.
async fn next_before(
    reader: &mut pulsar::Consumer<Vec<u8>, TokioExecutor>,
    quiet: Duration,
    until: Instant,
) -> Option<pulsar::consumer::Message<Vec<u8>>> {
    let left = until.saturating_duration_since(Instant::now());
    match tokio::time::timeout(quiet.min(left), reader.next()).await {
        Ok(Some(Ok(message))) => Some(message),
        _ => None,
    }
}

async fn follow(
    bus: &PulsarBus,
    topic: &str,
    admin_url: &str,
    run: &str,
    followed: &[Followed],
    watched: &mut Watched,
    wait: Duration,
) -> Result<ReplayOutcome, BusError> {
    let mut acked: HashSet<usize> = HashSet::new();
    let deadline = Instant::now() + wait;
    let http = reqwest::Client::new();
    while acked.len() < followed.len() && Instant::now() < deadline {
        let quiet = Duration::from_millis(200);
        watched.drain(run, quiet, 4 * quiet).await;
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
    // A copy dead-lettered anew reaches the DLQ just before its ack, and a
    // refusal the bus just after: one more look, longer when some were taken.
    let settle = if acked.is_empty() {
        Duration::from_millis(500)
    } else {
        REFUSAL_SETTLE
    };
    watched.drain(run, settle, settle).await;
    Ok(tally(
        followed,
        &acked,
        &watched.failed_again,
        &watched.refused,
    ))
}

/// What became of each followed copy: failed again, refused, applied (its
/// subscription took it) or still waiting, in that order of precedence.
fn tally(
    followed: &[Followed],
    acked: &HashSet<usize>,
    failed_again: &HashSet<String>,
    refused: &HashSet<String>,
) -> ReplayOutcome {
    let mut outcome = ReplayOutcome {
        replayed: followed.len(),
        ..ReplayOutcome::default()
    };
    for (i, f) in followed.iter().enumerate() {
        if failed_again.contains(&f.id) {
            outcome.failed_again += 1;
        } else if refused.contains(&f.id) {
            outcome.refused += 1;
        } else if acked.contains(&i) {
            outcome.applied += 1;
        } else {
            outcome.waiting += 1;
        }
    }
    outcome
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

    /// given four replayed copies / when one came back to the DLQ, one was
    /// refused, one was taken and one was not / then each is told apart; a
    /// copy both refused and back on the DLQ counts as failed again.
    #[test]
    fn a_replays_copies_are_told_apart_refused_from_applied() {
        let copy = |n: &str, entry: u64| Followed {
            id: n.to_owned(),
            subscription: "companias".into(),
            copy: id(1, entry),
        };
        let followed = [copy("a", 1), copy("b", 2), copy("c", 3), copy("d", 4)];
        let acked: HashSet<usize> = [0, 1, 2].into();
        let failed_again: HashSet<String> = ["a".to_owned()].into();
        let refused: HashSet<String> = ["a".to_owned(), "b".to_owned()].into();
        assert_eq!(
            tally(&followed, &acked, &failed_again, &refused),
            ReplayOutcome {
                replayed: 4,
                applied: 1,
                refused: 1,
                failed_again: 1,
                waiting: 1,
            }
        );
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
