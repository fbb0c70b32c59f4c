//! `CrearDatosGeograficos`, `AprobarDatosGeograficos`, `RechazarDatosGeograficos`,
//! `EliminarDatosGeograficos` (a saga's compensation): each a command,
//! its handler and its error. A handler runs inside the caller's unit of
//! work: load → the aggregate decides → save and stage its events (the
//! outbox rows commit with the record). Each command says only what it does
//! where its record does not exist and what the record decides where it
//! does (`ComandoDeAgregado`); the seedwork loads and saves.

mod aprobar_datos_geograficos;
mod crear_datos_geograficos;
mod eliminar_datos_geograficos;
mod rechazar_datos_geograficos;

use std::sync::Arc;

pub use aprobar_datos_geograficos::{
    AprobarDatosGeograficos, AprobarDatosGeograficosError, AprobarDatosGeograficosHandler,
};
pub use crear_datos_geograficos::{
    CrearDatosGeograficos, CrearDatosGeograficosError, CrearDatosGeograficosHandler,
};
pub use eliminar_datos_geograficos::{
    EliminarDatosGeograficos, EliminarDatosGeograficosError, EliminarDatosGeograficosHandler,
};
pub use rechazar_datos_geograficos::{
    RechazarDatosGeograficos, RechazarDatosGeograficosError, RechazarDatosGeograficosHandler,
};

/// The context's four command handlers over the same ports.
pub struct DatosGeograficosHandlers<R, E> {
    /// Where they load and save (a consumer preloads a run's records).
    pub repository: Arc<R>,
    pub crear: Arc<CrearDatosGeograficosHandler<R, E>>,
    pub aprobar: AprobarDatosGeograficosHandler<R, E>,
    pub rechazar: RechazarDatosGeograficosHandler<R, E>,
    pub eliminar: EliminarDatosGeograficosHandler<R, E>,
}

impl<R, E> DatosGeograficosHandlers<R, E> {
    pub fn new(repository: R, eventos: E) -> Self {
        let (repository, eventos) = (Arc::new(repository), Arc::new(eventos));
        Self {
            crear: Arc::new(CrearDatosGeograficosHandler::new(
                repository.clone(),
                eventos.clone(),
            )),
            aprobar: AprobarDatosGeograficosHandler::new(repository.clone(), eventos.clone()),
            rechazar: RechazarDatosGeograficosHandler::new(repository.clone(), eventos.clone()),
            eliminar: EliminarDatosGeograficosHandler::new(repository.clone(), eventos),
            repository,
        }
    }
}

#[cfg(test)]
mod tests;
