use async_trait::async_trait;
use chrono::Utc;

use crate::contracts::types;
use crate::geograficos::application::DatosGeograficosRepository;
use crate::geograficos::application::RECURSO;
use crate::geograficos::domain::{Coordenadas, DatosGeograficos, DatosGeograficosEvent};
use crate::seedwork::application::{
    AggregatePorts, Command, CommandContext, CommandHandler, CreacionError, EventTranslator,
};
use crate::seedwork::domain::EntityId;

/// Registers a record with the data as given (blank fields accepted).
#[derive(Debug, Clone)]
pub struct CrearDatosGeograficos {
    pub id: EntityId,
    pub datos: Coordenadas,
}

impl Command for CrearDatosGeograficos {
    const NAME: &'static str = types::CREAR_DATOS_GEOGRAFICOS;
    type Output = EntityId;
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type CrearDatosGeograficosError = CreacionError;

/// Its ports: the repository and the event translator.
pub type CrearDatosGeograficosHandler<R, E> = AggregatePorts<R, E>;

#[async_trait]
impl<R, E> CommandHandler<CrearDatosGeograficos> for CrearDatosGeograficosHandler<R, E>
where
    R: DatosGeograficosRepository,
    E: EventTranslator<DatosGeograficosEvent>,
{
    type Uow = R::Uow;
    type Error = CrearDatosGeograficosError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: CrearDatosGeograficos,
        ctx: &CommandContext,
    ) -> Result<EntityId, CrearDatosGeograficosError> {
        if self.repository.cargar(uow, command.id).await?.is_some() {
            return Err(CrearDatosGeograficosError::YaExiste {
                recurso: RECURSO,
                id: command.id,
            });
        }
        let mut datos = DatosGeograficos::registrar(command.id, command.datos, Utc::now());
        self.guardar_con_eventos::<_, CrearDatosGeograficosError>(uow, &mut datos, ctx)
            .await?;
        Ok(command.id)
    }
}
