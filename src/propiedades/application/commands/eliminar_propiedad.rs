use async_trait::async_trait;
use chrono::Utc;

use crate::contracts::types;
use crate::propiedades::application::PropiedadRepository;
use crate::propiedades::domain::PropiedadEvent;
use crate::seedwork::application::{
    AggregatePorts, Command, CommandContext, CommandHandler, CompensacionError, EventTranslator,
};
use crate::seedwork::domain::EntityId;

/// A saga's compensation: the property leaves the listings, rejected with
/// the cause; eliminating twice is a no-op.
#[derive(Debug, Clone)]
pub struct EliminarPropiedad {
    pub id: EntityId,
    pub motivo: String,
}

impl Command for EliminarPropiedad {
    const NAME: &'static str = types::ELIMINAR_PROPIEDAD;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type EliminarPropiedadError = CompensacionError;

/// Its ports: the repository and the event translator.
pub type EliminarPropiedadHandler<R, E> = AggregatePorts<R, E>;

#[async_trait]
impl<R, E> CommandHandler<EliminarPropiedad> for EliminarPropiedadHandler<R, E>
where
    R: PropiedadRepository,
    E: EventTranslator<PropiedadEvent>,
{
    type Uow = R::Uow;
    type Error = EliminarPropiedadError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: EliminarPropiedad,
        ctx: &CommandContext,
    ) -> Result<(), EliminarPropiedadError> {
        // Nothing created, nothing to compensate: the saga may compensate a
        // step whose creation never happened.
        let Some(mut datos) = self.repository.cargar(uow, command.id).await? else {
            return Ok(());
        };
        datos.eliminar(&command.motivo, Utc::now());
        self.guardar_con_eventos::<_, EliminarPropiedadError>(uow, &mut datos, ctx)
            .await
    }
}
