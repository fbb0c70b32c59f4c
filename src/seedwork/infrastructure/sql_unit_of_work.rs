use std::sync::Arc;

use async_trait::async_trait;
use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::Notify;

use std::collections::HashMap;

use super::sql_values::{SqlValue, upsert_rows};
use super::staging::{ROWS_PER_STATEMENT, Staged, StagedSets, StagedTable};
use super::{Backend, Database, store_error};
use crate::seedwork::application::{Message, StoreError, UnitOfWork, UnitOfWorkFactory};

pub(crate) fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A unit of work over one sqlx transaction on SQLite or Postgres.
pub struct SqlUnitOfWork {
    tx: Transaction<'static, Any>,
    backend: Backend,
    pending: Vec<Message>,
    relay_wakeup: Arc<Notify>,
    others: OtherInstances,
    /// Aggregates loaded or staged in this transaction, per table.
    staged: StagedSets,
    /// Rows only ever inserted (a log, a status row), per table.
    appended: Vec<AppendedRows>,
    /// What an adapter learnt for the rest of the transaction, by type.
    memos: HashMap<std::any::TypeId, Box<dyn std::any::Any + Send>>,
}

/// Rows of one table written at commit with one statement per
/// [`ROWS_PER_STATEMENT`].
struct AppendedRows {
    table: &'static str,
    columns: &'static [&'static str],
    on_conflict: &'static str,
    rows: Vec<Vec<SqlValue>>,
}

/// Shortest time between two notifications to the other instances' relays
/// (a Postgres `NOTIFY` takes a lock held to the end of the commit). A
/// relay woken by one keeps polling for longer than this after its last
/// batch ([`super::OutboxRelay`]'s busy tail), so commits in between are
/// published without a notification of their own.
pub const NOTIFY_EVERY_MS: i64 = 50;

/// Whether a commit must wake a relay in another process: only when this
/// process's relay does not hold the lease, and then at most once per
/// [`NOTIFY_EVERY_MS`].
#[derive(Clone, Default)]
pub struct OtherInstances {
    /// Set by this process's relay while it holds the lease.
    pub lease_held_here: Arc<std::sync::atomic::AtomicBool>,
    last_notified_ms: Arc<std::sync::atomic::AtomicI64>,
}

impl OtherInstances {
    /// Gives a claimed slot back: its transaction failed, so its
    /// notification was never delivered.
    fn release(&self) {
        self.last_notified_ms
            .store(0, std::sync::atomic::Ordering::Relaxed);
    }

    /// Claims the next notification slot, if one is due.
    fn notification_due(&self) -> bool {
        use std::sync::atomic::Ordering;
        if self.lease_held_here.load(Ordering::Relaxed) {
            return false;
        }
        let now = now_millis();
        let last = self.last_notified_ms.load(Ordering::Relaxed);
        now - last >= NOTIFY_EVERY_MS
            && self
                .last_notified_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
    }
}

/// Writes messages into the outbox with one statement, in order (their
/// `seq` follows the VALUES order).
async fn insert_outbox_rows(
    conn: &mut AnyConnection,
    messages: &[Message],
    created_at: i64,
) -> Result<(), StoreError> {
    let rows: Vec<String> = (0..messages.len())
        .map(|i| {
            let b = i * 7 + 2;
            format!(
                "(${}, ${}, ${}, ${}, ${}, ${}, ${}, $1)",
                b,
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            )
        })
        .collect();
    // Safe: the text holds only generated placeholders; values are bound.
    let sql = format!(
        "INSERT INTO outbox (id, topic, message_key, message_type, schema_version, properties, payload, created_at) \
         VALUES {}",
        rows.join(", ")
    );
    let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(created_at);
    for message in messages {
        let properties = serde_json::to_string(&message.properties)
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        insert = insert
            .bind(message.id.clone())
            .bind(message.topic.clone())
            .bind(message.key.clone())
            .bind(message.message_type.clone())
            .bind(i64::from(message.schema_version))
            .bind(properties)
            .bind(message.payload.clone());
    }
    insert.execute(conn).await.map_err(store_error)?;
    Ok(())
}

/// The Postgres channel a commit that wrote outbox rows notifies.
pub const OUTBOX_CHANNEL: &str = "propalpes_outbox";

