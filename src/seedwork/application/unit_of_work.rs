use async_trait::async_trait;

use super::{Message, StoreError};

/// One database transaction. Repositories take it as an argument and never
/// open their own; `commit` writes the buffered integration messages into the
/// outbox in the same transaction as the aggregate.
#[async_trait]
pub trait UnitOfWork: Send {
    /// Buffers a message that `commit` writes into the outbox.
    fn add_message(&mut self, message: Message);

    /// Records that `consumer` processed `message_id`; `false` when it already
    /// had, in which case the caller must not apply the effect again.
    async fn claim_inbox(&mut self, consumer: &str, message_id: &str) -> Result<bool, StoreError>;

    /// `claim_inbox` for a run of messages at once: for each, whether this
    /// claim is the first (a message twice in the run is claimed once).
    async fn claim_inbox_many(
        &mut self,
        consumer: &str,
        message_ids: &[&str],
    ) -> Result<Vec<bool>, StoreError> {
        let mut claimed = Vec::with_capacity(message_ids.len());
        for id in message_ids {
            claimed.push(self.claim_inbox(consumer, id).await?);
        }
        Ok(claimed)
    }

    /// Adds one to the failed deliveries of a message (by its delivery key)
    /// to `consumer` and returns the count so far, so a crash does not
    /// reset a message's redelivery budget.
    async fn count_failure(
        &mut self,
        consumer: &str,
        delivery_key: &str,
        reason: &str,
    ) -> Result<u32, StoreError>;

    async fn commit(self) -> Result<(), StoreError>;
}

/// Opens units of work; the application layer owns the transaction.
#[async_trait]
pub trait UnitOfWorkFactory: Send + Sync {
    type Uow: UnitOfWork;

    async fn begin(&self) -> Result<Self::Uow, StoreError>;

    /// Whether the database answers now (probed while a consumer waits out
    /// an outage).
    async fn ready(&self) -> bool;
}
