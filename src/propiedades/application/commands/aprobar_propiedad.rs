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
use crate::seedwork::domain::{EntityId, ReviewError};

/// Approves a Pendiente record; approving an approved one is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct AprobarPropiedad {
    pub id: EntityId,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change (an
    /// eliminated record is still decided as without one). `None`: an
    /// ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for AprobarPropiedad {
    const NAME: &'static str = types::APROBAR_PROPIEDAD;
    type Output = ();
}

#[derive(Debug, Error)]
pub enum AprobarPropiedadError {
    #[error("propiedad {0} not found")]
    NoEncontrada(EntityId),
    #[error(transparent)]
    TransicionInvalida(#[from] ReviewError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

pub struct AprobarPropiedadHandler<R, E> {
    repository: Arc<R>,
    eventos: Arc<E>,
}

impl<R, E> AprobarPropiedadHandler<R, E> {
    pub fn new(repository: Arc<R>, eventos: Arc<E>) -> Self {
        Self {
            repository,
            eventos,
        }
    }
}

#[async_trait]
impl<R, E> CommandHandler<AprobarPropiedad> for AprobarPropiedadHandler<R, E>
where
    R: PropiedadRepository,
    E: EventTranslator<PropiedadEvent>,
{
    type Uow = R::Uow;
    type Error = AprobarPropiedadError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: AprobarPropiedad,
        ctx: &CommandContext,
    ) -> Result<(), AprobarPropiedadError> {
        let mut datos = self
            .repository
            .cargar(uow, command.id)
            .await?
            .ok_or(AprobarPropiedadError::NoEncontrada(command.id))?;
        datos.aprobar(command.motivo_revision.as_deref(), Utc::now())?;
        guardar_con_eventos::<_, _, AprobarPropiedadError>(
            self.repository.as_ref(),
            self.eventos.as_ref(),
            uow,
            &mut datos,
            ctx,
        )
        .await
    }
}
