use std::sync::Arc;

use async_trait::async_trait;
use thiserror::Error;

use crate::auditoria::application::{AuditoriaReadModel, SagaView};
use crate::auditoria::domain::EstadoSaga;
use crate::seedwork::application::{PageOf, PageRequest, Query, QueryHandler, StoreError};

/// A page of the saga log, optionally of one state (`fallida`: what needs
/// an operator).
#[derive(Debug, Clone)]
pub struct ObtenerSagas {
    pub estado: Option<EstadoSaga>,
    pub page: PageRequest,
}

impl Query for ObtenerSagas {
    const NAME: &'static str = "ObtenerSagas";
    type Output = PageOf<SagaView>;
}

#[derive(Debug, Error)]
pub enum ObtenerSagasError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct ObtenerSagasHandler<M> {
    read_model: Arc<M>,
}

impl<M> ObtenerSagasHandler<M> {
    pub fn new(read_model: Arc<M>) -> Self {
        Self { read_model }
    }
}

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerSagas> for ObtenerSagasHandler<M> {
    type Error = ObtenerSagasError;

    async fn handle(&self, q: ObtenerSagas) -> Result<PageOf<SagaView>, ObtenerSagasError> {
        Ok(self.read_model.sagas(q.estado, q.page).await?)
    }
}
