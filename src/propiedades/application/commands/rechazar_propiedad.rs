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
use crate::seedwork::domain::{EntityId, Motivos, ReviewError};

/// Rejects a Pendiente record with reasons; rejecting twice is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct RechazarPropiedad {
    pub id: EntityId,
    pub motivos: Motivos,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change (an
    /// eliminated record is still decided as without one). `None`: an
    /// ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for RechazarPropiedad {
    const NAME: &'static str = types::RECHAZAR_PROPIEDAD;
    type Output = ();
}

#[derive(Debug, Error)]
pub enum RechazarPropiedadError {
    #[error("propiedad {0} not found")]
    NoEncontrada(EntityId),
    #[error(transparent)]
    TransicionInvalida(#[from] ReviewError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

pub struct RechazarPropiedadHandler<R, E> {
    repository: Arc<R>,
    eventos: Arc<E>,
}

impl<R, E> RechazarPropiedadHandler<R, E> {
    pub fn new(repository: Arc<R>, eventos: Arc<E>) -> Self {
        Self {
            repository,
            eventos,
        }
    }
}

#[async_trait]
impl<R, E> CommandHandler<RechazarPropiedad> for RechazarPropiedadHandler<R, E>
where
    R: PropiedadRepository,
    E: EventTranslator<PropiedadEvent>,
{
    type Uow = R::Uow;
    type Error = RechazarPropiedadError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: RechazarPropiedad,
        ctx: &CommandContext,
    ) -> Result<(), RechazarPropiedadError> {
        let mut datos = self
            .repository
            .cargar(uow, command.id)
            .await?
            .ok_or(RechazarPropiedadError::NoEncontrada(command.id))?;
        datos.rechazar(
            &command.motivos,
            command.motivo_revision.as_deref(),
            Utc::now(),
        )?;
        guardar_con_eventos::<_, _, RechazarPropiedadError>(
            self.repository.as_ref(),
            self.eventos.as_ref(),
            uow,
            &mut datos,
            ctx,
        )
        .await
    }
}
