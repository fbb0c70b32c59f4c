//! How a subscription applies what it receives, the same on both buses.
//!
//! Messages are split into lanes by key, so different aggregates are
//! handled concurrently while one aggregate's messages keep their order.
//! A lane hands its handler runs of up to `max_batch` messages, which a
//! transactional handler applies in one transaction. Then, per failure:
//! - `Poison`: dead-lettered at once with its reason;
//! - `Unavailable` (or any failure while the handler's database does not
//!   answer): the subscription pauses (the puller stops pulling), probes
//!   the dependency with capped backoff and retries when it answers; an
//!   outage of any length spends nothing;
//! - `Retryable` while healthy: counted (durably, by the handler), retried
//!   in place after a backoff, dead-lettered once the budget is spent.
//!
//! Retrying in place keeps the message ahead of the later messages of its
//! key, so per-key order survives failures too.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use futures::FutureExt;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::seedwork::application::{
    BatchOutcome, BusError, HandleError, Message, MessageHandler, REPLAY_PROPERTY,
};

/// How often a failing message is redelivered before it is dead-lettered.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_redeliveries: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_redeliveries: 5,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.min(16));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// How a subscription consumes: how many lanes run at once and how many
/// messages a lane applies per transaction.
#[derive(Debug, Clone, Copy)]
pub struct ConsumerSettings {
    pub lanes: usize,
    pub max_batch: usize,
    /// The inbox's dedupe window (`INBOX_RETENTION`): a message minted
    /// longer ago than this may have been applied and forgotten, so it is
    /// dead-lettered as stale instead of applied (a replay of it is not).
    pub dedupe_window: Option<Duration>,
}

impl Default for ConsumerSettings {
    fn default() -> Self {
        Self {
            lanes: 4,
            max_batch: 256,
            dedupe_window: None,
        }
    }
}

/// How long ago a UUIDv7 was minted; None for an id of another kind.
pub(crate) fn seconds_since_minted(id: &str) -> Option<f64> {
    let (secs, nanos) = uuid::Uuid::parse_str(id).ok()?.get_timestamp()?.to_unix();
    let minted = secs as f64 + f64::from(nanos) / 1e9;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    Some((now - minted).max(0.0))
}

/// Why `message` must not be applied: minted (UUIDv7 envelope id) longer
/// ago than the dedupe window, so its inbox row may already be pruned.
/// Replayed dead letters pass (they were never applied), and so do dead
/// letters themselves (a copy keeps the original id; its subscribers record
/// a failure, not an effect), and ids that carry no time.
pub(crate) fn stale(message: &Message, window: Option<Duration>) -> Option<String> {
    let window = window?;
    if message.properties.contains_key(REPLAY_PROPERTY)
        || message.properties.contains_key(ORIGINAL_TOPIC_PROPERTY)
    {
        return None;
    }
    let age = seconds_since_minted(&message.id)?;
    (age > window.as_secs_f64()).then(|| {
        format!(
            "stale: minted {age:.0} s ago, longer than the dedupe window (INBOX_RETENTION, {} s); \
             it may have been applied already, so it is not applied again (replay it once checked)",
            window.as_secs()
        )
    })
}

/// Set on a dead letter: the topic it was dead-lettered from.
pub(crate) const ORIGINAL_TOPIC_PROPERTY: &str = "original_topic";

/// The lane of a key: the same key always lands in the same lane.
pub(crate) fn lane_of(key: &str, lanes: usize) -> usize {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    (hasher.finish() % lanes.max(1) as u64) as usize
}

/// Splits messages into per-lane runs, each in its original order.
pub(crate) fn by_lane(messages: &[Message], lanes: usize) -> Vec<Vec<Message>> {
    let mut runs: Vec<Vec<Message>> = vec![Vec::new(); lanes.max(1)];
    for message in messages {
        let key = if message.key.is_empty() {
            &message.id
        } else {
            &message.key
        };
        runs[lane_of(key, lanes)].push(message.clone());
    }
    runs.retain(|run| !run.is_empty());
    runs
}

/// Where a subscription's dead letters go: the embedded bus's table, or
/// `<topic>-DLQ` on Pulsar.
#[async_trait]
pub(crate) trait DeadLetterSink: Send + Sync {
    async fn dead_letter(
        &self,
        subscription: &str,
        message: &Message,
        reason: &str,
        attempts: u32,
    ) -> Result<(), BusError>;
}

#[derive(Default)]
struct PauseState {
    waiting: usize,
    since: Option<Instant>,
}

/// Whether a subscription is waiting out an outage. Every lane that waits
/// holds it; the puller (the Pulsar consumer, the embedded relay) does not
/// pull while it is held. Exposed as `propalpes_consumer_paused`.
#[derive(Clone)]
pub(crate) struct Pause {
    topic: String,
    subscription: String,
    state: Arc<Mutex<PauseState>>,
    paused: Arc<watch::Sender<bool>>,
}

