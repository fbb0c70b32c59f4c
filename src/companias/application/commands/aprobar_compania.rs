use async_trait::async_trait;

use super::{CompaniaCommands, now};
use crate::companias::application::{CompaniaRepository, CompaniasError};
use crate::companias::domain::CompaniaEvent;
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, EventTranslator, UnitOfWorkFactory,
};
use crate::seedwork::domain::EntityId;

/// Approves a Pendiente company; approving an approved one is a no-op.
#[derive(Debug, Clone)]
pub struct AprobarCompania {
    pub id: EntityId,
}

impl Command for AprobarCompania {
    const NAME: &'static str = "AprobarCompania";
    type Output = ();
}

#[async_trait]
impl<F, R, T> CommandHandler<AprobarCompania> for CompaniaCommands<F, R, T>
where
    F: UnitOfWorkFactory,
    R: CompaniaRepository<Uow = F::Uow>,
    T: EventTranslator<CompaniaEvent>,
{
    type Error = CompaniasError;

    async fn handle(
        &self,
        command: AprobarCompania,
        ctx: CommandContext,
    ) -> Result<(), CompaniasError> {
        self.decide(command.id, ctx, |c| c.aprobar(now())).await
    }
}
