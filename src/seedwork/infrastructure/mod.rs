//! Adapters shared by every context: the sqlx database (SQLite or Postgres
//! through one portable code path), the unit of work with its outbox and
//! inbox, the outbox relay, the Avro codec over `schemas/`, and the bus
//! adapters (embedded in-process bus; Apache Pulsar).

pub mod avro;
mod context_storage;
mod database;
mod delivery;
mod embedded_bus;
mod embedded_replay;
mod errors;
pub mod event_log;
mod jwt;
mod outbox_relay;
mod outbox_store;
pub mod periodic;
mod pulsar_bus;
pub mod pulsar_dlq;
mod record_module;
pub mod retention;
pub mod reviewed_rows;
mod sql_pages;
mod sql_unit_of_work;
pub mod sql_values;
pub mod staging;

pub use context_storage::ContextStorage;
pub use database::{Backend, Database, DatabaseUrl, context_database_url};
pub use delivery::{ConsumerSettings, RetryPolicy};
pub use embedded_bus::{DeadLetter, EmbeddedBus};
pub use embedded_replay::{ReplayRequest, ReplayStatus, RequestedLetter};
pub use errors::{InfraError, store_error};
pub use jwt::{AuthConfig, mint_token, mint_token_with};
pub use outbox_relay::{OutboxRelay, RelayHandle};
pub use outbox_store::{OutboxRow, OutboxStore, SqlOutboxStore};
pub use pulsar_bus::{
    DEAD_LETTER_SUFFIX, PulsarBus, PulsarConfig, PulsarTuning, dead_letter_topic,
    is_dead_letter_topic, to_bus_message,
};
pub use record_module::{RecordModule, RecordWiring};
pub use retention::{Pruner, RetentionPolicy};
pub use sql_pages::{Listado, count_rows};
pub use sql_unit_of_work::{
    NOTIFY_EVERY_MS, OUTBOX_CHANNEL, OtherInstances, SqlUnitOfWork, SqlUnitOfWorkFactory,
};

/// Runs a handler so that a panic is a failed delivery, not a dead task: it
/// is retried and dead-lettered like any failure ("handler panicked: ..."),
/// while the relay or consumer that called it keeps running.
pub(crate) async fn handle_guarded(
    handler: &dyn crate::seedwork::application::MessageHandler,
    message: &crate::seedwork::application::Message,
    span: tracing::Span,
) -> Result<(), crate::seedwork::application::HandleError> {
    use futures::FutureExt;
    let handled = tracing::Instrument::instrument(handler.handle(message), span);
    match std::panic::AssertUnwindSafe(handled).catch_unwind().await {
        Ok(outcome) => outcome,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(crate::seedwork::application::HandleError::Retryable(
                format!("handler panicked: {what}"),
            ))
        }
    }
}

/// Counts a delivery's outcome: `ok`, `retry` (a redelivery follows) or
/// `dead_letter`.
pub(crate) fn consumed(topic: &str, subscription: &str, result: &'static str) {
    metrics::counter!(
        "propalpes_messages_consumed_total",
        "topic" => topic.to_owned(),
        "subscription" => subscription.to_owned(),
        "result" => result
    )
    .increment(1);
    match result {
        "retry" => metrics::counter!("propalpes_redeliveries_total", "topic" => topic.to_owned())
            .increment(1),
        "dead_letter" => {
            metrics::counter!("propalpes_dead_letters_total", "topic" => topic.to_owned())
                .increment(1)
        }
        _ => {}
    }
}

/// The span a consumer handles a message in: the correlation id and W3C
/// `traceparent` from the message properties tie it to the request that
/// started the conversation, in whichever process it runs.
pub(crate) fn consume_span(
    message: &crate::seedwork::application::Message,
    subscription: &str,
) -> tracing::Span {
    let property = |k: &str| message.properties.get(k).map(String::as_str).unwrap_or("");
    tracing::info_span!(
        "consume",
        topic = %message.topic,
        subscription = %subscription,
        message_id = %message.id,
        message_type = %message.message_type,
        correlation_id = %property("correlation_id"),
        traceparent = %property("traceparent"),
    )
}
