use async_trait::async_trait;
use tracing::Instrument;

use super::{CommandContext, StoreError, UnitOfWork, UnitOfWorkFactory};

/// A request to change state, named `VerbNoun` (`CrearCompania`).
pub trait Command: Send + 'static {
    const NAME: &'static str;
    type Output: Send;
}

/// Handles exactly one command type inside a unit of work its caller
/// opened and will commit: load → the domain decides → save → stage the
/// events. The caller is an HTTP route (one command, one transaction, see
/// [`dispatch`]) or a consumer applying a run of messages in one
/// transaction with their inbox rows.
#[async_trait]
pub trait CommandHandler<C: Command>: Send + Sync {
    type Uow: UnitOfWork;
    type Error: std::error::Error + From<StoreError> + Send + Sync + 'static;

    async fn handle(
        &self,
        uow: &mut Self::Uow,
        command: C,
        ctx: &CommandContext,
    ) -> Result<C::Output, Self::Error>;
}

/// Runs a command inside the caller's unit of work, in a span carrying the
/// command and correlation ids, and counts its outcome.
pub async fn execute<C, H>(
    handler: &H,
    uow: &mut H::Uow,
    command: C,
    ctx: &CommandContext,
) -> Result<C::Output, H::Error>
where
    C: Command,
    H: CommandHandler<C>,
{
    let result = run_in_span(handler, uow, command, ctx).await;
    count_outcome(C::NAME, result.is_ok());
    result
}

/// [`execute`] without counting: a group commit counts its commands once
/// they are committed, not on each attempt.
pub(super) async fn run_in_span<C, H>(
    handler: &H,
    uow: &mut H::Uow,
    command: C,
    ctx: &CommandContext,
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
        let result = handler.handle(uow, command, ctx).await;
        match &result {
            Ok(_) => tracing::debug!("command handled"),
            Err(error) => tracing::info!(%error, "command refused or failed"),
        }
        result
    }
    .instrument(span)
    .await
}

/// Counts a command's outcome (`propalpes_commands_total`).
pub(super) fn count_outcome(command: &'static str, ok: bool) {
    let outcome = if ok { "ok" } else { "error" };
    metrics::counter!("propalpes_commands_total", "command" => command, "result" => outcome)
        .increment(1);
}

/// Runs a command in a unit of work of its own (what an HTTP route or the
/// CLI calls): open, handle, commit. A failure rolls everything back.
pub async fn dispatch<F, C, H>(
    uows: &F,
    handler: &H,
    command: C,
    ctx: CommandContext,
) -> Result<C::Output, H::Error>
where
    F: UnitOfWorkFactory,
    C: Command,
    H: CommandHandler<C, Uow = F::Uow>,
{
    let mut uow = uows.begin().await?;
    let output = execute(handler, &mut uow, command, &ctx).await?;
    uow.commit().await?;
    Ok(output)
}

/// A handler shared between the HTTP side and a consumer.
#[async_trait]
impl<C: Command, H: CommandHandler<C>> CommandHandler<C> for std::sync::Arc<H> {
    type Uow = H::Uow;
    type Error = H::Error;

    async fn handle(
        &self,
        uow: &mut H::Uow,
        command: C,
        ctx: &CommandContext,
    ) -> Result<C::Output, H::Error> {
        self.as_ref().handle(uow, command, ctx).await
    }
}
