use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use thiserror::Error;

use super::guardar_con_eventos;
use crate::geograficos::application::DatosGeograficosRepository;
use crate::geograficos::domain::DatosGeograficosEvent;
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, EventTranslator, StoreError, TranslateError,
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

#[derive(Debug, Error)]
pub enum EliminarDatosGeograficosError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

pub struct EliminarDatosGeograficosHandler<R, E> {
    repository: Arc<R>,
    eventos: Arc<E>,
}

impl<R, E> EliminarDatosGeograficosHandler<R, E> {
    pub fn new(repository: Arc<R>, eventos: Arc<E>) -> Self {
        Self {
            repository,
            eventos,
        }
    }
}

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
        guardar_con_eventos::<_, _, EliminarDatosGeograficosError>(
            self.repository.as_ref(),
            self.eventos.as_ref(),
            uow,
            &mut datos,
            ctx,
        )
        .await
    }
}
