//! What a reviewed record's context offers its callers (the HTTP API),
//! written once: create (concurrent creations share transactions: group
//! commit), approve and reject (each in a unit of work of its own), read
//! one, list a page. A context names its commands, queries and view in
//! [`CasosDeRegistro`]; its routes are generic over [`RecordService`] of
//! them, so they are tested against an in-memory service.

use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;

use super::{
    AggregatePorts, ComandoDeAgregado, Command, CommandContext, CommandHandler, ConsultaError,
    DecisionError, EventTranslator, GroupCommit, ListadoError, PageOf, Query, QueryHandler,
    ReadPorts, Repository, StoreError, UnitOfWorkFactory, ask, dispatch,
};
use crate::seedwork::domain::AggregateRoot;

/// A record context's use cases, by its own names.
pub trait CasosDeRegistro: Send + Sync + 'static {
    /// Its aggregate.
    type Registro: AggregateRoot + Send + Sync + 'static;
    type Crear: Command + Clone + Sync;
    type CrearError: std::error::Error + From<StoreError> + Send + Sync + 'static;
    type Aprobar: ComandoDeAgregado<Agregado = Self::Registro, Error = DecisionError, Output = ()>;
    type Rechazar: ComandoDeAgregado<Agregado = Self::Registro, Error = DecisionError, Output = ()>;
    /// A record as its reads show it.
    type Vista: Send + 'static;
    type Obtener: Query<Output = Self::Vista>;
    type Listar: Query<Output = PageOf<Self::Vista>>;
}

/// Every use case of a record context, each answering with its own error.
#[async_trait]
pub trait RecordService<C: CasosDeRegistro>: Send + Sync + 'static {
    async fn crear(
        &self,
        command: C::Crear,
        ctx: CommandContext,
    ) -> Result<<C::Crear as Command>::Output, C::CrearError>;
    async fn aprobar(&self, command: C::Aprobar, ctx: CommandContext) -> Result<(), DecisionError>;
    async fn rechazar(
        &self,
        command: C::Rechazar,
        ctx: CommandContext,
    ) -> Result<(), DecisionError>;
    async fn obtener(&self, query: C::Obtener) -> Result<C::Vista, ConsultaError>;
    async fn listar(&self, query: C::Listar) -> Result<PageOf<C::Vista>, ListadoError>;
}

/// The use cases over their ports: units of work, the command handlers'
/// ports (the repository and the event translator) and the read model.
pub struct RecordUseCases<C: CasosDeRegistro, F, R, E, Q> {
    uows: F,
    puertos: Arc<AggregatePorts<R, E>>,
    crear: GroupCommit<C::Crear, C::CrearError>,
    consulta: ReadPorts<Q>,
    casos: PhantomData<C>,
}

impl<C, F, R, E, Q> RecordUseCases<C, F, R, E, Q>
where
    C: CasosDeRegistro,
    F: UnitOfWorkFactory + Clone + 'static,
    AggregatePorts<R, E>: CommandHandler<C::Crear, Error = C::CrearError, Uow = F::Uow> + 'static,
{
    /// `committers`: creations' transactions in flight at once.
    pub fn new(
        uows: F,
        puertos: Arc<AggregatePorts<R, E>>,
        consulta: Q,
        committers: usize,
    ) -> Self {
        Self {
            crear: GroupCommit::start(uows.clone(), puertos.clone(), committers),
            uows,
            puertos,
            consulta: ReadPorts::new(Arc::new(consulta)),
            casos: PhantomData,
        }
    }
}

#[async_trait]
impl<C, F, R, E, Q> RecordService<C> for RecordUseCases<C, F, R, E, Q>
where
    C: CasosDeRegistro,
    F: UnitOfWorkFactory + 'static,
    R: Repository<C::Registro, Uow = F::Uow>,
    E: EventTranslator<<C::Registro as AggregateRoot>::Event> + 'static,
    Q: Send + Sync + 'static,
    ReadPorts<Q>: QueryHandler<C::Obtener, Error = ConsultaError>
        + QueryHandler<C::Listar, Error = ListadoError>,
{
    async fn crear(
        &self,
        command: C::Crear,
        ctx: CommandContext,
    ) -> Result<<C::Crear as Command>::Output, C::CrearError> {
        self.crear.submit(command, ctx).await
    }

    async fn aprobar(&self, command: C::Aprobar, ctx: CommandContext) -> Result<(), DecisionError> {
        dispatch(&self.uows, self.puertos.as_ref(), command, ctx).await
    }

    async fn rechazar(
        &self,
        command: C::Rechazar,
        ctx: CommandContext,
    ) -> Result<(), DecisionError> {
        dispatch(&self.uows, self.puertos.as_ref(), command, ctx).await
    }

    async fn obtener(&self, query: C::Obtener) -> Result<C::Vista, ConsultaError> {
        ask(&self.consulta, query).await
    }

    async fn listar(&self, query: C::Listar) -> Result<PageOf<C::Vista>, ListadoError> {
        ask(&self.consulta, query).await
    }
}
