use std::sync::Arc;

use super::{CommandContext, EventTranslator, Repository, StoreError, TranslateError, UnitOfWork};
use crate::seedwork::domain::AggregateRoot;

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

/// What a command handler of one aggregate works with: the repository it
/// loads and saves through, and the translator of its domain events into
/// integration events. A context's handlers are this value under their own
/// names (`type AprobarCompaniaHandler<R, E> = AggregatePorts<R, E>`), each
/// implementing `CommandHandler` for its command with the context's rules.
pub struct AggregatePorts<R, E> {
    pub repository: Arc<R>,
    pub eventos: Arc<E>,
}

impl<R, E> AggregatePorts<R, E> {
    pub fn new(repository: Arc<R>, eventos: Arc<E>) -> Self {
        Self {
            repository,
            eventos,
        }
    }

    /// Saves the aggregate if it recorded events, and stages them for the
    /// outbox in the same unit of work; an aggregate that decided nothing
    /// (a no-op command) writes nothing.
    pub async fn guardar_con_eventos<A, Er>(
        &self,
        uow: &mut R::Uow,
        aggregate: &mut A,
        ctx: &CommandContext,
    ) -> Result<(), Er>
    where
        A: AggregateRoot + Send + Sync,
        R: Repository<A>,
        E: EventTranslator<A::Event>,
        Er: From<StoreError> + From<TranslateError>,
    {
        let events = aggregate.take_events();
        if !events.is_empty() {
            self.repository.guardar(uow, aggregate).await?;
            stage_events(uow, &events, self.eventos.as_ref(), ctx)?;
        }
        Ok(())
    }
}
