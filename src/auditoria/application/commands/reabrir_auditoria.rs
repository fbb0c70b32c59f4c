use async_trait::async_trait;
use chrono::Utc;

use super::saga_ports::{FalloDeRevision, SagaPorts};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::TipoEntidad;
use crate::seedwork::application::{Command, CommandContext, CommandHandler, UnitOfWork};
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
        self.store.guardar_auditoria(uow, &auditoria).await?;
        for event in auditoria.take_events() {
            uow.add_message(self.messages.auditoria_completada(&event, ctx)?);
        }
        Ok(())
    }
}
