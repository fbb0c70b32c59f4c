use async_trait::async_trait;
use chrono::Utc;

use crate::geograficos::application::DatosGeograficosRepository;
use crate::geograficos::domain::DatosGeograficosEvent;
use crate::seedwork::application::{
    AggregatePorts, Command, CommandContext, CommandHandler, CompensacionError, EventTranslator,
};
use crate::seedwork::domain::EntityId;

/// A saga's compensation: the record leaves the listings, rejected with
/// the cause; eliminating twice is a no-op.
#[derive(Debug, Clone)]
pub struct EliminarDatosGeograficos {
    pub id: EntityId,
    pub motivo: String,
}

impl Command for EliminarDatosGeograficos {
    /// On the wire: `RechazarDatosGeograficos` with `eliminar` (schema v3).
    const NAME: &'static str = "EliminarDatosGeograficos";
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type EliminarDatosGeograficosError = CompensacionError;

/// Its ports: the repository and the event translator.
pub type EliminarDatosGeograficosHandler<R, E> = AggregatePorts<R, E>;

#[async_trait]
impl<R, E> CommandHandler<EliminarDatosGeograficos> for EliminarDatosGeograficosHandler<R, E>
where
    R: DatosGeograficosRepository,
    E: EventTranslator<DatosGeograficosEvent>,
{
    type Uow = R::Uow;
    type Error = EliminarDatosGeograficosError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: EliminarDatosGeograficos,
        ctx: &CommandContext,
    ) -> Result<(), EliminarDatosGeograficosError> {
        // Nothing created, nothing to compensate: the saga may compensate a
        // step whose creation never happened.
        let Some(mut datos) = self.repository.cargar(uow, command.id).await? else {
            return Ok(());
        };
        datos.eliminar(&command.motivo, Utc::now());
        self.guardar_con_eventos::<_, EliminarDatosGeograficosError>(uow, &mut datos, ctx)
            .await
    }
}
