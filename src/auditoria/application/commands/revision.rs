//! An auditor's review of an audit: `RevisarAuditoria` (approve or reject
//! one EnRevision) and `ReabrirAuditoria` (take a decided one back to
//! review), each a command with its handler and its error.

use async_trait::async_trait;
use chrono::Utc;

use super::auditar_entidad::{ejecutar, veredicto};
use super::saga_context;
use super::saga_ports::{FalloDeRevision, SagaPorts, guardar_auditoria};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{Auditoria, Decision, ParteRegistro, Saga, TipoEntidad};
use crate::seedwork::application::{Command, CommandContext, CommandHandler, UnitOfWork};

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

/// Its failures, and their verdict on a topic, in `saga_ports`.
pub type RevisarAuditoriaError = FalloDeRevision;

/// Records the decision on the audit, announces it (`AuditoriaCompletada`
/// with motivo and revisor) and either moves the property registration
/// that waited on it or starts the decision's saga: the source context's
/// `AprobarX`/`RechazarX` (a revision when the audit had been reopened),
/// all in the caller's transaction.
pub type RevisarAuditoriaHandler<S, M> = SagaPorts<S, M>;

impl<S: AuditoriaStore, M: SagaMessages> RevisarAuditoriaHandler<S, M> {
    /// What the decision moves: the property registration that waited on
    /// this part, or the record's own decision saga.
    async fn decidir(
        &self,
        uow: &mut S::Uow,
        auditoria: &Auditoria,
        decision: Decision,
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
                    veredicto(auditoria, decision),
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
                    decision,
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
        guardar_auditoria::<_, _, RevisarAuditoriaError>(
            self.store.as_ref(),
            self.messages.as_ref(),
            uow,
            &mut auditoria,
            ctx,
        )
        .await?;
        self.decidir(uow, &auditoria, command.decision, ctx).await
    }
}

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

/// Its failures, and their verdict on a topic, in `saga_ports`.
pub type ReabrirAuditoriaError = FalloDeRevision;

/// Its ports (`saga_ports`): the store and the messages it sends (it
/// starts no saga: the policy is not read).
pub type ReabrirAuditoriaHandler<S, M> = SagaPorts<S, M>;

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
        guardar_auditoria::<_, _, ReabrirAuditoriaError>(
            self.store.as_ref(),
            self.messages.as_ref(),
            uow,
            &mut auditoria,
            ctx,
        )
        .await?;
        Ok(())
    }
}
