use async_trait::async_trait;
use chrono::Utc;

use crate::contracts::types;
use crate::geograficos::application::DatosGeograficosRepository;
use crate::geograficos::application::RECURSO;
use crate::geograficos::domain::DatosGeograficosEvent;
use crate::seedwork::application::{
    AggregatePorts, Command, CommandContext, CommandHandler, DecisionError, EventTranslator,
};
use crate::seedwork::domain::{EntityId, Motivos};

/// Rejects a Pendiente record with reasons; rejecting twice is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct RechazarDatosGeograficos {
    pub id: EntityId,
    pub motivos: Motivos,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change (an
    /// eliminated record is still decided as without one). `None`: an
    /// ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for RechazarDatosGeograficos {
    const NAME: &'static str = types::RECHAZAR_DATOS_GEOGRAFICOS;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type RechazarDatosGeograficosError = DecisionError;

/// Its ports: the repository and the event translator.
pub type RechazarDatosGeograficosHandler<R, E> = AggregatePorts<R, E>;

#[async_trait]
impl<R, E> CommandHandler<RechazarDatosGeograficos> for RechazarDatosGeograficosHandler<R, E>
where
    R: DatosGeograficosRepository,
    E: EventTranslator<DatosGeograficosEvent>,
{
    type Uow = R::Uow;
    type Error = RechazarDatosGeograficosError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: RechazarDatosGeograficos,
        ctx: &CommandContext,
    ) -> Result<(), RechazarDatosGeograficosError> {
        let mut datos = self.repository.cargar(uow, command.id).await?.ok_or(
            RechazarDatosGeograficosError::NoEncontrada {
                recurso: RECURSO,
                id: command.id,
            },
        )?;
        datos.rechazar(
            &command.motivos,
            command.motivo_revision.as_deref(),
            Utc::now(),
        )?;
        self.guardar_con_eventos::<_, RechazarDatosGeograficosError>(uow, &mut datos, ctx)
            .await
    }
}
