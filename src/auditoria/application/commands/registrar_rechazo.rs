use async_trait::async_trait;
use chrono::Utc;

use super::saga_ports::{FalloDeSaga, SagaPorts};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{Resultado, TipoEntidad};
use crate::seedwork::application::{Command, CommandContext, CommandHandler, UnitOfWork};
use crate::seedwork::domain::AggregateRoot;

/// A source context refused a command (`ComandoRechazado`): the saga that
/// sent it fails at once with the reason, and the audit of a record that
/// is decided already follows that decision.
#[derive(Debug, Clone)]
pub struct RegistrarRechazo {
    pub tipo: TipoEntidad,
    pub id_entidad: String,
    /// The refused command's id (a saga's `id_comando`).
    pub id_comando: String,
    pub motivo: String,
    /// The record's decision when it refused, if it had one.
    pub decidido: Option<Resultado>,
}

impl Command for RegistrarRechazo {
    const NAME: &'static str = "RegistrarRechazo";
    type Output = ();
}

/// Its failures, and their verdict on a topic, in `saga_ports`.
pub type RegistrarRechazoError = FalloDeSaga;

/// Its ports (`saga_ports`): the store and the messages it sends (it
/// starts no saga: the policy is not read).
pub type RegistrarRechazoHandler<S, M> = SagaPorts<S, M>;

#[async_trait]
impl<S: AuditoriaStore, M: SagaMessages> CommandHandler<RegistrarRechazo>
    for RegistrarRechazoHandler<S, M>
{
    type Uow = S::Uow;
    type Error = RegistrarRechazoError;

    async fn handle(
        &self,
        uow: &mut S::Uow,
        command: RegistrarRechazo,
        ctx: &CommandContext,
    ) -> Result<(), RegistrarRechazoError> {
        let ahora = Utc::now();
        // Only the refusal of the command a saga waits on moves anything: a
        // late or replayed one may carry an estado long since changed.
        let Some(mut saga) = self
            .store
            .saga_de(uow, command.tipo, &command.id_entidad)
            .await?
        else {
            return Ok(());
        };
        if !saga.rechazar(&command.id_comando, &command.motivo, ahora) {
            return Ok(());
        }
        self.store.guardar_saga(uow, &saga).await?;
        // A registration's parts move with their own events; only a
        // record decided on its own is followed here.
        let Some(decidido) = command.decidido else {
            return Ok(());
        };
        if self
            .store
            .registro_de(uow, command.tipo, &command.id_entidad)
            .await?
            .is_some()
        {
            return Ok(());
        }
        if let Some(mut auditoria) = self
            .store
            .auditoria_de(uow, command.tipo, &command.id_entidad)
            .await?
            && auditoria.seguir_origen(decidido, ahora)
        {
            self.store.guardar_auditoria(uow, &auditoria).await?;
            for event in auditoria.take_events() {
                uow.add_message(self.messages.auditoria_completada(&event, ctx)?);
            }
        }
        Ok(())
    }
}
