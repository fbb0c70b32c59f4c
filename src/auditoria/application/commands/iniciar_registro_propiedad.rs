use async_trait::async_trait;
use chrono::Utc;

use super::auditar_entidad::ejecutar;
use super::saga_ports::{FalloDeSaga, SagaPorts};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{DatosRegistro, RegistroPropiedad, TipoEntidad};
use crate::contracts::types;
use crate::seedwork::application::{Command, CommandContext, CommandHandler};
use crate::seedwork::domain::EntityId;

/// Register a property with its geographic data, as one saga
/// (`RegistrarPropiedad` on `comandos-auditoria`).
#[derive(Debug, Clone)]
pub struct IniciarRegistroPropiedad {
    /// The property's id: the saga's id and its correlation id.
    pub id_propiedad: EntityId,
    pub datos: DatosRegistro,
}

impl Command for IniciarRegistroPropiedad {
    const NAME: &'static str = types::REGISTRAR_PROPIEDAD;
    /// Whether a registration started (false: it had been already).
    type Output = bool;
}

/// Its failures, and their verdict on a topic, in `saga_ports`.
pub type IniciarRegistroPropiedadError = FalloDeSaga;

/// Starts the registration: the saga row, its `CrearPropiedad` and its
/// first `RegistroPropiedadAvanzado` commit together.
pub type IniciarRegistroPropiedadHandler<S, M> = SagaPorts<S, M>;

#[async_trait]
impl<S, M> CommandHandler<IniciarRegistroPropiedad> for IniciarRegistroPropiedadHandler<S, M>
where
    S: AuditoriaStore,
    M: SagaMessages,
{
    type Uow = S::Uow;
    type Error = IniciarRegistroPropiedadError;

    async fn handle(
        &self,
        uow: &mut S::Uow,
        command: IniciarRegistroPropiedad,
        ctx: &CommandContext,
    ) -> Result<bool, IniciarRegistroPropiedadError> {
        let id = command.id_propiedad.to_string();
        if self
            .store
            .registro_de(uow, TipoEntidad::Propiedad, &id)
            .await?
            .is_some()
        {
            return Ok(false);
        }
        let (registro, primera) = RegistroPropiedad::iniciar(
            command.id_propiedad,
            EntityId::new(),
            command.datos,
            uuid::Uuid::now_v7().to_string(),
            self.policy.timeout(),
            Utc::now(),
        );
        ejecutar::<_, _, IniciarRegistroPropiedadError>(
            self.store.as_ref(),
            self.messages.as_ref(),
            uow,
            &registro,
            vec![primera],
            ctx,
            self.policy,
        )
        .await?;
        Ok(true)
    }
}
