use chrono::{DateTime, Utc};

use crate::contracts::types;
use crate::geograficos::application::RECURSO;
use crate::geograficos::domain::DatosGeograficos;
use crate::seedwork::application::{
    AggregatePorts, ComandoDeAgregado, Command, DecisionError, SiNoExiste,
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

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type RechazarDatosGeograficosHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for RechazarDatosGeograficos {
    type Agregado = DatosGeograficos;
    type Error = RechazarDatosGeograficosError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<DatosGeograficos, ()>, RechazarDatosGeograficosError> {
        Err(RechazarDatosGeograficosError::NoEncontrada {
            recurso: RECURSO,
            id: self.id,
        })
    }

    fn aplicar(
        self,
        datos: &mut DatosGeograficos,
        ahora: DateTime<Utc>,
    ) -> Result<(), RechazarDatosGeograficosError> {
        Ok(datos.rechazar(&self.motivos, self.motivo_revision.as_deref(), ahora)?)
    }
}