impl SqlUnitOfWork {
    /// The transaction's connection, for repositories.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// An aggregate by key: from this transaction's identity map when it
    /// was loaded, preloaded or staged here already, else read (and
    /// remembered).
    pub async fn load<T: StagedTable>(
        &mut self,
        key: String,
    ) -> Result<Option<T::Aggregate>, StoreError> {
        if let Some(known) = self.staged.of::<T>().known(&key) {
            return Ok(known);
        }
        let found = T::load(&mut self.tx, std::slice::from_ref(&key))
            .await?
            .pop();
        self.staged.of::<T>().remember(key, found.clone());
        Ok(found)
    }

    /// Reads every aggregate of `keys` not known yet, one statement per
    /// [`ROWS_PER_STATEMENT`] keys, so the run's handlers load from memory.
    pub async fn preload<T: StagedTable>(&mut self, keys: &[String]) -> Result<(), StoreError> {
        let mut missing: Vec<String> = self
            .staged
            .of::<T>()
            .unknown(keys)
            .into_iter()
            .cloned()
            .collect();
        missing.sort_unstable();
        missing.dedup();
        for chunk in missing.chunks(ROWS_PER_STATEMENT) {
            let mut found: HashMap<String, T::Aggregate> = T::load(&mut self.tx, chunk)
                .await?
                .into_iter()
                .map(|a| (T::key(&a), a))
                .collect();
            let set = self.staged.of::<T>();
            for key in chunk {
                let stored = found.remove(key);
                set.remember(key.clone(), stored);
            }
        }
        Ok(())
    }

    /// What this unit of work knows of `T`'s aggregates (for a query that
    /// must see the staged changes as well as the stored rows).
    pub fn identity_map<T: StagedTable>(&mut self) -> &Staged<T> {
        self.staged.of::<T>()
    }

    /// Inserts a row at commit, with the other rows of its table: for rows
    /// nothing in this transaction reads back.
    pub fn append_row(
        &mut self,
        table: &'static str,
        columns: &'static [&'static str],
        row: Vec<SqlValue>,
    ) {
        self.append_row_unless(table, columns, row, "");
    }

    /// [`Self::append_row`] with an `ON CONFLICT …` clause (`on_conflict`,
    /// a constant, the same for every row of the table).
    pub fn append_row_unless(
        &mut self,
        table: &'static str,
        columns: &'static [&'static str],
        row: Vec<SqlValue>,
        on_conflict: &'static str,
    ) {
        match self.appended.iter_mut().find(|a| a.table == table) {
            Some(appended) => appended.rows.push(row),
            None => self.appended.push(AppendedRows {
                table,
                columns,
                on_conflict,
                rows: vec![row],
            }),
        }
    }

    /// What an adapter keeps for the rest of this transaction (a fact it
    /// read for a whole run, say), one value per type.
    pub fn memo<T: Default + Send + 'static>(&mut self) -> &mut T {
        self.memos
            .entry(std::any::TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut()
            .expect("a memo is stored under its own type")
    }

    /// Takes `aggregate` as written: the commit writes it with the other
    /// staged rows of its table.
    pub fn stage<T: StagedTable>(&mut self, aggregate: T::Aggregate) -> Result<(), StoreError> {
        self.staged.of::<T>().stage(aggregate)
    }
}

#[async_trait]
impl UnitOfWork for SqlUnitOfWork {
    fn add_message(&mut self, message: Message) {
        self.pending.push(message);
    }

