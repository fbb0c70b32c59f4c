use std::marker::PhantomData;

use async_trait::async_trait;

use super::{ReadModel, ReviewUseCaseError};
use crate::seedwork::application::{PageOf, PageRequest, Query, QueryHandler};
use crate::seedwork::domain::{EntityId, Estado};

/// One record by id (`ObtenerCompania`).
#[derive(Debug, Clone)]
pub struct ObtenerPorId<V> {
    pub id: EntityId,
    _view: PhantomData<fn() -> V>,
}

impl<V> ObtenerPorId<V> {
    pub fn new(id: EntityId) -> Self {
        Self {
            id,
            _view: PhantomData,
        }
    }
}

/// A page of records, optionally of one estado (`ObtenerCompanias`; with
/// `Rechazada` it is `ObtenerCompaniasRechazadas`).
#[derive(Debug, Clone)]
pub struct Listar<V> {
    pub estado: Option<Estado>,
    pub page: PageRequest,
    _view: PhantomData<fn() -> V>,
}

impl<V> Listar<V> {
    pub fn new(estado: Option<Estado>, page: PageRequest) -> Self {
        Self {
            estado,
            page,
            _view: PhantomData,
        }
    }
}

impl<V: Send + 'static> Query for ObtenerPorId<V> {
    const NAME: &'static str = "ObtenerPorId";
    type Output = V;
}

impl<V: Send + 'static> Query for Listar<V> {
    const NAME: &'static str = "Listar";
    type Output = PageOf<V>;
}

/// The query side, generic over the read model. `kind` names the record
/// in a not-found error.
pub struct ReviewQueries<M> {
    kind: &'static str,
    read_model: M,
}

impl<M> ReviewQueries<M> {
    pub fn new(kind: &'static str, read_model: M) -> Self {
        Self { kind, read_model }
    }
}

#[async_trait]
impl<V: Send + 'static, M: ReadModel<V>> QueryHandler<ObtenerPorId<V>> for ReviewQueries<M> {
    type Error = ReviewUseCaseError;

    async fn handle(&self, query: ObtenerPorId<V>) -> Result<V, ReviewUseCaseError> {
        self.read_model
            .by_id(query.id)
            .await?
            .ok_or_else(|| ReviewUseCaseError::NotFound {
                kind: self.kind,
                id: query.id.to_string(),
            })
    }
}

#[async_trait]
impl<V: Send + 'static, M: ReadModel<V>> QueryHandler<Listar<V>> for ReviewQueries<M> {
    type Error = ReviewUseCaseError;

    async fn handle(&self, query: Listar<V>) -> Result<PageOf<V>, ReviewUseCaseError> {
        Ok(self.read_model.list(query.estado, query.page).await?)
    }
}
