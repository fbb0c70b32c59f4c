use async_trait::async_trait;
use chrono::Utc;

use super::auditar_entidad::ejecutar;
use super::saga_ports::{FalloDeSaga, SagaPorts};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{ParteRegistro, TipoEntidad};
use crate::seedwork::application::{Command, CommandContext, CommandHandler};

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
