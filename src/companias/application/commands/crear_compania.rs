use async_trait::async_trait;
use chrono::Utc;

use crate::companias::application::CompaniaRepository;
use crate::companias::application::RECURSO;
use crate::companias::domain::{Compania, CompaniaEvent, DatosCompania};
use crate::contracts::types;
use crate::seedwork::application::{
    AggregatePorts, Command, CommandContext, CommandHandler, CreacionError, EventTranslator,
};
use crate::seedwork::domain::EntityId;

/// Registers a company with the data as given (blank fields accepted).
#[derive(Debug, Clone)]
pub struct CrearCompania {
    pub id: EntityId,
    pub datos: DatosCompania,
}

impl Command for CrearCompania {
    const NAME: &'static str = types::CREAR_COMPANIA;
    type Output = EntityId;
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type CrearCompaniaError = CreacionError;

/// Its ports: the repository and the event translator.
pub type CrearCompaniaHandler<R, E> = AggregatePorts<R, E>;

#[async_trait]
impl<R, E> CommandHandler<CrearCompania> for CrearCompaniaHandler<R, E>
where
    R: CompaniaRepository,
    E: EventTranslator<CompaniaEvent>,
{
    type Uow = R::Uow;
    type Error = CrearCompaniaError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: CrearCompania,
        ctx: &CommandContext,
    ) -> Result<EntityId, CrearCompaniaError> {
        if self.repository.cargar(uow, command.id).await?.is_some() {
            return Err(CrearCompaniaError::YaExiste {
                recurso: RECURSO,
                id: command.id,
            });
        }
        let mut compania = Compania::registrar(command.id, command.datos, Utc::now());
        self.guardar_con_eventos::<_, CrearCompaniaError>(uow, &mut compania, ctx)
            .await?;
        Ok(command.id)
    }
}
