//! `CrearPropiedad`, `AprobarPropiedad`, `RechazarPropiedad`,
//! `EliminarPropiedad` (a saga's compensation): each a command,
//! its handler and its error. A handler runs inside the caller's unit of
//! work: load → the aggregate decides → save and stage its events (the
//! outbox rows commit with the record).

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

use super::PropiedadRepository;
use crate::propiedades::domain::{Propiedad, PropiedadEvent};
use crate::seedwork::application::{
    CommandContext, EventTranslator, StoreError, TranslateError, stage_events,
};
use crate::seedwork::domain::AggregateRoot;

/// Saves the record if it recorded events, and stages them for the outbox.
async fn guardar_con_eventos<R, E, Er>(
    repository: &R,
    eventos: &E,
    uow: &mut R::Uow,
    datos: &mut Propiedad,
    ctx: &CommandContext,
) -> Result<(), Er>
where
    R: PropiedadRepository,
    E: EventTranslator<PropiedadEvent>,
    Er: From<StoreError> + From<TranslateError>,
{
    let events = datos.take_events();
    if !events.is_empty() {
        repository.guardar(uow, datos).await?;
        stage_events(uow, &events, eventos, ctx)?;
    }
    Ok(())
}

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
