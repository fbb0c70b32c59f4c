use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use thiserror::Error;

use super::guardar_con_eventos;
use crate::contracts::types;
use crate::geograficos::application::DatosGeograficosRepository;
use crate::geograficos::domain::DatosGeograficosEvent;
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, EventTranslator, StoreError, TranslateError,
};
use crate::seedwork::domain::{EntityId, ReviewError};

/// Approves a Pendiente record; approving an approved one is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct AprobarDatosGeograficos {
    pub id: EntityId,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change (an
    /// eliminated record is still decided as without one). `None`: an
    /// ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for AprobarDatosGeograficos {
    const NAME: &'static str = types::APROBAR_DATOS_GEOGRAFICOS;
    type Output = ();
}

#[derive(Debug, Error)]
pub enum AprobarDatosGeograficosError {
    #[error("datos_geograficos {0} not found")]
    NoEncontrada(EntityId),
    #[error(transparent)]
    TransicionInvalida(#[from] ReviewError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

pub struct AprobarDatosGeograficosHandler<R, E> {
    repository: Arc<R>,
    eventos: Arc<E>,
}

impl<R, E> AprobarDatosGeograficosHandler<R, E> {
    pub fn new(repository: Arc<R>, eventos: Arc<E>) -> Self {
        Self {
            repository,
            eventos,
        }
    }
}

#[async_trait]
impl<R, E> CommandHandler<AprobarDatosGeograficos> for AprobarDatosGeograficosHandler<R, E>
where
    R: DatosGeograficosRepository,
    E: EventTranslator<DatosGeograficosEvent>,
{
    type Uow = R::Uow;
    type Error = AprobarDatosGeograficosError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: AprobarDatosGeograficos,
        ctx: &CommandContext,
    ) -> Result<(), AprobarDatosGeograficosError> {
        let mut datos = self
            .repository
            .cargar(uow, command.id)
            .await?
            .ok_or(AprobarDatosGeograficosError::NoEncontrada(command.id))?;
        datos.aprobar(command.motivo_revision.as_deref(), Utc::now())?;
        guardar_con_eventos::<_, _, AprobarDatosGeograficosError>(
            self.repository.as_ref(),
            self.eventos.as_ref(),
            uow,
            &mut datos,
            ctx,
        )
        .await
    }
}
