use chrono::{DateTime, Utc};

use crate::contracts::types;
use crate::geograficos::application::RECURSO;
use crate::geograficos::domain::{Coordenadas, DatosGeograficos};
use crate::seedwork::application::{
    AggregatePorts, ComandoDeAgregado, Command, CreacionError, SiNoExiste,
};
use crate::seedwork::domain::EntityId;

/// Registers a record with the data as given (blank fields accepted).
#[derive(Debug, Clone)]
pub struct CrearDatosGeograficos {
    pub id: EntityId,
    pub datos: Coordenadas,
}

impl Command for CrearDatosGeograficos {
    const NAME: &'static str = types::CREAR_DATOS_GEOGRAFICOS;
    type Output = EntityId;
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type CrearDatosGeograficosError = CreacionError;

/// Its handler: load → create (above) → save with its events, written
/// once in the seedwork over the repository and the event translator.
pub type CrearDatosGeograficosHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for CrearDatosGeograficos {
    type Agregado = DatosGeograficos;
    type Error = CrearDatosGeograficosError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        ahora: DateTime<Utc>,
    ) -> Result<SiNoExiste<DatosGeograficos, EntityId>, CrearDatosGeograficosError> {
        let id = self.id;
        Ok(SiNoExiste::Crea(
            DatosGeograficos::registrar(id, self.datos, ahora),
            id,
        ))
    }

    /// The id is taken.
    fn aplicar(
        self,
        _: &mut DatosGeograficos,
        _: DateTime<Utc>,
    ) -> Result<EntityId, CrearDatosGeograficosError> {
        Err(CrearDatosGeograficosError::YaExiste {
            recurso: RECURSO,
            id: self.id,
        })
    }
}
