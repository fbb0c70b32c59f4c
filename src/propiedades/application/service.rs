use std::sync::Arc;

use async_trait::async_trait;

use super::{
    AprobarPropiedad, AprobarPropiedadError, ConsultaPropiedades, CreacionPropiedad,
    CrearPropiedad, CrearPropiedadError, ObtenerPropiedad, ObtenerPropiedadError,
    ObtenerPropiedadHandler, ObtenerPropiedades, ObtenerPropiedadesError,
    ObtenerPropiedadesHandler, PropiedadHandlers, PropiedadRepository, PropiedadVista,
    RechazarPropiedad, RechazarPropiedadError,
};
use crate::propiedades::domain::PropiedadEvent;
use crate::seedwork::application::{
    CommandContext, EventTranslator, GroupCommit, PageOf, UnitOfWorkFactory, ask, dispatch,
};
use crate::seedwork::domain::EntityId;

/// What the context offers its callers (the HTTP API): every use case,
/// each command in a unit of work of its own.
#[async_trait]
pub trait PropiedadService: Send + Sync + 'static {
    async fn crear_propiedad(
        &self,
        command: CrearPropiedad,
        ctx: CommandContext,
    ) -> Result<EntityId, CrearPropiedadError>;

    async fn aprobar_propiedad(
        &self,
        command: AprobarPropiedad,
        ctx: CommandContext,
    ) -> Result<(), AprobarPropiedadError>;

    async fn rechazar_propiedad(
        &self,
        command: RechazarPropiedad,
        ctx: CommandContext,
    ) -> Result<(), RechazarPropiedadError>;

    async fn obtener_propiedad(
        &self,
        query: ObtenerPropiedad,
    ) -> Result<PropiedadVista, ObtenerPropiedadError>;

    async fn obtener_propiedades(
        &self,
        query: ObtenerPropiedades,
    ) -> Result<PageOf<PropiedadVista>, ObtenerPropiedadesError>;
}

/// The service over its ports: units of work, the repository and event
/// mapping (through the handlers), the read model.
pub struct Propiedades<F, R, E, Q> {
    uows: F,
    handlers: Arc<PropiedadHandlers<R, E>>,
    /// Creations share transactions (group commit).
    crear: GroupCommit<CrearPropiedad, CrearPropiedadError>,
    obtener: ObtenerPropiedadHandler<Q>,
    listar: ObtenerPropiedadesHandler<Q>,
}

impl<F, R, E, Q> Propiedades<F, R, E, Q>
where
    F: UnitOfWorkFactory + Clone + 'static,
    R: PropiedadRepository<Uow = F::Uow>,
    E: EventTranslator<PropiedadEvent> + 'static,
{
    /// `committers`: creations' transactions in flight at once.
    pub fn new(
        uows: F,
        handlers: Arc<PropiedadHandlers<R, E>>,
        consulta: Q,
        committers: usize,
    ) -> Self {
        let consulta = Arc::new(consulta);
        Self {
            crear: GroupCommit::start(uows.clone(), handlers.crear.clone(), committers),
            uows,
            handlers,
            obtener: ObtenerPropiedadHandler::new(consulta.clone()),
            listar: ObtenerPropiedadesHandler::new(consulta),
        }
    }
}

#[async_trait]
impl<F, R, E, Q> PropiedadService for Propiedades<F, R, E, Q>
where
    F: UnitOfWorkFactory + 'static,
    R: PropiedadRepository<Uow = F::Uow>,
    E: EventTranslator<PropiedadEvent> + 'static,
    Q: ConsultaPropiedades,
{
    async fn crear_propiedad(
        &self,
        command: CrearPropiedad,
        ctx: CommandContext,
    ) -> Result<EntityId, CrearPropiedadError> {
        // The refusal commits its event, then answers the caller as an error.
        match self.crear.submit(command, ctx).await? {
            CreacionPropiedad::Creada(id) => Ok(id),
            CreacionPropiedad::Fallida {
                identificacion_catastral,
            } => Err(CrearPropiedadError::CatastralRegistrada(
                identificacion_catastral,
            )),
        }
    }

    async fn aprobar_propiedad(
        &self,
        command: AprobarPropiedad,
        ctx: CommandContext,
    ) -> Result<(), AprobarPropiedadError> {
        dispatch(&self.uows, &self.handlers.aprobar, command, ctx).await
    }

    async fn rechazar_propiedad(
        &self,
        command: RechazarPropiedad,
        ctx: CommandContext,
    ) -> Result<(), RechazarPropiedadError> {
        dispatch(&self.uows, &self.handlers.rechazar, command, ctx).await
    }

    async fn obtener_propiedad(
        &self,
        query: ObtenerPropiedad,
    ) -> Result<PropiedadVista, ObtenerPropiedadError> {
        ask(&self.obtener, query).await
    }

    async fn obtener_propiedades(
        &self,
        query: ObtenerPropiedades,
    ) -> Result<PageOf<PropiedadVista>, ObtenerPropiedadesError> {
        ask(&self.listar, query).await
    }
}
