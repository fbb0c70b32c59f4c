use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use thiserror::Error;

use super::guardar_con_eventos;
use crate::contracts::types;
use crate::propiedades::application::PropiedadRepository;
use crate::propiedades::domain::PropiedadEvent;
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, EventTranslator, StoreError, TranslateError,
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

#[derive(Debug, Error)]
pub enum EliminarPropiedadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

pub struct EliminarPropiedadHandler<R, E> {
    repository: Arc<R>,
    eventos: Arc<E>,
}

impl<R, E> EliminarPropiedadHandler<R, E> {
    pub fn new(repository: Arc<R>, eventos: Arc<E>) -> Self {
        Self {
            repository,
            eventos,
        }
    }
}

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
        guardar_con_eventos::<_, _, EliminarPropiedadError>(
            self.repository.as_ref(),
            self.eventos.as_ref(),
            uow,
            &mut datos,
            ctx,
        )
        .await
    }
}
