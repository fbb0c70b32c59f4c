use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::OutboxStore;
use crate::seedwork::application::{MessageBus, StoreError};

/// Publishes a database's outbox to the bus, in commit order, and marks rows
/// sent only after the bus took them. A crash between the two re-publishes
/// the rows on restart (at-least-once); consumers dedupe by envelope id.
/// Rows that fail to publish stay pending and are retried with backoff.
pub struct OutboxRelay<S> {
    name: String,
    store: S,
    bus: Arc<dyn MessageBus>,
    wakeup: Arc<Notify>,
    batch_size: i64,
    poll_interval: Duration,
    holder: String,
    lease_ttl: Duration,
    /// Until when this relay surely holds the lease (measured from before the
    /// renewal was asked), so a busy relay renews it every couple of seconds
    /// rather than writing the lease row once per batch.
    lease_until: std::sync::Mutex<Option<Instant>>,
    /// Whether this relay holds the lease, for the commits of its process
    /// (they notify other instances only when it does not).
    lease_flag: Arc<std::sync::atomic::AtomicBool>,
    /// Commits in other processes (Postgres LISTEN) wake the relay here.
    remote_wakeup: Arc<Notify>,
}

/// A running relay; cancel it to stop after the batch in flight.
pub struct RelayHandle {
    pub cancel: CancellationToken,
    pub task: JoinHandle<()>,
}

impl RelayHandle {
    /// Stops the relay after it flushed what is committed.
    pub async fn stop(self) {
        self.cancel.cancel();
        let _ = self.task.await;
    }
}

/// Short, so the relay of a killed instance is replaced within seconds;
/// renewed once a fifth is spent (every second while busy).
const LEASE_TTL: Duration = Duration::from_secs(5);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// After a wake-up from another process a relay keeps polling, every
/// [`TAIL_POLL`], until this long after its last batch: commits there that
/// skipped their notification (one per `NOTIFY_EVERY_MS`) are published
/// without one. (A commit that skipped it and then took longer than this to
/// commit waits for the poll interval: the price of no NOTIFY per commit.)
const BUSY_TAIL: Duration = Duration::from_millis(500);
const TAIL_POLL: Duration = Duration::from_millis(10);
const BACKLOG_EVERY: Duration = Duration::from_secs(1);

