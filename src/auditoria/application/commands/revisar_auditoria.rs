use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use thiserror::Error;

use super::auditar_entidad::{ejecutar, veredicto};
use super::{SagaPolicy, saga_context};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{
    Auditoria, Decision, ParteRegistro, Saga, TipoEntidad, TransicionAuditoria,
};
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, StoreError, TranslateError, UnitOfWork,
};
use crate::seedwork::domain::AggregateRoot;

/// An auditor approves or rejects a record whose audit is EnRevision, with
/// a written reason (`AprobarRevision` / `RechazarRevision` on the wire).
#[derive(Debug, Clone)]
pub struct RevisarAuditoria {
    pub tipo: TipoEntidad,
    pub id_entidad: String,
    pub decision: Decision,
    pub motivo: String,
    pub revisor: String,
}

impl Command for RevisarAuditoria {
    const NAME: &'static str = "RevisarAuditoria";
    type Output = ();
}

#[derive(Debug, Error)]
pub enum RevisarAuditoriaError {
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

/// Records the decision on the audit, announces it (`AuditoriaCompletada`
/// with motivo and revisor) and either moves the property registration
/// that waited on it or starts the decision's saga: the source context's
/// `AprobarX`/`RechazarX` (a revision when the audit had been reopened),
/// all in the caller's transaction.
pub struct RevisarAuditoriaHandler<S, M> {
    store: Arc<S>,
    messages: Arc<M>,
    policy: SagaPolicy,
}

impl<S, M> RevisarAuditoriaHandler<S, M> {
    pub fn new(store: Arc<S>, messages: Arc<M>, policy: SagaPolicy) -> Self {
        Self {
            store,
            messages,
            policy,
        }
    }
}

impl<S: AuditoriaStore, M: SagaMessages> RevisarAuditoriaHandler<S, M> {
    /// What the decision moves: the property registration that waited on
    /// this part, or the record's own decision saga.
    async fn decidir(
        &self,
        uow: &mut S::Uow,
        auditoria: &Auditoria,
        ctx: &CommandContext,
    ) -> Result<(), RevisarAuditoriaError> {
        let registro = self
            .store
            .registro_de(uow, auditoria.tipo_entidad(), auditoria.id_entidad())
            .await?;
        // A company is never part of a registration.
        let parte = ParteRegistro::de(auditoria.tipo_entidad());
        match (registro, parte) {
            // A registration waiting on this part goes on with the verdict.
            (Some(mut registro), Some(parte)) if registro.espera_revision(parte) => {
                let acciones = registro.parte_revisada(
                    parte,
                    veredicto(auditoria),
                    uuid::Uuid::now_v7().to_string(),
                    self.policy.timeout(),
                    Utc::now(),
                );
                ejecutar::<_, _, RevisarAuditoriaError>(
                    self.store.as_ref(),
                    self.messages.as_ref(),
                    uow,
                    &registro,
                    acciones,
                    ctx,
                    self.policy,
                )
                .await
            }
            (Some(_), _) => Err(RevisarAuditoriaError::ParteDeRegistro(
                auditoria.tipo_entidad(),
                auditoria.id_entidad().to_owned(),
            )),
            (None, _) => {
                let saga = Saga::iniciar(
                    auditoria,
                    uuid::Uuid::now_v7().to_string(),
                    &ctx.correlation_id,
                    self.policy.timeout(),
                    Utc::now(),
                );
                self.store.guardar_saga(uow, &saga).await?;
                let saga_ctx = saga_context(&saga, Some(&ctx.command_id));
                uow.add_message(self.messages.comando(&saga, &saga_ctx)?);
                Ok(())
            }
        }
    }
}

#[async_trait]
impl<S: AuditoriaStore, M: SagaMessages> CommandHandler<RevisarAuditoria>
    for RevisarAuditoriaHandler<S, M>
{
    type Uow = S::Uow;
    type Error = RevisarAuditoriaError;

    async fn handle(
        &self,
        uow: &mut S::Uow,
        command: RevisarAuditoria,
        ctx: &CommandContext,
    ) -> Result<(), RevisarAuditoriaError> {
        let mut auditoria = self
            .store
            .auditoria_de(uow, command.tipo, &command.id_entidad)
            .await?
            .ok_or_else(|| {
                RevisarAuditoriaError::NoEncontrada(command.tipo, command.id_entidad.clone())
            })?;
        let ahora = Utc::now();
        auditoria.revisar(command.decision, &command.motivo, &command.revisor, ahora)?;
        self.store.guardar_auditoria(uow, &auditoria).await?;
        for event in auditoria.take_events() {
            uow.add_message(self.messages.auditoria_completada(&event, ctx)?);
        }
        self.decidir(uow, &auditoria, ctx).await
    }
}
