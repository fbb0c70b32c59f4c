//! Consumers whose effects share transactions: a run of messages is applied
//! in one unit of work, each with its inbox row, and acknowledged after the
//! commit. If any of them fails, the run is rolled back and applied one
//! message per transaction, so a poison message neither blocks nor undoes
//! its neighbours.

use async_trait::async_trait;

use super::{BatchOutcome, HandleError, Message, MessageHandler, UnitOfWork, UnitOfWorkFactory};

/// What a consumer does with one message inside a unit of work it did not
/// open. The inbox is claimed by [`InTransactions`] before `apply` runs.
#[async_trait]
pub trait TransactionalHandler: Send + Sync + 'static {
    type Uow: UnitOfWork;
    /// Announced after the commit (e.g. a change for live subscriptions).
    type Effect: Send;

    /// Called once per run before `apply`, with the messages it will
    /// apply: reads what they address at once (into the unit of work's
    /// identity map), so each `apply` loads from memory.
    async fn preload(
        &self,
        _uow: &mut Self::Uow,
        _messages: &[&Message],
    ) -> Result<(), HandleError> {
        Ok(())
    }

    async fn apply(
        &self,
        uow: &mut Self::Uow,
        message: &Message,
    ) -> Result<Self::Effect, HandleError>;

    /// Called once per run inside its transaction, after every message of
    /// it was applied: what the run writes at once (one multi-row insert
    /// instead of a statement per message); it may add effects (what those
    /// writes changed).
    async fn before_commit(
        &self,
        _uow: &mut Self::Uow,
        _effects: &mut Vec<Self::Effect>,
    ) -> Result<(), HandleError> {
        Ok(())
    }

    /// Called with the effects of a run once it is committed.
    fn committed(&self, _effects: Vec<Self::Effect>) {}
}

/// Adapts a [`TransactionalHandler`] to the bus: batches share one
/// transaction and one inbox; failures fall back to one message each.
pub struct InTransactions<F, H> {
    consumer: String,
    uows: F,
    handler: H,
}

impl<F, H> InTransactions<F, H> {
    /// `consumer` names the inbox rows (the subscription).
    pub fn new(consumer: &str, uows: F, handler: H) -> Self {
        Self {
            consumer: consumer.to_owned(),
            uows,
            handler,
        }
    }

    pub fn handler(&self) -> &H {
        &self.handler
    }
}

impl<F, H> InTransactions<F, H>
where
    F: UnitOfWorkFactory,
    H: TransactionalHandler<Uow = F::Uow>,
{
    /// Applies the messages not yet in the inbox within `uow`.
    async fn apply_all(
        &self,
        uow: &mut F::Uow,
        messages: &[Message],
    ) -> Result<Vec<H::Effect>, HandleError> {
        let ids: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
        let claims = uow.claim_inbox_many(&self.consumer, &ids).await?;
        let mut fresh = Vec::with_capacity(messages.len());
        for (message, first) in messages.iter().zip(claims) {
            if first {
                fresh.push(message);
            } else {
                tracing::debug!(message_id = %message.id, "duplicate message ignored");
            }
        }
        if fresh.len() > 1 {
            self.handler.preload(uow, &fresh).await?;
        }
        let mut effects = Vec::with_capacity(fresh.len());
        for message in fresh {
            effects.push(self.handler.apply(uow, message).await?);
        }
        Ok(effects)
    }

    /// All of `messages` in one transaction.
    async fn in_one(&self, messages: &[Message]) -> Result<(), HandleError> {
        let mut uow = self.uows.begin().await?;
        let mut effects = self.apply_all(&mut uow, messages).await?;
        self.handler.before_commit(&mut uow, &mut effects).await?;
        uow.commit().await?;
        self.handler.committed(effects);
        Ok(())
    }

    /// One transaction per message, stopping at the first failure.
    async fn one_by_one(&self, messages: &[Message]) -> BatchOutcome {
        for (applied, message) in messages.iter().enumerate() {
            if let Err(failure) = self.in_one(std::slice::from_ref(message)).await {
                return BatchOutcome {
                    applied,
                    failure: Some(failure),
                };
            }
        }
        BatchOutcome::all(messages.len())
    }
}

#[async_trait]
impl<F, H> MessageHandler for InTransactions<F, H>
where
    F: UnitOfWorkFactory + 'static,
    H: TransactionalHandler<Uow = F::Uow>,
{
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        self.in_one(std::slice::from_ref(message)).await
    }

    async fn handle_batch(&self, messages: &[Message]) -> BatchOutcome {
        if messages.len() < 2 {
            return self.one_by_one(messages).await;
        }
        match self.in_one(messages).await {
            Ok(()) => BatchOutcome::all(messages.len()),
            // Nothing committed and nothing to learn one by one: wait.
            Err(failure @ HandleError::Unavailable(_)) => BatchOutcome {
                applied: 0,
                failure: Some(failure),
            },
            Err(failure) => {
                tracing::debug!(%failure, size = messages.len(), "batch rolled back; applying one by one");
                self.one_by_one(messages).await
            }
        }
    }

    async fn ready(&self) -> bool {
        self.uows.ready().await
    }

    async fn record_failure(&self, message: &Message, reason: &str) -> Option<u32> {
        let mut uow = self.uows.begin().await.ok()?;
        let count = uow
            .count_failure(&self.consumer, &message.delivery_key(), reason)
            .await
            .ok()?;
        uow.commit().await.ok()?;
        Some(count)
    }
}
