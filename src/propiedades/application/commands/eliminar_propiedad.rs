use chrono::{DateTime, Utc};

use crate::contracts::types;
use crate::propiedades::domain::Propiedad;
use crate::seedwork::application::{
    AggregatePorts, ComandoDeAgregado, Command, CompensacionError, SiNoExiste,
};
use crate::seedwork::domain::EntityId;

/// A saga's compensation: the property leaves the listings, rejected with
/// the cause; eliminating twice is a no-op.
#[derive(Debug, Clone)]
pub struct EliminarPropiedad {
    pub id: EntityId,
    pub motivo: String,
}

impl Command for EliminarPropiedad {
    const NAME: &'static str = types::ELIMINAR_PROPIEDAD;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type EliminarPropiedadError = CompensacionError;

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type EliminarPropiedadHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for EliminarPropiedad {
    type Agregado = Propiedad;
    type Error = EliminarPropiedadError;

    fn id(&self) -> EntityId {
        self.id
    }

    /// Nothing created, nothing to compensate: the saga may compensate a
    /// step whose creation never happened.
    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<Propiedad, ()>, EliminarPropiedadError> {
        Ok(SiNoExiste::Nada(()))
    }

    fn aplicar(
        self,
        propiedad: &mut Propiedad,
        ahora: DateTime<Utc>,
    ) -> Result<(), EliminarPropiedadError> {
        propiedad.eliminar(&self.motivo, ahora);
        Ok(())
    }
}
