//! Retention: the rows that grow with traffic (sent outbox rows, inbox
//! rows, delivery failures, replayed dead letters) are deleted once their
//! window has passed, in small batches so the live path never waits long
//! for a lock; on SQLite the freed pages go back to the file system.
//! Rows and bytes per table and rows pruned are exported as metrics.

use std::collections::BTreeMap;
use std::time::Duration;

use sqlx::Row;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::sql_unit_of_work::now_millis;
use super::{Backend, Database, store_error};
use crate::seedwork::application::StoreError;

/// How long each kind of row is kept.
#[derive(Debug, Clone)]
pub struct RetentionPolicy {
    /// Sent outbox rows, once sent for this long.
    pub outbox: Duration,
    /// Inbox rows: the dedupe window.
    pub inbox: Duration,
    /// Replayed dead letters, and the failure counts of messages that were
    /// dead-lettered rather than applied.
    pub dead_letters: Duration,
    /// Topics whose sent outbox rows are this database's event log and are
    /// never pruned (the embedded default: `projections rebuild` reads them).
    pub kept_topics: Vec<String>,
}

/// The tables retention owns, for the metrics.
pub const TABLES: [&str; 4] = ["outbox", "inbox", "delivery_failures", "dead_letters"];

/// Rows one pass deleted, per table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pruned(pub BTreeMap<&'static str, u64>);

impl Pruned {
    fn add(&mut self, table: &'static str, rows: u64) {
        *self.0.entry(table).or_default() += rows;
    }

    pub fn of(&self, table: &str) -> u64 {
        self.0.get(table).copied().unwrap_or(0)
    }
}

/// Deletes one database's expired rows.
pub struct Pruner {
    service: String,
    db: Database,
    policy: RetentionPolicy,
    /// Rows per DELETE: small, so a batch holds its locks for milliseconds.
    batch: i64,
    /// Outbox rows up to here are kept-topic rows: the next pass starts
    /// after them instead of walking the whole event log again.
    kept_through: std::sync::atomic::AtomicI64,
    /// Shutting down: a pass stops between two batches.
    cancel: CancellationToken,
}

/// How often the table sizes are counted at most.
const SIZES_EVERY: Duration = Duration::from_secs(600);

/// Pause between two batches, so the live path gets the writer in between.
const BETWEEN_BATCHES: Duration = Duration::from_millis(5);

impl Pruner {
    pub fn new(service: &str, db: Database, policy: RetentionPolicy) -> Self {
        Self {
            service: service.to_owned(),
            db,
            policy,
            batch: 1_000,
            kept_through: std::sync::atomic::AtomicI64::new(0),
            cancel: CancellationToken::new(),
        }
    }

    /// One pass over every table; returns the rows deleted.
    pub async fn prune_once(&self) -> Result<Pruned, StoreError> {
        let now = now_millis();
        let mut pruned = Pruned::default();
        pruned.add(
            "outbox",
            self.prune_outbox(now - millis(self.policy.outbox)).await?,
        );
        // Past the window by a tenth (at least a minute): a message that
        // passed the stale check just inside the window still finds its
        // inbox row when it claims it, whatever the clocks' skew.
        let margin = (self.policy.inbox / 10).max(Duration::from_secs(60));
        let inbox_cutoff = now - millis(self.policy.inbox + margin);
        pruned.add("inbox", self.prune_inbox(inbox_cutoff).await?);
        let letters_cutoff = now - millis(self.policy.dead_letters);
        pruned.add(
            "delivery_failures",
            self.prune_delivery_failures(letters_cutoff).await?,
        );
        pruned.add(
            "dead_letters",
            self.prune_dead_letters(letters_cutoff).await?,
        );
        for (table, rows) in &pruned.0 {
            metrics::counter!("propalpes_rows_pruned_total", "service" => self.service.clone(),
                "table" => *table)
            .increment(*rows);
        }
        if self.db.backend() == Backend::Sqlite && pruned.0.values().any(|n| *n > 0) {
            self.reclaim_sqlite_pages().await?;
        }
        Ok(pruned)
    }