impl Pause {
    pub fn new(topic: &str, subscription: &str) -> Self {
        let pause = Self {
            topic: topic.to_owned(),
            subscription: subscription.to_owned(),
            state: Arc::default(),
            paused: Arc::new(watch::channel(false).0),
        };
        pause.gauge(0.0);
        pause
    }

    fn gauge(&self, value: f64) {
        metrics::gauge!("propalpes_consumer_paused", "topic" => self.topic.clone(),
            "subscription" => self.subscription.clone())
        .set(value);
    }

    pub fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }

    /// Resolves once nobody waits out an outage any more.
    pub async fn resumed(&self) {
        let mut rx = self.paused.subscribe();
        let _ = rx.wait_for(|paused| !paused).await;
    }

    fn enter(&self, reason: &str) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        state.waiting += 1;
        if state.waiting == 1 {
            state.since = Some(Instant::now());
            tracing::warn!(topic = %self.topic, subscription = %self.subscription, %reason,
                "a dependency is unavailable; pausing the subscription until it answers");
            self.gauge(1.0);
            self.paused.send_replace(true);
        }
    }

    /// A probe failed again: the gauge says paused (at least every probe,
    /// so a gauge another subscription of the same name reset — two
    /// deployments in one process, as the tests run — is put right).
    fn still_waiting(&self) {
        self.gauge(1.0);
    }

    fn leave(&self) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        state.waiting = state.waiting.saturating_sub(1);
        if state.waiting == 0 {
            let outage = state
                .since
                .take()
                .map_or(0.0, |t| t.elapsed().as_secs_f64());
            tracing::info!(topic = %self.topic, subscription = %self.subscription,
                outage_seconds = outage, "dependency back; resuming the subscription");
            metrics::histogram!("propalpes_consumer_outage_seconds", "topic" => self.topic.clone(),
                "subscription" => self.subscription.clone())
            .record(outage);
            self.gauge(0.0);
            self.paused.send_replace(false);
        }
    }
}

/// What follows a failure.
enum Next {
    /// Try the same message again.
    Retry,
    /// It is in the dead-letter sink: move past it.
    DeadLettered,
    /// Shutting down: stop here, unacknowledged.
    Cancelled,
}

/// One subscription of a handler to a topic, with its retry policy.
pub(crate) struct Subscription {
    pub topic: String,
    pub name: String,
    pub handler: Arc<dyn MessageHandler>,
    pub policy: RetryPolicy,
    pub settings: ConsumerSettings,
    pub pause: Pause,
    pub sink: Arc<dyn DeadLetterSink>,
}

/// The longest wait between two probes of a dependency that is down.
const MAX_PROBE_BACKOFF: Duration = Duration::from_secs(5);

impl Subscription {
    pub fn new(
        topic: &str,
        name: &str,
        handler: Arc<dyn MessageHandler>,
        policy: RetryPolicy,
        settings: ConsumerSettings,
        sink: Arc<dyn DeadLetterSink>,
    ) -> Self {
        Self {
            topic: topic.to_owned(),
            name: name.to_owned(),
            handler,
            policy,
            settings,
            pause: Pause::new(topic, name),
            sink,
        }
    }

    /// Applies one lane's messages in order, each applied or dead-lettered,
    /// waiting out outages. Returns how many (from the front) are done:
    /// all of them, unless `cancel` stopped it first.
    pub async fn deliver(&self, messages: &[Message], cancel: &CancellationToken) -> usize {
        let mut done = 0;
        // Failures of the message at `done` seen by this lane.
        let mut tries = 0u32;
        while done < messages.len() && !cancel.is_cancelled() {
            let window = self.settings.dedupe_window;
            if let Some(reason) = stale(&messages[done], window) {
                match self.dead_letter(&messages[done], &reason, 1, cancel).await {
                    Next::DeadLettered => done += 1,
                    _ => break,
                }
                continue;
            }
            let end = (done + self.settings.max_batch.max(1)).min(messages.len());
            // A run stops before a stale message, which goes alone.
            let end = (done + 1..end)
                .find(|&i| stale(&messages[i], window).is_some())
                .unwrap_or(end);
            let outcome = self.attempt(&messages[done..end]).await;
            if outcome.applied > 0 {
                tries = 0;
                done += outcome.applied;
                for _ in 0..outcome.applied {
                    super::consumed(&self.topic, &self.name, "ok");
                }
            }
            let Some(failure) = outcome.failure else {
                continue;
            };
            match self
                .after_failure(&messages[done], failure, &mut tries, cancel)
                .await
            {
                Next::Retry => {}
                Next::DeadLettered => {
                    done += 1;
                    tries = 0;
                }
                Next::Cancelled => break,
            }
        }
        done
    }