impl<S: OutboxStore + 'static> OutboxRelay<S> {
    pub fn new(name: &str, store: S, bus: Arc<dyn MessageBus>, wakeup: Arc<Notify>) -> Self {
        Self {
            name: name.to_owned(),
            store,
            bus,
            wakeup,
            batch_size: 500,
            // A safety net only: commits wake the relay (in memory, and on
            // Postgres through LISTEN), so an idle service stays idle.
            poll_interval: Duration::from_secs(5),
            holder: uuid::Uuid::new_v4().to_string(),
            lease_ttl: LEASE_TTL,
            lease_until: std::sync::Mutex::new(None),
            lease_flag: Arc::default(),
            remote_wakeup: Arc::default(),
        }
    }

    /// What wakes this relay for commits in other processes.
    pub fn with_remote_wakeup(mut self, remote: Arc<Notify>) -> Self {
        self.remote_wakeup = remote;
        self
    }

    /// Where this relay says whether it holds the lease.
    pub fn with_lease_flag(mut self, flag: Arc<std::sync::atomic::AtomicBool>) -> Self {
        self.lease_flag = flag;
        self
    }

    pub fn with_poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// How long the lease holds without renewal; a relay that stops renewing
    /// (crashed) is replaced after this long.
    pub fn with_lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl;
        self
    }

    /// Publishes one batch; returns how many rows were published and marked.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        if !self.hold_lease().await? {
            return Ok(0);
        }
        let rows = self.store.fetch_pending(self.batch_size).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let messages: Vec<_> = rows.iter().map(|r| r.message.clone()).collect();
        let started = Instant::now();
        self.bus
            .publish(&messages)
            .await
            .map_err(|e| StoreError::Backend(format!("publish: {e}")))?;
        metrics::histogram!("propalpes_relay_publish_seconds", "service" => self.name.clone())
            .record(started.elapsed().as_secs_f64());
        metrics::histogram!("propalpes_relay_batch_messages", "service" => self.name.clone())
            .record(messages.len() as f64);
        for message in &messages {
            metrics::counter!("propalpes_messages_published_total", "topic" => message.topic.clone()).increment(1);
        }
        let seqs: Vec<i64> = rows.iter().map(|r| r.seq).collect();
        self.store.mark_sent(&seqs).await?;
        tracing::debug!(relay = %self.name, count = seqs.len(), "outbox rows published");
        Ok(seqs.len())
    }

    /// Renews the lease once a fifth of it is spent, so every batch starts
    /// with at least 80% of the TTL left to finish in (a batch that outlived
    /// the lease could be published again by a second relay, out of order).
    async fn hold_lease(&self) -> Result<bool, StoreError> {
        let now = Instant::now();
        let held = self
            .lease_until
            .lock()
            .map(|until| until.is_some_and(|t| t > now + self.lease_ttl * 4 / 5))
            .unwrap_or(false);
        if held {
            return Ok(true);
        }
        let acquired = self
            .store
            .acquire_lease(&self.holder, self.lease_ttl)
            .await?;
        if let Ok(mut until) = self.lease_until.lock() {
            *until = acquired.then_some(now + self.lease_ttl);
        }
        self.lease_flag
            .store(acquired, std::sync::atomic::Ordering::Relaxed);
        Ok(acquired)
    }

    /// Outbox backlog gauges for this relay's service.
    async fn report_backlog(&self) {
        if let Ok((rows, oldest)) = self.store.backlog().await {
            let age = oldest.map_or(0.0, |t| {
                ((chrono::Utc::now().timestamp_millis() - t).max(0) as f64) / 1000.0
            });
            metrics::gauge!("propalpes_outbox_backlog", "service" => self.name.clone())
                .set(rows as f64);
            metrics::gauge!("propalpes_outbox_oldest_age_seconds", "service" => self.name.clone())
                .set(age);
        }
    }

    pub fn spawn(self) -> RelayHandle {
        let cancel = CancellationToken::new();
        let token = cancel.clone();
        let task = tokio::spawn(async move { self.run(token).await });
        RelayHandle { cancel, task }
    }

    async fn run(self, cancel: CancellationToken) {
        let mut backoff = Duration::from_millis(50);
        let mut tail_until: Option<Instant> = None;
        // The backlog gauges at most once a second: between bursts the
        // relay goes idle after every batch, and counting is a query.
        let mut reported: Option<Instant> = None;
        loop {
            match self.run_once().await {
                Ok(n) if n as i64 == self.batch_size => continue,
                Ok(n) => {
                    backoff = Duration::from_millis(50);
                    let mut in_tail = tail_until.is_some_and(|t| t > Instant::now());
                    if in_tail && n > 0 {
                        // Still busy: the tail runs from the last batch.
                        tail_until = Some(Instant::now() + BUSY_TAIL);
                    }
                    // Only the lease holder publishes; another instance
                    // woken by a notification has nothing to poll for.
                    in_tail &= self.lease_flag.load(std::sync::atomic::Ordering::Relaxed);
                    if !in_tail && reported.is_none_or(|t| t.elapsed() >= BACKLOG_EVERY) {
                        self.report_backlog().await;
                        reported = Some(Instant::now());
                    }
                    let wait = if in_tail {
                        TAIL_POLL
                    } else {
                        self.poll_interval
                    };
                    tokio::select! {
                        _ = cancel.cancelled() => break,
                        _ = self.wakeup.notified() => {}
                        _ = self.remote_wakeup.notified() => {
                            tail_until = Some(Instant::now() + BUSY_TAIL);
                        }
                        _ = tokio::time::sleep(wait) => {}
                    }
                }
                Err(error) => {
                    tracing::warn!(relay = %self.name, %error, ?backoff, "outbox relay failed; rows stay pending");
                    tokio::select! {
                        _ = cancel.cancelled() => break,
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
            if cancel.is_cancelled() {
                break;
            }
        }
        // Flush what is committed before stopping, so a graceful shutdown
        // leaves nothing for the next start.
        let _ = self.run_once().await;
    }
}