    /// Sent rows older than the cutoff, in `seq` order, skipping (and
    /// remembering) the kept topics' rows; stops at the first row still
    /// pending or too young. Deleted rows are counted per topic in
    /// `outbox_pruned`, so a rebuild can tell a truncated log.
    async fn prune_outbox(&self, cutoff: i64) -> Result<u64, StoreError> {
        use std::sync::atomic::Ordering;
        let mut total = 0;
        loop {
            let from = self.kept_through.load(Ordering::Relaxed);
            let rows = sqlx::query(
                "SELECT seq, topic, sent_at FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(from)
            .bind(self.batch)
            .fetch_all(self.db.pool())
            .await
            .map_err(store_error)?;
            let mut expired: Vec<(i64, String)> = Vec::new();
            let mut reached_live_rows = rows.len() < self.batch as usize;
            let mut examined = from;
            for row in &rows {
                let seq: i64 = row.try_get("seq").map_err(store_error)?;
                let topic: String = row.try_get("topic").map_err(store_error)?;
                let sent_at: Option<i64> = row.try_get("sent_at").map_err(store_error)?;
                if sent_at.is_none_or(|t| t > cutoff) {
                    reached_live_rows = true;
                    break;
                }
                examined = seq;
                if !self.policy.kept_topics.contains(&topic) {
                    expired.push((seq, topic));
                }
            }
            total += self.delete_outbox_rows(&expired).await?;
            // Only a kept log is worth skipping; without one the scan stops
            // at the first live row anyway. (On Postgres a row committed
            // late below the mark is left to the next process start.)
            if !self.policy.kept_topics.is_empty() {
                self.kept_through.store(examined, Ordering::Relaxed);
            }
            if reached_live_rows || self.cancel.is_cancelled() {
                return Ok(total);
            }
            tokio::time::sleep(BETWEEN_BATCHES).await;
        }
    }

    async fn delete_outbox_rows(&self, rows: &[(i64, String)]) -> Result<u64, StoreError> {
        if rows.is_empty() {
            return Ok(0);
        }
        let mut per_topic: BTreeMap<&str, i64> = BTreeMap::new();
        for (_, topic) in rows {
            *per_topic.entry(topic).or_default() += 1;
        }
        let seqs: Vec<i64> = rows.iter().map(|(seq, _)| *seq).collect();
        let mut tx = self.db.begin().await.map_err(store_error)?;
        let deleted = in_list("DELETE FROM outbox WHERE seq IN", &seqs, &mut tx).await?;
        let now = now_millis();
        for (topic, n) in per_topic {
            sqlx::query(
                "INSERT INTO outbox_pruned (topic, rows_pruned, last_pruned_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (topic) DO UPDATE SET rows_pruned = outbox_pruned.rows_pruned + $2, \
                 last_pruned_at = $3",
            )
            .bind(topic)
            .bind(n)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(deleted)
    }

    async fn prune_inbox(&self, cutoff: i64) -> Result<u64, StoreError> {
        self.delete_in_batches(
            "DELETE FROM inbox WHERE (consumer, message_id) IN \
             (SELECT consumer, message_id FROM inbox WHERE processed_at < $1 LIMIT $2)",
            cutoff,
        )
        .await
    }

    /// A failure count matters only while its message is being retried:
    /// once the message is applied (it is in the inbox) at once, once it was
    /// dead-lettered after the dead letters' window.
    async fn prune_delivery_failures(&self, cutoff: i64) -> Result<u64, StoreError> {
        let applied = self
            .delete_in_batches(
                "DELETE FROM delivery_failures WHERE (consumer, delivery_key) IN \
                 (SELECT f.consumer, f.delivery_key FROM delivery_failures f \
                  JOIN inbox i ON i.consumer = f.consumer AND i.message_id = f.delivery_key \
                  WHERE f.updated_at >= $1 LIMIT $2)",
                0,
            )
            .await?;
        let old = self
            .delete_in_batches(
                "DELETE FROM delivery_failures WHERE (consumer, delivery_key) IN \
                 (SELECT consumer, delivery_key FROM delivery_failures WHERE updated_at < $1 LIMIT $2)",
                cutoff,
            )
            .await?;
        Ok(applied + old)
    }

    async fn prune_dead_letters(&self, cutoff: i64) -> Result<u64, StoreError> {
        self.delete_in_batches(
            "DELETE FROM dead_letters WHERE seq IN (SELECT seq FROM dead_letters \
             WHERE replayed_at IS NOT NULL AND replayed_at < $1 LIMIT $2)",
            cutoff,
        )
        .await
    }

    /// Runs `sql` (binding the cutoff and the batch size) until a batch
    /// deletes fewer rows than the batch size.
    async fn delete_in_batches(&self, sql: &'static str, cutoff: i64) -> Result<u64, StoreError> {
        let mut total = 0;
        loop {
            let deleted = sqlx::query(sql)
                .bind(cutoff)
                .bind(self.batch)
                .execute(self.db.writer())
                .await
                .map_err(store_error)?
                .rows_affected();
            total += deleted;
            if deleted < self.batch as u64 || self.cancel.is_cancelled() {
                return Ok(total);
            }
            tokio::time::sleep(BETWEEN_BATCHES).await;
        }
    }

    /// Gives freed pages back to the file system a few at a time (the
    /// database is in incremental auto-vacuum mode), so the file stops
    /// growing once retention holds.
    async fn reclaim_sqlite_pages(&self) -> Result<(), StoreError> {
        let free_pages = || async {
            sqlx::query("PRAGMA freelist_count")
                .fetch_one(self.db.writer())
                .await
                .map_err(store_error)?
                .try_get::<i64, _>(0)
                .map_err(store_error)
        };
        let mut free = free_pages().await?;
        while free > 0 && !self.cancel.is_cancelled() {
            sqlx::query("PRAGMA incremental_vacuum(512)")
                .execute(self.db.writer())
                .await
                .map_err(store_error)?;
            let left = free_pages().await?;
            // Not in incremental mode (or nothing to move): stop.
            if left >= free {
                return Ok(());
            }
            free = left;
            tokio::time::sleep(BETWEEN_BATCHES).await;
        }
        Ok(())
    }

    /// Rows and bytes of each retained table, as gauges.
    pub async fn report_sizes(&self) -> Result<Vec<TableSize>, StoreError> {
        let sizes = table_sizes(self.db.pool(), self.db.backend()).await?;
        for size in &sizes {
            metrics::gauge!("propalpes_table_rows", "service" => self.service.clone(),
                "table" => size.table)
            .set(size.rows as f64);
            metrics::gauge!("propalpes_table_bytes", "service" => self.service.clone(),
                "table" => size.table)
            .set(size.bytes as f64);
        }
        Ok(sizes)
    }

    /// Prunes every `every` until cancelled. Sizes are counted every ten
    /// minutes while that is cheap, and less often as the tables grow
    /// (a count reads every row: ≤ 2 % of the time).
    pub fn spawn(mut self, every: Duration, cancel: CancellationToken) -> JoinHandle<()> {
        self.cancel = cancel.clone();
        tokio::spawn(async move {
            let mut sizes_due = tokio::time::Instant::now();
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep(every) => {}
                }
                if let Err(error) = self.prune_once().await {
                    tracing::warn!(service = %self.service, %error, "retention pass failed; will try again");
                }
                if tokio::time::Instant::now() >= sizes_due {
                    let started = tokio::time::Instant::now();
                    if let Err(error) = self.report_sizes().await {
                        tracing::debug!(service = %self.service, %error, "table sizes unavailable");
                    }
                    sizes_due = started + (started.elapsed() * 50).max(SIZES_EVERY);
                }
            }
        })
    }
}

