use async_trait::async_trait;
use tracing::Instrument;

/// A request to change state, named `VerbNoun` (`CrearCompania`).
pub trait Command: Send + 'static {
    const NAME: &'static str;
    type Output: Send;
}

/// Handles exactly one command type.
#[async_trait]
pub trait CommandHandler<C: Command>: Send + Sync {
    type Error: std::error::Error + Send + Sync + 'static;

    async fn handle(&self, command: C, ctx: CommandContext) -> Result<C::Output, Self::Error>;
}

/// When a command arrives as a message, the consumer's inbox row is written
/// in the handler's own transaction so a redelivery has no second effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxClaim {
    pub consumer: String,
    pub message_id: String,
}

/// Who asked and why: travels from the HTTP request or message into the
/// events the command produces (correlation and causation ids).
#[derive(Debug, Clone)]
pub struct CommandContext {
    pub command_id: String,
    pub correlation_id: String,
    pub causation_id: Option<String>,
    pub inbox: Option<InboxClaim>,
}

impl CommandContext {
    /// A command started here (HTTP, CLI): it correlates to itself.
    pub fn new_root() -> Self {
        let id = uuid::Uuid::now_v7().to_string();
        Self {
            command_id: id.clone(),
            correlation_id: id,
            causation_id: None,
            inbox: None,
        }
    }

    /// A command started here as part of an existing conversation (the
    /// caller's `x-correlation-id`).
    pub fn new_root_correlated(correlation_id: Option<&str>) -> Self {
        let mut ctx = Self::new_root();
        if let Some(c) = correlation_id {
            ctx.correlation_id = c.to_owned();
        }
        ctx
    }

    /// A command that arrived as a message with envelope id `message_id`.
    pub fn from_message(
        consumer: &str,
        message_id: &str,
        correlation_id: &str,
        causation_id: Option<&str>,
    ) -> Self {
        Self {
            command_id: message_id.to_owned(),
            correlation_id: correlation_id.to_owned(),
            causation_id: causation_id.map(str::to_owned),
            inbox: Some(InboxClaim {
                consumer: consumer.to_owned(),
                message_id: message_id.to_owned(),
            }),
        }
    }
}

/// The one entry point the API and consumers use to run a command: it wraps
/// the handler in a span carrying the command and correlation ids.
pub async fn dispatch<C, H>(
    handler: &H,
    command: C,
    ctx: CommandContext,
) -> Result<C::Output, H::Error>
where
    C: Command,
    H: CommandHandler<C>,
{
    let span = tracing::info_span!(
        "command",
        command = C::NAME,
        command_id = %ctx.command_id,
        correlation_id = %ctx.correlation_id,
    );
    async move {
        let result = handler.handle(command, ctx).await;
        let outcome = match &result {
            Ok(_) => {
                tracing::debug!("command handled");
                "ok"
            }
            Err(error) => {
                tracing::info!(%error, "command refused or failed");
                "error"
            }
        };
        metrics::counter!("propalpes_commands_total", "command" => C::NAME, "result" => outcome)
            .increment(1);
        result
    }
    .instrument(span)
    .await
}
