use async_trait::async_trait;
use thiserror::Error;

use crate::auditoria::application::{AuditoriaReadModel, AuditoriaView};
use crate::seedwork::application::{Query, QueryHandler, ReadPorts, StoreError};

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

/// Its port: the read model.
pub type ObtenerAuditoriaHandler<M> = ReadPorts<M>;

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerAuditoria> for ObtenerAuditoriaHandler<M> {
    type Error = ObtenerAuditoriaError;

    async fn handle(&self, q: ObtenerAuditoria) -> Result<AuditoriaView, ObtenerAuditoriaError> {
        self.consulta
            .auditoria(&q.id)
            .await?
            .ok_or(ObtenerAuditoriaError::NoEncontrada(q.id))
    }
}
