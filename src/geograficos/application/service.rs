use std::sync::Arc;

use async_trait::async_trait;

use super::{
    AprobarDatosGeograficos, AprobarDatosGeograficosError, ConsultaDatosGeograficos,
    CrearDatosGeograficos, CrearDatosGeograficosError, DatosGeograficosHandlers,
    DatosGeograficosRepository, DatosGeograficosVista, ObtenerDatoGeografico,
    ObtenerDatoGeograficoError, ObtenerDatoGeograficoHandler, ObtenerDatosGeograficos,
    ObtenerDatosGeograficosError, ObtenerDatosGeograficosHandler, RechazarDatosGeograficos,
    RechazarDatosGeograficosError,
};
use crate::geograficos::domain::DatosGeograficosEvent;
use crate::seedwork::application::{
    CommandContext, EventTranslator, GroupCommit, PageOf, UnitOfWorkFactory, ask, dispatch,
};
use crate::seedwork::domain::EntityId;

/// What the context offers its callers (the HTTP API): every use case,
/// each command in a unit of work of its own.
#[async_trait]
pub trait DatosGeograficosService: Send + Sync + 'static {
    async fn crear_datos_geograficos(
        &self,
        command: CrearDatosGeograficos,
        ctx: CommandContext,
    ) -> Result<EntityId, CrearDatosGeograficosError>;

    async fn aprobar_datos_geograficos(
        &self,
        command: AprobarDatosGeograficos,
        ctx: CommandContext,
    ) -> Result<(), AprobarDatosGeograficosError>;

    async fn rechazar_datos_geograficos(
        &self,
        command: RechazarDatosGeograficos,
        ctx: CommandContext,
    ) -> Result<(), RechazarDatosGeograficosError>;

    async fn obtener_dato_geografico(
        &self,
        query: ObtenerDatoGeografico,
    ) -> Result<DatosGeograficosVista, ObtenerDatoGeograficoError>;

    async fn obtener_datos_geograficos(
        &self,
        query: ObtenerDatosGeograficos,
    ) -> Result<PageOf<DatosGeograficosVista>, ObtenerDatosGeograficosError>;
}

/// The service over its ports: units of work, the repository and event
/// mapping (through the handlers), the read model.
pub struct Geograficos<F, R, E, Q> {
    uows: F,
    handlers: Arc<DatosGeograficosHandlers<R, E>>,
    /// Creations share transactions (group commit).
    crear: GroupCommit<CrearDatosGeograficos, CrearDatosGeograficosError>,
    obtener: ObtenerDatoGeograficoHandler<Q>,
    listar: ObtenerDatosGeograficosHandler<Q>,
}

impl<F, R, E, Q> Geograficos<F, R, E, Q>
where
    F: UnitOfWorkFactory + Clone + 'static,
    R: DatosGeograficosRepository<Uow = F::Uow>,
    E: EventTranslator<DatosGeograficosEvent> + 'static,
{
    /// `committers`: creations' transactions in flight at once.
    pub fn new(
        uows: F,
        handlers: Arc<DatosGeograficosHandlers<R, E>>,
        consulta: Q,
        committers: usize,
    ) -> Self {
        let consulta = Arc::new(consulta);
        Self {
            crear: GroupCommit::start(uows.clone(), handlers.crear.clone(), committers),
            uows,
            handlers,
            obtener: ObtenerDatoGeograficoHandler::new(consulta.clone()),
            listar: ObtenerDatosGeograficosHandler::new(consulta),
        }
    }
}

#[async_trait]
impl<F, R, E, Q> DatosGeograficosService for Geograficos<F, R, E, Q>
where
    F: UnitOfWorkFactory + 'static,
    R: DatosGeograficosRepository<Uow = F::Uow>,
    E: EventTranslator<DatosGeograficosEvent> + 'static,
    Q: ConsultaDatosGeograficos,
{
    async fn crear_datos_geograficos(
        &self,
        command: CrearDatosGeograficos,
        ctx: CommandContext,
    ) -> Result<EntityId, CrearDatosGeograficosError> {
        self.crear.submit(command, ctx).await
    }

    async fn aprobar_datos_geograficos(
        &self,
        command: AprobarDatosGeograficos,
        ctx: CommandContext,
    ) -> Result<(), AprobarDatosGeograficosError> {
        dispatch(&self.uows, &self.handlers.aprobar, command, ctx).await
    }

    async fn rechazar_datos_geograficos(
        &self,
        command: RechazarDatosGeograficos,
        ctx: CommandContext,
    ) -> Result<(), RechazarDatosGeograficosError> {
        dispatch(&self.uows, &self.handlers.rechazar, command, ctx).await
    }

    async fn obtener_dato_geografico(
        &self,
        query: ObtenerDatoGeografico,
    ) -> Result<DatosGeograficosVista, ObtenerDatoGeograficoError> {
        ask(&self.obtener, query).await
    }

    async fn obtener_datos_geograficos(
        &self,
        query: ObtenerDatosGeograficos,
    ) -> Result<PageOf<DatosGeograficosVista>, ObtenerDatosGeograficosError> {
        ask(&self.listar, query).await
    }
}
