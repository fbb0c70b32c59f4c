use std::sync::Arc;

use async_trait::async_trait;
use thiserror::Error;

use crate::auditoria::application::{AuditoriaReadModel, AuditoriaView};
use crate::seedwork::application::{Query, QueryHandler, StoreError};

/// One audit, by its own id or by the audited entity's id.
#[derive(Debug, Clone)]
pub struct ObtenerAuditoria {
    pub id: String,
}

impl Query for ObtenerAuditoria {
    const NAME: &'static str = "ObtenerAuditoria";
    type Output = AuditoriaView;
}

#[derive(Debug, Error)]
pub enum ObtenerAuditoriaError {
    #[error("auditoria {0} not found")]
    NoEncontrada(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct ObtenerAuditoriaHandler<M> {
    read_model: Arc<M>,
}

impl<M> ObtenerAuditoriaHandler<M> {
    pub fn new(read_model: Arc<M>) -> Self {
        Self { read_model }
    }
}

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerAuditoria> for ObtenerAuditoriaHandler<M> {
    type Error = ObtenerAuditoriaError;

    async fn handle(&self, q: ObtenerAuditoria) -> Result<AuditoriaView, ObtenerAuditoriaError> {
        self.read_model
            .auditoria(&q.id)
            .await?
            .ok_or(ObtenerAuditoriaError::NoEncontrada(q.id))
    }
}
