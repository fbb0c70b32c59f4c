//! `CrearPropiedad`, `AprobarPropiedad`, `RechazarPropiedad`,
//! `EliminarPropiedad` (a saga's compensation): each a command,
//! its handler and its error. A handler runs inside the caller's unit of
//! work: load → the aggregate decides → save and stage its events (the
//! outbox rows commit with the record). A creation is its handler's own; a
//! change of an existing record says only what it decides
//! (`ComandoDeAgregado`) and the seedwork loads and saves it.

mod aprobar_propiedad;
mod crear_propiedad;
mod eliminar_propiedad;
mod rechazar_propiedad;

use std::sync::Arc;

pub use aprobar_propiedad::{AprobarPropiedad, AprobarPropiedadError, AprobarPropiedadHandler};
pub use crear_propiedad::{
    CreacionPropiedad, CrearPropiedad, CrearPropiedadError, CrearPropiedadHandler,
};
pub use eliminar_propiedad::{EliminarPropiedad, EliminarPropiedadError, EliminarPropiedadHandler};
pub use rechazar_propiedad::{RechazarPropiedad, RechazarPropiedadError, RechazarPropiedadHandler};

/// The context's four command handlers over the same ports.
pub struct PropiedadHandlers<R, E> {
    /// Where they load and save (a consumer preloads a run's records).
    pub repository: Arc<R>,
    pub crear: Arc<CrearPropiedadHandler<R, E>>,
    pub aprobar: AprobarPropiedadHandler<R, E>,
    pub rechazar: RechazarPropiedadHandler<R, E>,
    pub eliminar: EliminarPropiedadHandler<R, E>,
}

impl<R, E> PropiedadHandlers<R, E> {
    pub fn new(repository: R, eventos: E) -> Self {
        let (repository, eventos) = (Arc::new(repository), Arc::new(eventos));
        Self {
            crear: Arc::new(CrearPropiedadHandler::new(
                repository.clone(),
                eventos.clone(),
            )),
            aprobar: AprobarPropiedadHandler::new(repository.clone(), eventos.clone()),
            rechazar: RechazarPropiedadHandler::new(repository.clone(), eventos.clone()),
            eliminar: EliminarPropiedadHandler::new(repository.clone(), eventos),
            repository,
        }
    }
}

#[cfg(test)]
mod tests;
