use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row;

use super::sql_unit_of_work::now_millis;
use super::{Backend, Database, store_error};
use crate::seedwork::application::{Message, StoreError};

/// A message stored in a row with the outbox's columns (id, topic,
/// message_key, message_type, schema_version, properties, payload).
pub(crate) fn message_from_row(row: &sqlx::any::AnyRow) -> Result<Message, StoreError> {
    let properties: String = row.try_get("properties").map_err(store_error)?;
    let properties: BTreeMap<String, String> = serde_json::from_str(&properties)
        .map_err(|e| StoreError::Backend(format!("stored message properties: {e}")))?;
    let schema_version: i64 = row.try_get("schema_version").map_err(store_error)?;
    Ok(Message {
        id: row.try_get("id").map_err(store_error)?,
        topic: row.try_get("topic").map_err(store_error)?,
        key: row.try_get("message_key").map_err(store_error)?,
        message_type: row.try_get("message_type").map_err(store_error)?,
        schema_version: u32::try_from(schema_version).unwrap_or(1),
        properties,
        payload: row.try_get("payload").map_err(store_error)?,
        redelivery_count: 0,
    })
}

/// A pending outbox row: its position and the message to publish.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub seq: i64,
    pub message: Message,
}

/// The relay's view of the outbox. A port so tests can fail `mark_sent` and
/// prove that a crash between publish and mark re-delivers instead of losing.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Takes or renews the relay lease; `false` while another relay holds it.
    async fn acquire_lease(&self, holder: &str, ttl: Duration) -> Result<bool, StoreError>;
    /// Unsent rows in commit order.
    async fn fetch_pending(&self, limit: i64) -> Result<Vec<OutboxRow>, StoreError>;
    async fn mark_sent(&self, seqs: &[i64]) -> Result<(), StoreError>;
    /// Unsent row count and the creation time (ms) of the oldest.
    async fn backlog(&self) -> Result<(i64, Option<i64>), StoreError>;
}

#[derive(Clone)]
pub struct SqlOutboxStore {
    db: Database,
}

impl SqlOutboxStore {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait]
impl OutboxStore for SqlOutboxStore {
    async fn acquire_lease(&self, holder: &str, ttl: Duration) -> Result<bool, StoreError> {
        let now = now_millis();
        let expires = now + i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
        let updated = sqlx::query(
            "UPDATE outbox_lease SET holder = $1, expires_at = $2 \
             WHERE name = 'relay' AND (holder = $1 OR expires_at < $3)",
        )
        .bind(holder)
        .bind(expires)
        .bind(now)
        .execute(self.db.writer())
        .await
        .map_err(store_error)?;
        Ok(updated.rows_affected() == 1)
    }

    async fn fetch_pending(&self, limit: i64) -> Result<Vec<OutboxRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, id, topic, message_key, message_type, schema_version, properties, payload \
             FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.db.pool())
        .await
        .map_err(store_error)?;
        rows.iter()
            .map(|row| {
                Ok(OutboxRow {
                    seq: row.try_get("seq").map_err(store_error)?,
                    message: message_from_row(row)?,
                })
            })
            .collect()
    }

    async fn mark_sent(&self, seqs: &[i64]) -> Result<(), StoreError> {
        if seqs.is_empty() {
            return Ok(());
        }
        // One statement per batch: a statement per row held SQLite's write
        // lock 200 times per batch against the writers. Not a seq range: on
        // Postgres a lower seq can commit after a higher one was fetched.
        // `$n` by hand: the Any driver's QueryBuilder writes `?`, which
        // Postgres rejects.
        let list: Vec<String> = (2..seqs.len() + 2).map(|n| format!("${n}")).collect();
        let sql = format!(
            "UPDATE outbox SET sent_at = $1 WHERE seq IN ({})",
            list.join(", ")
        );
        // Safe: the text holds only generated placeholders; the values are bound.
        let mut update = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now_millis());
        for seq in seqs {
            update = update.bind(*seq);
        }
        let mut tx = self.db.writer().begin().await.map_err(store_error)?;
        if self.db.backend() == Backend::Postgres {
            // Marking sent needs no fsync: a mark lost in a crash only
            // re-publishes the rows, which the inboxes dedupe.
            sqlx::query("SET LOCAL synchronous_commit TO OFF")
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        update.execute(&mut *tx).await.map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        metrics::counter!("propalpes_db_commits_total").increment(1);
        Ok(())
    }

    async fn backlog(&self) -> Result<(i64, Option<i64>), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL",
        )
        .fetch_one(self.db.pool())
        .await
        .map_err(store_error)?;
        Ok((
            row.try_get("n").map_err(store_error)?,
            row.try_get("oldest").map_err(store_error)?,
        ))
    }
}
