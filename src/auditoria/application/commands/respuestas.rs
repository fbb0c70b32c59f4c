//! What a source context answers a saga's command, each a command with
//! its handler and its error: `RegistrarResultado` (the record's final
//! state), `RegistrarRechazo` (it refused the command) and
//! `RegistrarCompensacion` (a compensation applied, or a creation refused).

use async_trait::async_trait;
use chrono::Utc;

use super::auditar_entidad::ejecutar;
use super::saga_ports::{FalloDeSaga, SagaPorts, guardar_auditoria};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{EstadoSaga, ParteRegistro, Resultado, TipoEntidad};
use crate::seedwork::application::{Command, CommandContext, CommandHandler};

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
            guardar_auditoria::<_, _, RegistrarResultadoError>(
                self.store.as_ref(),
                self.messages.as_ref(),
                uow,
                &mut auditoria,
                ctx,
            )
            .await?;
        }
        Ok(())
    }
}

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
            guardar_auditoria::<_, _, RegistrarRechazoError>(
                self.store.as_ref(),
                self.messages.as_ref(),
                uow,
                &mut auditoria,
                ctx,
            )
            .await?;
        }
        Ok(())
    }
}

/// What a registration's participant reported about a step that is not a
/// creation: a compensation applied (`PropiedadEliminada`, the eliminating
/// `DatosGeograficosRechazados`) or a creation refused
/// (`CreacionPropiedadFallida`).
#[derive(Debug, Clone)]
pub enum RegistrarCompensacion {
    Eliminada {
        tipo: TipoEntidad,
        id_entidad: String,
    },
    CreacionFallida {
        id_propiedad: String,
        motivo: String,
    },
}

impl Command for RegistrarCompensacion {
    const NAME: &'static str = "RegistrarCompensacion";
    type Output = ();
}

/// Its failures, and their verdict on a topic, in `saga_ports`.
pub type RegistrarCompensacionError = FalloDeSaga;

/// Its ports: the store, the messages it sends, the saga policy.
pub type RegistrarCompensacionHandler<S, M> = SagaPorts<S, M>;

#[async_trait]
impl<S, M> CommandHandler<RegistrarCompensacion> for RegistrarCompensacionHandler<S, M>
where
    S: AuditoriaStore,
    M: SagaMessages,
{
    type Uow = S::Uow;
    type Error = RegistrarCompensacionError;

    async fn handle(
        &self,
        uow: &mut S::Uow,
        command: RegistrarCompensacion,
        ctx: &CommandContext,
    ) -> Result<(), RegistrarCompensacionError> {
        let (tipo, id) = match &command {
            RegistrarCompensacion::Eliminada { tipo, id_entidad } => (*tipo, id_entidad),
            RegistrarCompensacion::CreacionFallida { id_propiedad, .. } => {
                (TipoEntidad::Propiedad, id_propiedad)
            }
        };
        // Not part of a registration (an operator's own elimination): nothing to do.
        let Some(mut registro) = self.store.registro_de(uow, tipo, id).await? else {
            return Ok(());
        };
        let ahora = Utc::now();
        let moved = match &command {
            RegistrarCompensacion::Eliminada { tipo, .. } => {
                ParteRegistro::de(*tipo).is_some_and(|parte| registro.eliminada(parte, ahora))
            }
            RegistrarCompensacion::CreacionFallida { motivo, .. } => {
                registro.creacion_fallida(motivo, ahora)
            }
        };
        if moved {
            ejecutar::<_, _, RegistrarCompensacionError>(
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
        Ok(())
    }
}
