//! One handler per command, all on [`CompaniaCommands`].

mod aprobar_compania;
mod crear_compania;
mod rechazar_compania;

pub use aprobar_compania::AprobarCompania;
pub use crear_compania::CrearCompania;
pub use rechazar_compania::RechazarCompania;

use chrono::Utc;

use super::{CompaniaRepository, CompaniasError};
use crate::companias::domain::{Compania, CompaniaEvent};
use crate::seedwork::application::{
    CommandContext, EventTranslator, UnitOfWork, UnitOfWorkFactory, begin_command, stage_events,
};
use crate::seedwork::domain::{AggregateRoot, EntityId};

/// The command side of `companias`, generic over its ports.
pub struct CompaniaCommands<F, R, T> {
    uows: F,
    repository: R,
    events: T,
}

impl<F, R, T> CompaniaCommands<F, R, T>
where
    F: UnitOfWorkFactory,
    R: CompaniaRepository<Uow = F::Uow>,
    T: EventTranslator<CompaniaEvent>,
{
    pub fn new(uows: F, repository: R, events: T) -> Self {
        Self {
            uows,
            repository,
            events,
        }
    }

    /// Load → decide → stage events → commit, for a decision on an existing
    /// company. A duplicate message (inbox) does nothing.
    async fn decide(
        &self,
        id: EntityId,
        ctx: CommandContext,
        decision: impl FnOnce(&mut Compania) -> Result<(), crate::companias::domain::CompaniaError>
        + Send,
    ) -> Result<(), CompaniasError> {
        let Some(mut uow) = begin_command(&self.uows, &ctx).await? else {
            return Ok(());
        };
        let mut compania = self
            .repository
            .load(&mut uow, id)
            .await?
            .ok_or_else(|| CompaniasError::NotFound(id.to_string()))?;
        decision(&mut compania)?;
        self.commit(uow, &mut compania, &ctx).await
    }

    async fn commit(
        &self,
        mut uow: F::Uow,
        compania: &mut Compania,
        ctx: &CommandContext,
    ) -> Result<(), CompaniasError> {
        let events = compania.take_events();
        if !events.is_empty() {
            self.repository.save(&mut uow, compania).await?;
            stage_events(&mut uow, &events, &self.events, ctx)?;
        }
        // Commit even without events: the inbox claim must stick.
        uow.commit().await?;
        Ok(())
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now()
}
