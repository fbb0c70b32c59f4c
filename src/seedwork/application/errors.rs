use thiserror::Error;

/// Failure of a storage port. Adapters map their driver errors into it, so the
/// application layer never sees sqlx.
#[derive(Debug, Error)]
pub enum StoreError {
    /// Someone else saved the aggregate since it was loaded.
    #[error("concurrent update of {aggregate} {id}")]
    Conflict { aggregate: &'static str, id: String },
    /// The database cannot be reached or refuses connections (down,
    /// restarting, out of connections, timed out): an outage to wait out,
    /// never a reason to give up on a message.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    #[error("storage failure: {0}")]
    Backend(String),
}

impl StoreError {
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_))
    }
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
    /// A dependency is down (its database, the broker, a timeout): the
    /// consumer pauses and retries once it answers; never counted against
    /// the message, never dead-lettered.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Failed while its dependencies are healthy and might succeed later (a
    /// conflict, a record not there yet): redelivered with backoff, and
    /// dead-lettered once the redelivery budget is spent.
    #[error("retryable: {0}")]
    Retryable(String),
    /// Will never succeed (undecodable, invalid): straight to the dead-letter topic.
    #[error("poison: {0}")]
    Poison(String),
}

impl From<StoreError> for HandleError {
    /// An outage waits; any other storage failure spends the budget.
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(_) => Self::Unavailable(error.to_string()),
            StoreError::Conflict { .. } | StoreError::Backend(_) => {
                Self::Retryable(error.to_string())
            }
        }
    }
}

/// A domain event could not be turned into an integration message.
#[derive(Debug, Error)]
#[error("cannot encode {event}: {reason}")]
pub struct TranslateError {
    pub event: String,
    pub reason: String,
}

/// What a command consumer makes of a handler's failure: a failure of the
/// delivery (wait, retry, dead-letter), or the receiving aggregate's
/// refusal, which is answered to the sender (`ComandoRechazado`) and
/// acknowledged: a decision on a record already decided otherwise is a
/// fact the saga that sent it must hear, not a poison message.
#[derive(Debug)]
pub enum FalloComando {
    Entrega(HandleError),
    Rechazo {
        motivo: String,
        /// The record's estado when it refused, when it exists.
        estado_actual: Option<String>,
    },
}

impl From<HandleError> for FalloComando {
    fn from(error: HandleError) -> Self {
        Self::Entrega(error)
    }
}

impl From<StoreError> for FalloComando {
    fn from(error: StoreError) -> Self {
        Self::Entrega(error.into())
    }
}
