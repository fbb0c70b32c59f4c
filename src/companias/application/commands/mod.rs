//! `CrearCompania`, `AprobarCompania`, `RechazarCompania`: each a command,
//! its handler and its error. A handler runs inside the caller's unit of
//! work: load → the aggregate decides → save and stage its events (the
//! outbox rows commit with the company). Each command says only what it does
//! where its record does not exist and what the record decides where it
//! does (`ComandoDeAgregado`); the seedwork loads and saves.

mod aprobar_compania;
mod crear_compania;
mod rechazar_compania;

use std::sync::Arc;

pub use aprobar_compania::{AprobarCompania, AprobarCompaniaError, AprobarCompaniaHandler};
pub use crear_compania::{CrearCompania, CrearCompaniaError, CrearCompaniaHandler};
pub use rechazar_compania::{RechazarCompania, RechazarCompaniaError, RechazarCompaniaHandler};

/// The context's three command handlers over the same ports.
pub struct CompaniaHandlers<R, E> {
    /// Where they load and save (a consumer preloads a run's companies).
    pub repository: Arc<R>,
    pub crear: Arc<CrearCompaniaHandler<R, E>>,
    pub aprobar: AprobarCompaniaHandler<R, E>,
    pub rechazar: RechazarCompaniaHandler<R, E>,
}

impl<R, E> CompaniaHandlers<R, E> {
    pub fn new(repository: R, eventos: E) -> Self {
        let (repository, eventos) = (Arc::new(repository), Arc::new(eventos));
        Self {
            crear: Arc::new(CrearCompaniaHandler::new(
                repository.clone(),
                eventos.clone(),
            )),
            aprobar: AprobarCompaniaHandler::new(repository.clone(), eventos.clone()),
            rechazar: RechazarCompaniaHandler::new(repository.clone(), eventos),
            repository,
        }
    }
}

#[cfg(test)]
mod tests;
