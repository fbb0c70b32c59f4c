use std::sync::Arc;

use async_trait::async_trait;

use super::{
    AprobarCompania, AprobarCompaniaError, CompaniaHandlers, CompaniaRepository, CompaniaVista,
    ConsultaCompanias, CrearCompania, CrearCompaniaError, ObtenerCompania, ObtenerCompaniaError,
    ObtenerCompaniaHandler, ObtenerCompanias, ObtenerCompaniasError, ObtenerCompaniasHandler,
    RechazarCompania, RechazarCompaniaError,
};
use crate::companias::domain::CompaniaEvent;
use crate::seedwork::application::{
    CommandContext, EventTranslator, GroupCommit, PageOf, UnitOfWorkFactory, ask, dispatch,
};
use crate::seedwork::domain::EntityId;

/// What the context offers its callers (the HTTP API): every use case,
/// each command in a unit of work of its own.
#[async_trait]
pub trait CompaniaService: Send + Sync + 'static {
    async fn crear_compania(
        &self,
        command: CrearCompania,
        ctx: CommandContext,
    ) -> Result<EntityId, CrearCompaniaError>;

    async fn aprobar_compania(
        &self,
        command: AprobarCompania,
        ctx: CommandContext,
    ) -> Result<(), AprobarCompaniaError>;

    async fn rechazar_compania(
        &self,
        command: RechazarCompania,
        ctx: CommandContext,
    ) -> Result<(), RechazarCompaniaError>;

    async fn obtener_compania(
        &self,
        query: ObtenerCompania,
    ) -> Result<CompaniaVista, ObtenerCompaniaError>;

    async fn obtener_companias(
        &self,
        query: ObtenerCompanias,
    ) -> Result<PageOf<CompaniaVista>, ObtenerCompaniasError>;
}

/// The service over its ports: units of work, the repository and event
/// mapping (through the handlers), the read model.
pub struct Companias<F, R, E, Q> {
    uows: F,
    handlers: Arc<CompaniaHandlers<R, E>>,
    /// Creations share transactions (group commit).
    crear: GroupCommit<CrearCompania, CrearCompaniaError>,
    obtener: ObtenerCompaniaHandler<Q>,
    listar: ObtenerCompaniasHandler<Q>,
}

impl<F, R, E, Q> Companias<F, R, E, Q>
where
    F: UnitOfWorkFactory + Clone + 'static,
    R: CompaniaRepository<Uow = F::Uow>,
    E: EventTranslator<CompaniaEvent> + 'static,
{
    /// `committers`: creations' transactions in flight at once.
    pub fn new(
        uows: F,
        handlers: Arc<CompaniaHandlers<R, E>>,
        consulta: Q,
        committers: usize,
    ) -> Self {
        let consulta = Arc::new(consulta);
        Self {
            crear: GroupCommit::start(uows.clone(), handlers.crear.clone(), committers),
            uows,
            handlers,
            obtener: ObtenerCompaniaHandler::new(consulta.clone()),
            listar: ObtenerCompaniasHandler::new(consulta),
        }
    }
}

#[async_trait]
impl<F, R, E, Q> CompaniaService for Companias<F, R, E, Q>
where
    F: UnitOfWorkFactory + 'static,
    R: CompaniaRepository<Uow = F::Uow>,
    E: EventTranslator<CompaniaEvent> + 'static,
    Q: ConsultaCompanias,
{
    async fn crear_compania(
        &self,
        command: CrearCompania,
        ctx: CommandContext,
    ) -> Result<EntityId, CrearCompaniaError> {
        self.crear.submit(command, ctx).await
    }

    async fn aprobar_compania(
        &self,
        command: AprobarCompania,
        ctx: CommandContext,
    ) -> Result<(), AprobarCompaniaError> {
        dispatch(&self.uows, &self.handlers.aprobar, command, ctx).await
    }

    async fn rechazar_compania(
        &self,
        command: RechazarCompania,
        ctx: CommandContext,
    ) -> Result<(), RechazarCompaniaError> {
        dispatch(&self.uows, &self.handlers.rechazar, command, ctx).await
    }

    async fn obtener_compania(
        &self,
        query: ObtenerCompania,
    ) -> Result<CompaniaVista, ObtenerCompaniaError> {
        ask(&self.obtener, query).await
    }

    async fn obtener_companias(
        &self,
        query: ObtenerCompanias,
    ) -> Result<PageOf<CompaniaVista>, ObtenerCompaniasError> {
        ask(&self.listar, query).await
    }
}
