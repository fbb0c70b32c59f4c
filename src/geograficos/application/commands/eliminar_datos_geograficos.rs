use chrono::{DateTime, Utc};

use crate::geograficos::domain::DatosGeograficos;
use crate::seedwork::application::{
    AggregatePorts, ComandoDeAgregado, Command, CompensacionError, SiNoExiste,
};
use crate::seedwork::domain::EntityId;

/// A saga's compensation: the record leaves the listings, rejected with
/// the cause; eliminating twice is a no-op.
#[derive(Debug, Clone)]
pub struct EliminarDatosGeograficos {
    pub id: EntityId,
    pub motivo: String,
}

impl Command for EliminarDatosGeograficos {
    /// On the wire: `RechazarDatosGeograficos` with `eliminar` (schema v3).
    const NAME: &'static str = "EliminarDatosGeograficos";
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type EliminarDatosGeograficosError = CompensacionError;

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type EliminarDatosGeograficosHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for EliminarDatosGeograficos {
    type Agregado = DatosGeograficos;
    type Error = EliminarDatosGeograficosError;

    fn id(&self) -> EntityId {
        self.id
    }

    /// Nothing created, nothing to compensate: the saga may compensate a
    /// step whose creation never happened.
    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<DatosGeograficos, ()>, EliminarDatosGeograficosError> {
        Ok(SiNoExiste::Nada(()))
    }

    fn aplicar(
        self,
        datos: &mut DatosGeograficos,
        ahora: DateTime<Utc>,
    ) -> Result<(), EliminarDatosGeograficosError> {
        datos.eliminar(&self.motivo, ahora);
        Ok(())
    }
}
