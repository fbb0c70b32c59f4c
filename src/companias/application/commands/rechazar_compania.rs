use async_trait::async_trait;
use chrono::Utc;

use crate::companias::application::CompaniaRepository;
use crate::companias::application::RECURSO;
use crate::companias::domain::CompaniaEvent;
use crate::contracts::types;
use crate::seedwork::application::{
    AggregatePorts, Command, CommandContext, CommandHandler, DecisionError, EventTranslator,
};
use crate::seedwork::domain::{EntityId, Motivos};

/// Rejects a Pendiente company with reasons; rejecting twice is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct RechazarCompania {
    pub id: EntityId,
    pub motivos: Motivos,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change. `None`:
    /// an ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for RechazarCompania {
    const NAME: &'static str = types::RECHAZAR_COMPANIA;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type RechazarCompaniaError = DecisionError;

/// Its ports: the repository and the event translator.
pub type RechazarCompaniaHandler<R, E> = AggregatePorts<R, E>;

#[async_trait]
impl<R, E> CommandHandler<RechazarCompania> for RechazarCompaniaHandler<R, E>
where
    R: CompaniaRepository,
    E: EventTranslator<CompaniaEvent>,
{
    type Uow = R::Uow;
    type Error = RechazarCompaniaError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: RechazarCompania,
        ctx: &CommandContext,
    ) -> Result<(), RechazarCompaniaError> {
        let mut compania = self.repository.cargar(uow, command.id).await?.ok_or(
            RechazarCompaniaError::NoEncontrada {
                recurso: RECURSO,
                id: command.id,
            },
        )?;
        compania.rechazar(
            &command.motivos,
            command.motivo_revision.as_deref(),
            Utc::now(),
        )?;
        self.guardar_con_eventos::<_, RechazarCompaniaError>(uow, &mut compania, ctx)
            .await
    }
}
