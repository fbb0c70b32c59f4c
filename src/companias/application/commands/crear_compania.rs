use chrono::{DateTime, Utc};

use crate::companias::application::RECURSO;
use crate::companias::domain::{Compania, DatosCompania};
use crate::contracts::types;
use crate::seedwork::application::{
    AggregatePorts, ComandoDeAgregado, Command, CreacionError, SiNoExiste,
};
use crate::seedwork::domain::EntityId;

/// Registers a company with the data as given (blank fields accepted).
#[derive(Debug, Clone)]
pub struct CrearCompania {
    pub id: EntityId,
    pub datos: DatosCompania,
}

impl Command for CrearCompania {
    const NAME: &'static str = types::CREAR_COMPANIA;
    type Output = EntityId;
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type CrearCompaniaError = CreacionError;

/// Its handler: load → create (above) → save with its events, written
/// once in the seedwork over the repository and the event translator.
pub type CrearCompaniaHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for CrearCompania {
    type Agregado = Compania;
    type Error = CrearCompaniaError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        ahora: DateTime<Utc>,
    ) -> Result<SiNoExiste<Compania, EntityId>, CrearCompaniaError> {
        let id = self.id;
        Ok(SiNoExiste::Crea(
            Compania::registrar(id, self.datos, ahora),
            id,
        ))
    }

    /// The id is taken.
    fn aplicar(self, _: &mut Compania, _: DateTime<Utc>) -> Result<EntityId, CrearCompaniaError> {
        Err(CrearCompaniaError::YaExiste {
            recurso: RECURSO,
            id: self.id,
        })
    }
}
