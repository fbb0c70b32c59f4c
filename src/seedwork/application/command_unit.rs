use super::{
    CommandContext, EventTranslator, StoreError, TranslateError, UnitOfWork, UnitOfWorkFactory,
};

/// Opens the unit of work for a command. When the command came as a message,
/// its inbox row is claimed in the same transaction; `None` means this
/// message was already applied and the handler must do nothing.
pub async fn begin_command<F: UnitOfWorkFactory>(
    uows: &F,
    ctx: &CommandContext,
) -> Result<Option<F::Uow>, StoreError> {
    let mut uow = uows.begin().await?;
    if let Some(claim) = &ctx.inbox {
        if !uow.claim_inbox(&claim.consumer, &claim.message_id).await? {
            tracing::info!(message_id = %claim.message_id, "duplicate message ignored");
            return Ok(None);
        }
    }
    Ok(Some(uow))
}

/// Turns an aggregate's domain events into integration messages on the unit
/// of work, so they are committed with the aggregate (transactional outbox).
pub fn stage_events<U, E, T>(
    uow: &mut U,
    events: &[E],
    translator: &T,
    ctx: &CommandContext,
) -> Result<(), TranslateError>
where
    U: UnitOfWork,
    T: EventTranslator<E> + ?Sized,
{
    for event in events {
        uow.add_message(translator.translate(event, ctx)?);
    }
    Ok(())
}
