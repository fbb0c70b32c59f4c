use async_trait::async_trait;

use super::{CompaniaCommands, now};
use crate::companias::application::{CompaniaRepository, CompaniasError};
use crate::companias::domain::CompaniaEvent;
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, EventTranslator, UnitOfWorkFactory,
};
use crate::seedwork::domain::{EntityId, Motivos};

/// Rejects a Pendiente company with reasons; rejecting twice is a no-op.
#[derive(Debug, Clone)]
pub struct RechazarCompania {
    pub id: EntityId,
    pub motivos: Motivos,
}

impl Command for RechazarCompania {
    const NAME: &'static str = "RechazarCompania";
    type Output = ();
}

#[async_trait]
impl<F, R, T> CommandHandler<RechazarCompania> for CompaniaCommands<F, R, T>
where
    F: UnitOfWorkFactory,
    R: CompaniaRepository<Uow = F::Uow>,
    T: EventTranslator<CompaniaEvent>,
{
    type Error = CompaniasError;

    async fn handle(
        &self,
        command: RechazarCompania,
        ctx: CommandContext,
    ) -> Result<(), CompaniasError> {
        let motivos = command.motivos;
        self.decide(command.id, ctx, move |c| c.rechazar(&motivos, now()))
            .await
    }
}
