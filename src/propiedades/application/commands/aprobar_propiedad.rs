use async_trait::async_trait;
use chrono::Utc;

use crate::contracts::types;
use crate::propiedades::application::PropiedadRepository;
use crate::propiedades::application::RECURSO;
use crate::propiedades::domain::PropiedadEvent;
use crate::seedwork::application::{
    AggregatePorts, Command, CommandContext, CommandHandler, DecisionError, EventTranslator,
};
use crate::seedwork::domain::EntityId;

/// Approves a Pendiente record; approving an approved one is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct AprobarPropiedad {
    pub id: EntityId,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change (an
    /// eliminated record is still decided as without one). `None`: an
    /// ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for AprobarPropiedad {
    const NAME: &'static str = types::APROBAR_PROPIEDAD;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type AprobarPropiedadError = DecisionError;

/// Its ports: the repository and the event translator.
pub type AprobarPropiedadHandler<R, E> = AggregatePorts<R, E>;

#[async_trait]
impl<R, E> CommandHandler<AprobarPropiedad> for AprobarPropiedadHandler<R, E>
where
    R: PropiedadRepository,
    E: EventTranslator<PropiedadEvent>,
{
    type Uow = R::Uow;
    type Error = AprobarPropiedadError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: AprobarPropiedad,
        ctx: &CommandContext,
    ) -> Result<(), AprobarPropiedadError> {
        let mut datos = self.repository.cargar(uow, command.id).await?.ok_or(
            AprobarPropiedadError::NoEncontrada {
                recurso: RECURSO,
                id: command.id,
            },
        )?;
        datos.aprobar(command.motivo_revision.as_deref(), Utc::now())?;
        self.guardar_con_eventos::<_, AprobarPropiedadError>(uow, &mut datos, ctx)
            .await
    }
}
