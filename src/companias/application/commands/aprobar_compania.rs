use chrono::{DateTime, Utc};

use crate::companias::application::RECURSO;
use crate::companias::domain::Compania;
use crate::contracts::types;
use crate::seedwork::application::{
    AggregatePorts, ComandoDeAgregado, Command, DecisionError, SiNoExiste,
};
use crate::seedwork::domain::EntityId;

/// Approves a Pendiente company; approving an approved one is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct AprobarCompania {
    pub id: EntityId,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change. `None`:
    /// an ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for AprobarCompania {
    const NAME: &'static str = types::APROBAR_COMPANIA;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type AprobarCompaniaError = DecisionError;

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type AprobarCompaniaHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for AprobarCompania {
    type Agregado = Compania;
    type Error = AprobarCompaniaError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<Compania, ()>, AprobarCompaniaError> {
        Err(AprobarCompaniaError::NoEncontrada {
            recurso: RECURSO,
            id: self.id,
        })
    }

    fn aplicar(
        self,
        compania: &mut Compania,
        ahora: DateTime<Utc>,
    ) -> Result<(), AprobarCompaniaError> {
        Ok(compania.aprobar(self.motivo_revision.as_deref(), ahora)?)
    }
}
