use super::{CommandContext, EventTranslator, TranslateError, UnitOfWork};

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