/// One retained table's rows and bytes (table, indexes and TOAST on
/// Postgres; its pages on SQLite).
#[derive(Debug, Clone)]
pub struct TableSize {
    pub table: &'static str,
    pub rows: i64,
    pub bytes: i64,
}

/// Rows (exact) and bytes of the retained tables of the database `pool`
/// reaches (any connection to it: the services' or a bench's).
pub async fn table_sizes(
    pool: &sqlx::AnyPool,
    backend: Backend,
) -> Result<Vec<TableSize>, StoreError> {
    let mut sizes = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let count = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
        let rows: i64 = sqlx::query(count)
            .fetch_one(pool)
            .await
            .map_err(store_error)?
            .try_get(0)
            .map_err(store_error)?;
        let bytes_sql = match backend {
            Backend::Postgres => "SELECT pg_total_relation_size($1::regclass)::BIGINT",
            // Every b-tree of the table: the table itself and its indexes.
            Backend::Sqlite => {
                "SELECT COALESCE(SUM(d.pgsize), 0) FROM dbstat d \
                 WHERE d.name = $1 OR d.name IN (SELECT name FROM sqlite_master \
                 WHERE type = 'index' AND tbl_name = $1)"
            }
        };
        let bytes: i64 = sqlx::query(bytes_sql)
            .bind(table)
            .fetch_one(pool)
            .await
            .map_err(store_error)?
            .try_get(0)
            .map_err(store_error)?;
        sizes.push(TableSize { table, rows, bytes });
    }
    Ok(sizes)
}

/// `{prefix} ($1, $2, …)` with `values` bound, in the transaction.
async fn in_list(
    prefix: &str,
    values: &[i64],
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
) -> Result<u64, StoreError> {
    // `$n` by hand: the Any driver's QueryBuilder writes `?`, which Postgres
    // rejects. Safe: the text holds only generated placeholders.
    let list: Vec<String> = (1..=values.len()).map(|n| format!("${n}")).collect();
    let sql = sqlx::AssertSqlSafe(format!("{prefix} ({})", list.join(", ")));
    let mut query = sqlx::query(sql);
    for value in values {
        query = query.bind(*value);
    }
    Ok(query
        .execute(&mut **tx)
        .await
        .map_err(store_error)?
        .rows_affected())
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}
