use std::sync::Arc;

use async_trait::async_trait;
use thiserror::Error;

use crate::auditoria::application::{AuditoriaReadModel, ConteoFaltante};
use crate::seedwork::application::{Query, QueryHandler, StoreError};

/// The missing-data report: how many records miss what, by field and problem.
#[derive(Debug, Clone)]
pub struct ObtenerReporteFaltantes;

impl Query for ObtenerReporteFaltantes {
    const NAME: &'static str = "ObtenerReporteFaltantes";
    type Output = Vec<ConteoFaltante>;
}

#[derive(Debug, Error)]
pub enum ObtenerReporteFaltantesError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct ObtenerReporteFaltantesHandler<M> {
    read_model: Arc<M>,
}

impl<M> ObtenerReporteFaltantesHandler<M> {
    pub fn new(read_model: Arc<M>) -> Self {
        Self { read_model }
    }
}

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerReporteFaltantes>
    for ObtenerReporteFaltantesHandler<M>
{
    type Error = ObtenerReporteFaltantesError;

    async fn handle(
        &self,
        _q: ObtenerReporteFaltantes,
    ) -> Result<Vec<ConteoFaltante>, ObtenerReporteFaltantesError> {
        Ok(self.read_model.reporte_faltantes().await?)
    }
}
