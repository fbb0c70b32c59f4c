use std::sync::Arc;

use async_trait::async_trait;
use thiserror::Error;

use crate::auditoria::application::{AuditoriaReadModel, AuditoriaView};
use crate::auditoria::domain::Resultado;
use crate::auditoria::domain::TipoEntidad;
use crate::seedwork::application::{PageOf, PageRequest, Query, QueryHandler, StoreError};

/// A page of audits, by verdict and kind of record.
#[derive(Debug, Clone)]
pub struct ObtenerAuditorias {
    pub resultado: Option<Resultado>,
    pub tipo: Option<TipoEntidad>,
    pub page: PageRequest,
}

impl Query for ObtenerAuditorias {
    const NAME: &'static str = "ObtenerAuditorias";
    type Output = PageOf<AuditoriaView>;
}

#[derive(Debug, Error)]
pub enum ObtenerAuditoriasError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct ObtenerAuditoriasHandler<M> {
    read_model: Arc<M>,
}

impl<M> ObtenerAuditoriasHandler<M> {
    pub fn new(read_model: Arc<M>) -> Self {
        Self { read_model }
    }
}

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerAuditorias> for ObtenerAuditoriasHandler<M> {
    type Error = ObtenerAuditoriasError;

    async fn handle(
        &self,
        q: ObtenerAuditorias,
    ) -> Result<PageOf<AuditoriaView>, ObtenerAuditoriasError> {
        Ok(self
            .read_model
            .auditorias(q.resultado, q.tipo, q.page)
            .await?)
    }
}
