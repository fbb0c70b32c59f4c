use async_trait::async_trait;
use chrono::Utc;

use super::auditar_entidad::ejecutar;
use super::saga_ports::{FalloDeSaga, SagaPorts};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{EstadoSaga, Resultado};
use crate::auditoria::domain::{ParteRegistro, TipoEntidad};
use crate::seedwork::application::{Command, CommandContext, CommandHandler, UnitOfWork};
use crate::seedwork::domain::AggregateRoot;

/// The source context reports a record's final state (its `...Aprobada` or
/// `...Rechazada` event): the saga waiting for it is done (or failed, when
/// the record was decided otherwise), and so is the registration's part.
/// The audit follows whatever the record ended as (a decision taken in the
/// source context directly, or one that raced an auditor's): the record's
/// estado lives in its context, and the review queue must not keep a
/// second truth.
#[derive(Debug, Clone)]
pub struct RegistrarResultado {
    pub tipo: TipoEntidad,
    pub id_entidad: String,
    pub estado: Resultado,
}

impl Command for RegistrarResultado {
    const NAME: &'static str = "RegistrarResultado";
    type Output = ();
}

/// Its failures, and their verdict on a topic, in `saga_ports`.
pub type RegistrarResultadoError = FalloDeSaga;

/// Its ports: the store, the messages it sends, the saga policy.
pub type RegistrarResultadoHandler<S, M> = SagaPorts<S, M>;

#[async_trait]
impl<S: AuditoriaStore, M: SagaMessages> CommandHandler<RegistrarResultado>
    for RegistrarResultadoHandler<S, M>
{
    type Uow = S::Uow;
    type Error = RegistrarResultadoError;

    async fn handle(
        &self,
        uow: &mut S::Uow,
        command: RegistrarResultado,
        ctx: &CommandContext,
    ) -> Result<(), RegistrarResultadoError> {
        let ahora = Utc::now();
        // A saga that waits for its own reply settles the audit; a late
        // reply to another command (a revision's saga hearing the rules'
        // earlier one) must not overturn a person's decision meanwhile.
        let mut ajeno_a_su_saga = false;
        // A manual decision on a record the audit never saw has no saga.
        if let Some(mut saga) = self
            .store
            .saga_de(uow, command.tipo, &command.id_entidad)
            .await?
        {
            // An auditor's revision hears only the reply to its own
            // command: a late reply to the rules' earlier one is not it.
            let suya =
                saga.revision().is_none() || ctx.causation_id.as_deref() == Some(saga.id_comando());
            ajeno_a_su_saga = !suya && saga.estado() == EstadoSaga::Pendiente;
            if suya && saga.completar(command.estado, ahora) {
                self.store.guardar_saga(uow, &saga).await?;
            }
        }
        if let Some(mut registro) = self
            .store
            .registro_de(uow, command.tipo, &command.id_entidad)
            .await?
        {
            let movido = ParteRegistro::de(command.tipo)
                .is_some_and(|parte| registro.resultado(parte, command.estado, ahora));
            if movido {
                ejecutar::<_, _, RegistrarResultadoError>(
                    self.store.as_ref(),
                    self.messages.as_ref(),
                    uow,
                    &registro,
                    Vec::new(),
                    ctx,
                    self.policy,
                )
                .await?;
            }
        } else if !ajeno_a_su_saga {
            self.seguir_origen(uow, &command, ctx, ahora).await?;
        }
        Ok(())
    }
}

impl<S: AuditoriaStore, M: SagaMessages> RegistrarResultadoHandler<S, M> {
    /// The audit takes the record's decision, unless it already agrees or a
    /// person reopened it (they decide next).
    async fn seguir_origen(
        &self,
        uow: &mut S::Uow,
        command: &RegistrarResultado,
        ctx: &CommandContext,
        ahora: chrono::DateTime<Utc>,
    ) -> Result<(), RegistrarResultadoError> {
        let Some(mut auditoria) = self
            .store
            .auditoria_de(uow, command.tipo, &command.id_entidad)
            .await?
        else {
            return Ok(());
        };
        if auditoria.seguir_origen(command.estado, ahora) {
            self.store.guardar_auditoria(uow, &auditoria).await?;
            for event in auditoria.take_events() {
                uow.add_message(self.messages.auditoria_completada(&event, ctx)?);
            }
        }
        Ok(())
    }
}
