use std::sync::Arc;

use async_trait::async_trait;
use thiserror::Error;

use crate::auditoria::application::{AuditoriaReadModel, RegistroView};
use crate::auditoria::domain::EstadoRegistro;
use crate::seedwork::application::{PageOf, PageRequest, Query, QueryHandler, StoreError};

/// A page of property registrations, optionally of one state.
#[derive(Debug, Clone)]
pub struct ObtenerRegistros {
    pub estado: Option<EstadoRegistro>,
    pub page: PageRequest,
}

impl Query for ObtenerRegistros {
    const NAME: &'static str = "ObtenerRegistros";
    type Output = PageOf<RegistroView>;
}

#[derive(Debug, Error)]
pub enum ObtenerRegistrosError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct ObtenerRegistrosHandler<M> {
    read_model: Arc<M>,
}

impl<M> ObtenerRegistrosHandler<M> {
    pub fn new(read_model: Arc<M>) -> Self {
        Self { read_model }
    }
}

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerRegistros> for ObtenerRegistrosHandler<M> {
    type Error = ObtenerRegistrosError;

    async fn handle(
        &self,
        q: ObtenerRegistros,
    ) -> Result<PageOf<RegistroView>, ObtenerRegistrosError> {
        Ok(self.read_model.registros(q.estado, q.page).await?)
    }
}
