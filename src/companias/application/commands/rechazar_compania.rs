use chrono::{DateTime, Utc};

use crate::companias::application::RECURSO;
use crate::companias::domain::Compania;
use crate::contracts::types;
use crate::seedwork::application::{
    AggregatePorts, ComandoDeAgregado, Command, DecisionError, SiNoExiste,
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

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type RechazarCompaniaHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for RechazarCompania {
    type Agregado = Compania;
    type Error = RechazarCompaniaError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<Compania, ()>, RechazarCompaniaError> {
        Err(RechazarCompaniaError::NoEncontrada {
            recurso: RECURSO,
            id: self.id,
        })
    }

    fn aplicar(
        self,
        compania: &mut Compania,
        ahora: DateTime<Utc>,
    ) -> Result<(), RechazarCompaniaError> {
        Ok(compania.rechazar(&self.motivos, self.motivo_revision.as_deref(), ahora)?)
    }
}
