use thiserror::Error;

/// Failure of a storage port. Adapters map their driver errors into it, so the
/// application layer never sees sqlx.
#[derive(Debug, Error)]
pub enum StoreError {
    /// Someone else saved the aggregate since it was loaded.
    #[error("concurrent update of {aggregate} {id}")]
    Conflict { aggregate: &'static str, id: String },
    #[error("storage failure: {0}")]
    Backend(String),
}

/// Failure of the message bus port.
#[derive(Debug, Error)]
pub enum BusError {
    #[error("no schema for topic {0}")]
    UnknownTopic(String),
    #[error("broker failure: {0}")]
    Broker(String),
}

/// What a message handler reports; it decides redelivery or dead-lettering.
#[derive(Debug, Error)]
pub enum HandleError {
    /// Might succeed later (database down, conflict): nack and redeliver with backoff.
    #[error("retryable: {0}")]
    Retryable(String),
    /// Will never succeed (undecodable, invalid): straight to the dead-letter topic.
    #[error("poison: {0}")]
    Poison(String),
}

/// A domain event could not be turned into an integration message.
#[derive(Debug, Error)]
#[error("cannot encode {event}: {reason}")]
pub struct TranslateError {
    pub event: String,
    pub reason: String,
}
