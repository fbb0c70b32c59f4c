use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use thiserror::Error;

use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{TipoEntidad, TransicionAuditoria};
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, StoreError, TranslateError, UnitOfWork,
};
use crate::seedwork::domain::AggregateRoot;

/// An auditor takes a decided audit back to review, with a written reason.
/// The source record keeps its decision until the audit is decided again
/// (that decision then reaches it as a revision).
#[derive(Debug, Clone)]
pub struct ReabrirAuditoria {
    pub tipo: TipoEntidad,
    pub id_entidad: String,
    pub motivo: String,
    pub revisor: String,
}

impl Command for ReabrirAuditoria {
    const NAME: &'static str = "ReabrirAuditoria";
    type Output = ();
}

#[derive(Debug, Error)]
pub enum ReabrirAuditoriaError {
    #[error("no audit of {0} {1}")]
    NoEncontrada(TipoEntidad, String),
    /// A registration decides its two parts together: one part alone is
    /// reviewed only while the registration waits on it.
    #[error("{0} {1} is part of a property registration that is not waiting on it")]
    ParteDeRegistro(TipoEntidad, String),
    #[error(transparent)]
    TransicionInvalida(#[from] TransicionAuditoria),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

pub struct ReabrirAuditoriaHandler<S, M> {
    store: Arc<S>,
    messages: Arc<M>,
}

impl<S, M> ReabrirAuditoriaHandler<S, M> {
    pub fn new(store: Arc<S>, messages: Arc<M>) -> Self {
        Self { store, messages }
    }
}

#[async_trait]
impl<S: AuditoriaStore, M: SagaMessages> CommandHandler<ReabrirAuditoria>
    for ReabrirAuditoriaHandler<S, M>
{
    type Uow = S::Uow;
    type Error = ReabrirAuditoriaError;

    async fn handle(
        &self,
        uow: &mut S::Uow,
        command: ReabrirAuditoria,
        ctx: &CommandContext,
    ) -> Result<(), ReabrirAuditoriaError> {
        let mut auditoria = self
            .store
            .auditoria_de(uow, command.tipo, &command.id_entidad)
            .await?
            .ok_or_else(|| {
                ReabrirAuditoriaError::NoEncontrada(command.tipo, command.id_entidad.clone())
            })?;
        if self
            .store
            .registro_de(uow, command.tipo, &command.id_entidad)
            .await?
            .is_some()
        {
            return Err(ReabrirAuditoriaError::ParteDeRegistro(
                command.tipo,
                command.id_entidad,
            ));
        }
        auditoria.reabrir(&command.motivo, &command.revisor, Utc::now())?;
        self.store.guardar_auditoria(uow, &auditoria).await?;
        for event in auditoria.take_events() {
            uow.add_message(self.messages.auditoria_completada(&event, ctx)?);
        }
        Ok(())
    }
}
