use async_trait::async_trait;

use super::{CompaniaCommands, now};
use crate::companias::application::{CompaniaRepository, CompaniasError};
use crate::companias::domain::{Compania, CompaniaEvent, DatosCompania};
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, EventTranslator, UnitOfWorkFactory, begin_command,
};
use crate::seedwork::domain::EntityId;

/// Registers a company; fields may be blank (the audit judges them).
#[derive(Debug, Clone)]
pub struct CrearCompania {
    pub id: EntityId,
    pub datos: DatosCompania,
}

impl Command for CrearCompania {
    const NAME: &'static str = "CrearCompania";
    type Output = EntityId;
}

#[async_trait]
impl<F, R, T> CommandHandler<CrearCompania> for CompaniaCommands<F, R, T>
where
    F: UnitOfWorkFactory,
    R: CompaniaRepository<Uow = F::Uow>,
    T: EventTranslator<CompaniaEvent>,
{
    type Error = CompaniasError;

    async fn handle(
        &self,
        command: CrearCompania,
        ctx: CommandContext,
    ) -> Result<EntityId, CompaniasError> {
        let Some(mut uow) = begin_command(&self.uows, &ctx).await? else {
            return Ok(command.id);
        };
        if self.repository.load(&mut uow, command.id).await?.is_some() {
            return Err(CompaniasError::AlreadyExists(command.id.to_string()));
        }
        let mut compania = Compania::crear(command.id, command.datos, now());
        self.commit(uow, &mut compania, &ctx).await?;
        Ok(command.id)
    }
}
