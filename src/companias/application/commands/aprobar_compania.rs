use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use thiserror::Error;

use super::guardar_con_eventos;
use crate::companias::application::CompaniaRepository;
use crate::companias::domain::CompaniaEvent;
use crate::contracts::types;
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, EventTranslator, StoreError, TranslateError,
};
use crate::seedwork::domain::{EntityId, ReviewError};

/// Approves a Pendiente company; approving an approved one is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct AprobarCompania {
    pub id: EntityId,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change. `None`:
    /// an ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for AprobarCompania {
    const NAME: &'static str = types::APROBAR_COMPANIA;
    type Output = ();
}

#[derive(Debug, Error)]
pub enum AprobarCompaniaError {
    #[error("compania {0} not found")]
    NoEncontrada(EntityId),
    #[error(transparent)]
    TransicionInvalida(#[from] ReviewError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

pub struct AprobarCompaniaHandler<R, E> {
    repository: Arc<R>,
    eventos: Arc<E>,
}

impl<R, E> AprobarCompaniaHandler<R, E> {
    pub fn new(repository: Arc<R>, eventos: Arc<E>) -> Self {
        Self {
            repository,
            eventos,
        }
    }
}

#[async_trait]
impl<R, E> CommandHandler<AprobarCompania> for AprobarCompaniaHandler<R, E>
where
    R: CompaniaRepository,
    E: EventTranslator<CompaniaEvent>,
{
    type Uow = R::Uow;
    type Error = AprobarCompaniaError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: AprobarCompania,
        ctx: &CommandContext,
    ) -> Result<(), AprobarCompaniaError> {
        let mut compania = self
            .repository
            .cargar(uow, command.id)
            .await?
            .ok_or(AprobarCompaniaError::NoEncontrada(command.id))?;
        compania.aprobar(command.motivo_revision.as_deref(), Utc::now())?;
        guardar_con_eventos::<_, _, AprobarCompaniaError>(
            self.repository.as_ref(),
            self.eventos.as_ref(),
            uow,
            &mut compania,
            ctx,
        )
        .await
    }
}