    /// One run through the handler; a panic is a failure of the message
    /// that caused it (found by going one message at a time).
    async fn attempt(&self, run: &[Message]) -> BatchOutcome {
        let span = batch_span(run, &self.name);
        let handled = tracing::Instrument::instrument(self.handler.handle_batch(run), span);
        let started = Instant::now();
        let outcome = std::panic::AssertUnwindSafe(handled).catch_unwind().await;
        metrics::histogram!("propalpes_consumer_batch_seconds", "topic" => self.topic.clone(),
            "subscription" => self.name.clone())
        .record(started.elapsed().as_secs_f64());
        metrics::histogram!("propalpes_consumer_batch_messages", "topic" => self.topic.clone(),
            "subscription" => self.name.clone())
        .record(run.len() as f64);
        match outcome {
            Ok(outcome) => outcome,
            Err(panic) if run.len() == 1 => BatchOutcome {
                applied: 0,
                failure: Some(panicked(panic)),
            },
            Err(_) => {
                for (applied, message) in run.iter().enumerate() {
                    let span = super::consume_span(message, &self.name);
                    if let Err(failure) =
                        super::handle_guarded(self.handler.as_ref(), message, span).await
                    {
                        return BatchOutcome {
                            applied,
                            failure: Some(failure),
                        };
                    }
                }
                BatchOutcome::all(run.len())
            }
        }
    }

    async fn after_failure(
        &self,
        message: &Message,
        failure: HandleError,
        tries: &mut u32,
        cancel: &CancellationToken,
    ) -> Next {
        match failure {
            HandleError::Poison(reason) => {
                self.dead_letter(message, &reason, *tries + 1, cancel).await
            }
            HandleError::Unavailable(reason) => self.wait_out(&reason, cancel).await,
            HandleError::Retryable(reason) => {
                // Failing while the database is down is the outage's doing.
                if !self.handler.ready().await {
                    return self.wait_out(&reason, cancel).await;
                }
                *tries += 1;
                let attempts = self
                    .handler
                    .record_failure(message, &reason)
                    .await
                    .unwrap_or(message.redelivery_count + *tries);
                if attempts > self.policy.max_redeliveries {
                    return self.dead_letter(message, &reason, attempts, cancel).await;
                }
                super::consumed(&self.topic, &self.name, "retry");
                let delay = self.policy.backoff(attempts - 1);
                tracing::warn!(topic = %self.topic, subscription = %self.name, id = %message.id,
                    attempts, %reason, ?delay, "handler failed; retrying after a backoff");
                tokio::select! {
                    _ = cancel.cancelled() => Next::Cancelled,
                    _ = tokio::time::sleep(delay) => Next::Retry,
                }
            }
        }
    }

    /// Pauses the subscription and probes the handler's dependency with
    /// capped backoff until it answers.
    async fn wait_out(&self, reason: &str, cancel: &CancellationToken) -> Next {
        self.pause.enter(reason);
        let mut backoff = self.policy.initial_backoff.max(Duration::from_millis(10));
        let next = loop {
            tokio::select! {
                _ = cancel.cancelled() => break Next::Cancelled,
                _ = tokio::time::sleep(backoff) => {}
            }
            if self.handler.ready().await {
                break Next::Retry;
            }
            self.pause.still_waiting();
            backoff = (backoff * 2).min(MAX_PROBE_BACKOFF);
        };
        self.pause.leave();
        next
    }

    /// Hands the message to the dead-letter sink, retrying while the sink
    /// itself is unavailable (a dead letter is never dropped).
    async fn dead_letter(
        &self,
        message: &Message,
        reason: &str,
        attempts: u32,
        cancel: &CancellationToken,
    ) -> Next {
        tracing::error!(topic = %self.topic, subscription = %self.name, id = %message.id,
            attempts, %reason, "message dead-lettered");
        let mut backoff = Duration::from_millis(100);
        loop {
            match self
                .sink
                .dead_letter(&self.name, message, reason, attempts)
                .await
            {
                Ok(()) => {
                    super::consumed(&self.topic, &self.name, "dead_letter");
                    return Next::DeadLettered;
                }
                Err(error) => {
                    tracing::warn!(topic = %self.topic, %error, "cannot store the dead letter; retrying");
                    tokio::select! {
                        _ = cancel.cancelled() => return Next::Cancelled,
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_PROBE_BACKOFF);
                }
            }
        }
    }
}

fn panicked(panic: Box<dyn std::any::Any + Send>) -> HandleError {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_owned());
    HandleError::Retryable(format!("handler panicked: {what}"))
}

/// The span a run is handled in: a single message's ids (correlation,
/// `traceparent`), or the size and first message of a batch.
fn batch_span(run: &[Message], subscription: &str) -> tracing::Span {
    match run {
        [one] => super::consume_span(one, subscription),
        _ => {
            let first = &run[0];
            tracing::info_span!(
                "consume",
                topic = %first.topic,
                subscription = %subscription,
                batch = run.len(),
                message_id = %first.id,
                message_type = %first.message_type,
            )
        }
    }
}
