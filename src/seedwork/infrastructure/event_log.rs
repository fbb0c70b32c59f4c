//! The event log `projections rebuild` replays: on Pulsar the event topics
//! (kept forever by the deployment's retention policy), on the embedded bus
//! the sent outbox rows of the event topics (which retention keeps there).
//! Sources are merged by event time, each source read in its own order,
//! so per-key order holds; a log that lost part of its history is refused
//! before anything is replayed.

use std::collections::VecDeque;
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use pulsar::consumer::InitialPosition;
use pulsar::{ConsumerOptions, SubType, TokioExecutor};
use sqlx::Row;

use super::outbox_store::message_from_row;
use super::{Database, InfraError, PulsarBus, to_bus_message};
use crate::seedwork::application::Message;

/// A message of the log and when its event happened (ms since the epoch).
#[derive(Debug, Clone)]
pub struct LoggedMessage {
    pub at_ms: i64,
    pub message: Message,
}

/// One ordered source of the log.
#[async_trait]
pub trait LogSource: Send {
    /// The next message, or None once the source is exhausted.
    async fn next(&mut self) -> Result<Option<LoggedMessage>, InfraError>;
}

/// When an envelope id (UUIDv7) was minted, in ms.
pub fn minted_at_ms(id: &str) -> Option<i64> {
    let (secs, nanos) = uuid::Uuid::parse_str(id).ok()?.get_timestamp()?.to_unix();
    i64::try_from(secs)
        .ok()
        .map(|s| s * 1_000 + i64::from(nanos / 1_000_000))
}

/// The sent outbox rows of some topics, in commit (`seq`) order.
pub struct OutboxLog {
    db: Database,
    topics: Vec<String>,
    after: i64,
    page: VecDeque<LoggedMessage>,
    exhausted: bool,
}

const PAGE: i64 = 1_000;

impl OutboxLog {
    pub fn new(db: Database, topics: &[&str]) -> Self {
        Self {
            db,
            topics: topics.iter().map(|t| (*t).to_owned()).collect(),
            after: 0,
            page: VecDeque::new(),
            exhausted: false,
        }
    }

    /// Refuses a log that retention has pruned: its history is not whole.
    pub async fn ensure_whole(&self) -> Result<(), InfraError> {
        for topic in &self.topics {
            let pruned: Option<i64> =
                sqlx::query("SELECT rows_pruned FROM outbox_pruned WHERE topic = $1")
                    .bind(topic)
                    .fetch_optional(self.db.pool())
                    .await?
                    .map(|row| row.try_get(0))
                    .transpose()?;
            if let Some(rows) = pruned {
                return Err(InfraError::Config(format!(
                    "the event log is truncated: {rows} sent messages of `{topic}` were deleted by retention \
                     (OUTBOX_RETENTION off the embedded bus), so a rebuild would hold part of history; nothing was replayed"
                )));
            }
        }
        Ok(())
    }

    async fn fill(&mut self) -> Result<(), InfraError> {
        let list: Vec<String> = (3..self.topics.len() + 3)
            .map(|n| format!("${n}"))
            .collect();
        // Safe: the text holds only generated placeholders.
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT seq, id, topic, message_key, message_type, schema_version, properties, payload, created_at \
             FROM outbox WHERE seq > $1 AND sent_at IS NOT NULL AND topic IN ({}) ORDER BY seq LIMIT $2",
            list.join(", ")
        ));
        let mut query = sqlx::query(sql).bind(self.after).bind(PAGE);
        for topic in &self.topics {
            query = query.bind(topic.clone());
        }
        let rows = query.fetch_all(self.db.pool()).await?;
        self.exhausted = (rows.len() as i64) < PAGE;
        for row in &rows {
            self.after = row.try_get("seq")?;
            let message =
                message_from_row(row).map_err(|e| InfraError::Bus(format!("outbox row: {e}")))?;
            let created: i64 = row.try_get("created_at")?;
            let at_ms = minted_at_ms(&message.id).unwrap_or(created);
            self.page.push_back(LoggedMessage { at_ms, message });
        }
        Ok(())
    }
}

#[async_trait]
impl LogSource for OutboxLog {
    async fn next(&mut self) -> Result<Option<LoggedMessage>, InfraError> {
        if self.page.is_empty() && !self.exhausted {
            self.fill().await?;
        }
        Ok(self.page.pop_front())
    }
}

/// One Pulsar topic from its earliest retained message (a non-durable
/// reader); exhausted once the topic stays quiet for `idle`.
pub struct TopicLog {
    topic: String,
    reader: pulsar::Consumer<Vec<u8>, TokioExecutor>,
    idle: Duration,
}

impl TopicLog {
    pub async fn open(bus: &PulsarBus, topic: &str, idle: Duration) -> Result<Self, InfraError> {
        let reader = bus
            .client()
            .consumer()
            .with_topic(bus.config().topic(topic))
            .with_subscription(format!("rebuild-{}", uuid::Uuid::new_v4().simple()))
            .with_subscription_type(SubType::Exclusive)
            .with_options(ConsumerOptions {
                durable: Some(false),
                initial_position: InitialPosition::Earliest,
                ..Default::default()
            })
            .build()
            .await
            .map_err(|e| InfraError::Bus(format!("reader of {topic}: {e}")))?;
        Ok(Self {
            topic: topic.to_owned(),
            reader,
            idle,
        })
    }
}

