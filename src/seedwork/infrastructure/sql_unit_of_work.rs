use std::sync::Arc;

use async_trait::async_trait;
use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::Notify;

use super::Database;
use crate::seedwork::application::{Message, StoreError, UnitOfWork, UnitOfWorkFactory};

/// Maps a driver error to the storage port's error.
pub fn store_error(error: sqlx::Error) -> StoreError {
    StoreError::Backend(error.to_string())
}

pub(crate) fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A unit of work over one sqlx transaction on SQLite or Postgres.
pub struct SqlUnitOfWork {
    tx: Transaction<'static, Any>,
    pending: Vec<Message>,
    relay_wakeup: Arc<Notify>,
}

impl SqlUnitOfWork {
    /// The transaction's connection, for repositories.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
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

    async fn commit(mut self) -> Result<(), StoreError> {
        let created_at = now_millis();
        let wrote_messages = !self.pending.is_empty();
        for message in std::mem::take(&mut self.pending) {
            let properties = serde_json::to_string(&message.properties)
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            sqlx::query(
                "INSERT INTO outbox (id, topic, message_key, message_type, schema_version, properties, payload, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&message.id)
            .bind(&message.topic)
            .bind(&message.key)
            .bind(&message.message_type)
            .bind(i64::from(message.schema_version))
            .bind(properties)
            .bind(message.payload)
            .bind(created_at)
            .execute(&mut *self.tx)
            .await
            .map_err(store_error)?;
        }
        self.tx.commit().await.map_err(store_error)?;
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
}

impl SqlUnitOfWorkFactory {
    pub fn new(db: Database, relay_wakeup: Arc<Notify>) -> Self {
        Self { db, relay_wakeup }
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
            pending: Vec::new(),
            relay_wakeup: self.relay_wakeup.clone(),
        })
    }
}

/// `SELECT COUNT(*) AS n ...` with text binds: the total of a paged list.
pub async fn count_rows(db: &Database, sql: &str, binds: &[&str]) -> Result<i64, StoreError> {
    use sqlx::Row;
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for bind in binds {
        query = query.bind(bind.to_string());
    }
    query
        .fetch_one(db.pool())
        .await
        .map_err(store_error)?
        .try_get("n")
        .map_err(store_error)
}