    async fn claim_inbox(&mut self, consumer: &str, message_id: &str) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO inbox (consumer, message_id, processed_at) VALUES ($1, $2, $3) \
             ON CONFLICT (consumer, message_id) DO NOTHING",
        )
        .bind(consumer)
        .bind(message_id)
        .bind(now_millis())
        .execute(&mut *self.tx)
        .await
        .map_err(store_error)?;
        Ok(inserted.rows_affected() == 1)
    }

    async fn claim_inbox_many(
        &mut self,
        consumer: &str,
        message_ids: &[&str],
    ) -> Result<Vec<bool>, StoreError> {
        let mut claimed = std::collections::HashSet::new();
        let now = now_millis();
        for chunk in message_ids.chunks(ROWS_PER_STATEMENT) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| format!("($1, ${}, $2)", i + 3))
                .collect();
            // Safe: the text holds only generated placeholders.
            let sql = format!(
                "INSERT INTO inbox (consumer, message_id, processed_at) VALUES {} \
                 ON CONFLICT (consumer, message_id) DO NOTHING RETURNING message_id",
                rows.join(", ")
            );
            let mut insert = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql))
                .bind(consumer)
                .bind(now);
            for id in chunk {
                insert = insert.bind(*id);
            }
            claimed.extend(insert.fetch_all(&mut *self.tx).await.map_err(store_error)?);
        }
        // A message twice in one run is claimed by its first occurrence.
        Ok(message_ids.iter().map(|id| claimed.remove(*id)).collect())
    }

    async fn count_failure(
        &mut self,
        consumer: &str,
        delivery_key: &str,
        reason: &str,
    ) -> Result<u32, StoreError> {
        use sqlx::Row;
        let row = sqlx::query(
            "INSERT INTO delivery_failures (consumer, delivery_key, attempts, last_error, updated_at) \
             VALUES ($1, $2, 1, $3, $4) ON CONFLICT (consumer, delivery_key) DO UPDATE \
             SET attempts = delivery_failures.attempts + 1, last_error = $3, updated_at = $4 \
             RETURNING attempts",
        )
        .bind(consumer)
        .bind(delivery_key)
        .bind(reason.chars().take(2000).collect::<String>())
        .bind(now_millis())
        .fetch_one(&mut *self.tx)
        .await
        .map_err(store_error)?;
        let attempts: i64 = row.try_get("attempts").map_err(store_error)?;
        Ok(u32::try_from(attempts).unwrap_or(u32::MAX))
    }

    async fn commit(mut self) -> Result<(), StoreError> {
        let created_at = now_millis();
        let wrote_messages = !self.pending.is_empty();
        self.staged.flush(&mut self.tx).await?;
        for appended in std::mem::take(&mut self.appended) {
            let mut rows = appended.rows.into_iter().peekable();
            while rows.peek().is_some() {
                let chunk: Vec<_> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
                upsert_rows(
                    &mut self.tx,
                    appended.table,
                    appended.columns,
                    appended.table,
                    chunk,
                    appended.on_conflict,
                )
                .await?;
            }
        }
        let pending = std::mem::take(&mut self.pending);
        for chunk in pending.chunks(ROWS_PER_STATEMENT) {
            insert_outbox_rows(&mut self.tx, chunk, created_at).await?;
        }
        let notifies =
            wrote_messages && self.backend == Backend::Postgres && self.others.notification_due();
        if notifies {
            // Wakes the relay of the instance holding the lease, when that
            // is not this process's (delivered at commit).
            let notified = sqlx::query("SELECT pg_notify($1, '')")
                .bind(OUTBOX_CHANNEL)
                .execute(&mut *self.tx)
                .await;
            if let Err(error) = notified {
                self.others.release();
                return Err(store_error(error));
            }
        }
        if let Err(error) = self.tx.commit().await {
            if notifies {
                self.others.release();
            }
            return Err(store_error(error));
        }
        metrics::counter!("propalpes_db_commits_total").increment(1);
        if wrote_messages {
            self.relay_wakeup.notify_one();
        }
        Ok(())
    }
}

/// Opens [`SqlUnitOfWork`]s on a context's database and wakes its relay
/// after each commit that wrote outbox rows.
#[derive(Clone)]
pub struct SqlUnitOfWorkFactory {
    db: Database,
    relay_wakeup: Arc<Notify>,
    others: OtherInstances,
}

impl SqlUnitOfWorkFactory {
    pub fn new(db: Database, relay_wakeup: Arc<Notify>) -> Self {
        Self {
            db,
            relay_wakeup,
            others: OtherInstances::default(),
        }
    }

    /// Commits notify other instances only while this process's relay
    /// (which sets it) does not hold the lease.
    pub fn with_other_instances(mut self, others: OtherInstances) -> Self {
        self.others = others;
        self
    }

    pub fn database(&self) -> &Database {
        &self.db
    }
}

#[async_trait]
impl UnitOfWorkFactory for SqlUnitOfWorkFactory {
    type Uow = SqlUnitOfWork;

    async fn begin(&self) -> Result<SqlUnitOfWork, StoreError> {
        let tx = self.db.begin().await.map_err(store_error)?;
        Ok(SqlUnitOfWork {
            tx,
            backend: self.db.backend(),
            pending: Vec::new(),
            relay_wakeup: self.relay_wakeup.clone(),
            others: self.others.clone(),
            staged: StagedSets::default(),
            appended: Vec::new(),
            memos: HashMap::new(),
        })
    }

    async fn ready(&self) -> bool {
        self.db.ping().await
    }
}