#[async_trait]
impl LogSource for TopicLog {
    async fn next(&mut self) -> Result<Option<LoggedMessage>, InfraError> {
        match tokio::time::timeout(self.idle, self.reader.next()).await {
            Ok(Some(Ok(message))) => {
                let published = i64::try_from(message.metadata().publish_time).unwrap_or(0);
                let message = to_bus_message(&self.topic, &message, 0);
                let at_ms = minted_at_ms(&message.id).unwrap_or(published);
                Ok(Some(LoggedMessage { at_ms, message }))
            }
            Ok(Some(Err(error))) => {
                Err(InfraError::Bus(format!("reading {}: {error}", self.topic)))
            }
            Ok(None) | Err(_) => {
                let _ = self.reader.close().await;
                Ok(None)
            }
        }
    }
}

/// Refuses a Pulsar event log whose topics may have lost history: each
/// must have infinite retention (time and size -1) as applied by the
/// broker (topic, else namespace, else broker policy).
pub async fn ensure_kept_forever(
    bus: &PulsarBus,
    admin_url: &str,
    topics: &[&str],
) -> Result<(), InfraError> {
    let http = reqwest::Client::new();
    for topic in topics {
        let path = bus
            .config()
            .topic(topic)
            .replacen("persistent://", "persistent/", 1);
        let url = format!("{admin_url}/admin/v2/{path}/retention?applied=true");
        let response = http
            .get(&url)
            .send()
            .await
            .map_err(|e| InfraError::Bus(format!("admin API {url}: {e}")))?;
        if !response.status().is_success() {
            return Err(InfraError::Bus(format!(
                "admin API {url}: {} (set PULSAR_ADMIN_URL)",
                response.status()
            )));
        }
        let policy: serde_json::Value = response
            .json()
            .await
            .map_err(|e| InfraError::Bus(format!("admin API {url}: {e}")))?;
        let minutes = policy["retentionTimeInMinutes"].as_i64().unwrap_or(0);
        let megabytes = policy["retentionSizeInMB"].as_i64().unwrap_or(0);
        if minutes != -1 || megabytes != -1 {
            return Err(InfraError::Config(format!(
                "the event log may be truncated: `{topic}` keeps acknowledged messages for {minutes} min / {megabytes} MB, \
                 so its oldest events may be gone; set infinite retention on the event topics \
                 (`pulsar-admin topics set-retention {} -s -1 -t -1`, README \"Retention\"); nothing was replayed",
                bus.config().topic(topic)
            )));
        }
    }
    Ok(())
}

/// Sources merged by event time: the next message is the earliest of the
/// sources' heads, so each source keeps its own order (and a key its order).
pub struct MergedLog {
    sources: Vec<Box<dyn LogSource>>,
    heads: Vec<Option<LoggedMessage>>,
}

impl MergedLog {
    pub async fn new(mut sources: Vec<Box<dyn LogSource>>) -> Result<Self, InfraError> {
        let mut heads = Vec::with_capacity(sources.len());
        for source in &mut sources {
            heads.push(source.next().await?);
        }
        Ok(Self { sources, heads })
    }

    pub async fn next(&mut self) -> Result<Option<LoggedMessage>, InfraError> {
        let earliest = self
            .heads
            .iter()
            .enumerate()
            .filter_map(|(i, head)| head.as_ref().map(|h| (h.at_ms, i)))
            .min();
        let Some((_, i)) = earliest else {
            return Ok(None);
        };
        let refill = self.sources[i].next().await?;
        Ok(std::mem::replace(&mut self.heads[i], refill))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    struct Fixed(VecDeque<LoggedMessage>);

    #[async_trait]
    impl LogSource for Fixed {
        async fn next(&mut self) -> Result<Option<LoggedMessage>, InfraError> {
            Ok(self.0.pop_front())
        }
    }

    fn at(topic: &str, key: &str, at_ms: i64) -> LoggedMessage {
        LoggedMessage {
            at_ms,
            message: Message {
                id: format!("{topic}-{key}-{at_ms}"),
                topic: topic.into(),
                key: key.into(),
                message_type: "T".into(),
                schema_version: 1,
                properties: BTreeMap::new(),
                payload: Vec::new(),
                redelivery_count: 0,
            },
        }
    }

    #[tokio::test]
    async fn sources_merge_by_event_time_and_each_keeps_its_order() {
        // Source b holds a clock skew (20 after 30): merged, its order wins.
        let a = Fixed([at("a", "1", 10), at("a", "1", 25), at("a", "2", 40)].into());
        let b = Fixed([at("b", "x", 5), at("b", "x", 30), at("b", "x", 20)].into());
        let mut log = MergedLog::new(vec![Box::new(a), Box::new(b)])
            .await
            .unwrap();
        let mut order = Vec::new();
        while let Some(next) = log.next().await.unwrap() {
            order.push(next.message.id);
        }
        assert_eq!(
            order,
            ["b-x-5", "a-1-10", "a-1-25", "b-x-30", "b-x-20", "a-2-40"]
        );
    }

    #[test]
    fn a_v7_id_tells_when_it_was_minted() {
        let id = uuid::Uuid::now_v7().to_string();
        let now = chrono::Utc::now().timestamp_millis();
        assert!((now - minted_at_ms(&id).unwrap()).abs() < 1_000);
        assert_eq!(minted_at_ms(&uuid::Uuid::new_v4().to_string()), None);
    }
}
