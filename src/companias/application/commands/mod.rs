//! `CrearCompania`, `AprobarCompania`, `RechazarCompania`: each a command,
//! its handler and its error. A handler runs inside the caller's unit of
//! work: load → the aggregate decides → save and stage its events (the
//! outbox rows commit with the company).

mod aprobar_compania;
mod crear_compania;
mod rechazar_compania;

use std::sync::Arc;

pub use aprobar_compania::{AprobarCompania, AprobarCompaniaError, AprobarCompaniaHandler};
pub use crear_compania::{CrearCompania, CrearCompaniaError, CrearCompaniaHandler};
pub use rechazar_compania::{RechazarCompania, RechazarCompaniaError, RechazarCompaniaHandler};

use super::CompaniaRepository;
use crate::companias::domain::{Compania, CompaniaEvent};
use crate::seedwork::application::{
    CommandContext, EventTranslator, StoreError, TranslateError, stage_events,
};
use crate::seedwork::domain::AggregateRoot;

/// Saves the company if it recorded events, and stages them for the outbox.
async fn guardar_con_eventos<R, E, Er>(
    repository: &R,
    eventos: &E,
    uow: &mut R::Uow,
    compania: &mut Compania,
    ctx: &CommandContext,
) -> Result<(), Er>
where
    R: CompaniaRepository,
    E: EventTranslator<CompaniaEvent>,
    Er: From<StoreError> + From<TranslateError>,
{
    let events = compania.take_events();
    if !events.is_empty() {
        repository.guardar(uow, compania).await?;
        stage_events(uow, &events, eventos, ctx)?;
    }
    Ok(())
}

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
