use async_trait::async_trait;
use thiserror::Error;

use super::{AuditoriaReadModel, AuditoriaView, ConteoFaltante, SagaView};
use crate::auditoria::domain::{EstadoSaga, TipoEntidad};
use crate::seedwork::application::{PageOf, PageRequest, Query, QueryHandler, StoreError};
use crate::seedwork::domain::Estado;

#[derive(Debug, Error)]
pub enum AuditoriaQueryError {
    #[error("auditoria {0} not found")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct AuditoriaQueries<M> {
    read_model: M,
}

impl<M: AuditoriaReadModel> AuditoriaQueries<M> {
    pub fn new(read_model: M) -> Self {
        Self { read_model }
    }
}

#[derive(Debug, Clone)]
pub struct ObtenerAuditorias {
    pub resultado: Option<Estado>,
    pub tipo: Option<TipoEntidad>,
    pub page: PageRequest,
}

impl Query for ObtenerAuditorias {
    const NAME: &'static str = "ObtenerAuditorias";
    type Output = PageOf<AuditoriaView>;
}

/// By the audit's id or the audited entity's id.
#[derive(Debug, Clone)]
pub struct ObtenerAuditoria {
    pub id: String,
}

impl Query for ObtenerAuditoria {
    const NAME: &'static str = "ObtenerAuditoria";
    type Output = AuditoriaView;
}

#[derive(Debug, Clone)]
pub struct ObtenerReporteFaltantes;

impl Query for ObtenerReporteFaltantes {
    const NAME: &'static str = "ObtenerReporteFaltantes";
    type Output = Vec<ConteoFaltante>;
}

#[derive(Debug, Clone)]
pub struct ObtenerSagas {
    pub estado: Option<EstadoSaga>,
    pub page: PageRequest,
}

impl Query for ObtenerSagas {
    const NAME: &'static str = "ObtenerSagas";
    type Output = PageOf<SagaView>;
}

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerAuditorias> for AuditoriaQueries<M> {
    type Error = AuditoriaQueryError;

    async fn handle(
        &self,
        q: ObtenerAuditorias,
    ) -> Result<PageOf<AuditoriaView>, AuditoriaQueryError> {
        Ok(self
            .read_model
            .auditorias(q.resultado, q.tipo, q.page)
            .await?)
    }
}

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerAuditoria> for AuditoriaQueries<M> {
    type Error = AuditoriaQueryError;

    async fn handle(&self, q: ObtenerAuditoria) -> Result<AuditoriaView, AuditoriaQueryError> {
        self.read_model
            .auditoria(&q.id)
            .await?
            .ok_or(AuditoriaQueryError::NotFound(q.id))
    }
}

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerReporteFaltantes> for AuditoriaQueries<M> {
    type Error = AuditoriaQueryError;

    async fn handle(
        &self,
        _q: ObtenerReporteFaltantes,
    ) -> Result<Vec<ConteoFaltante>, AuditoriaQueryError> {
        Ok(self.read_model.reporte_faltantes().await?)
    }
}

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerSagas> for AuditoriaQueries<M> {
    type Error = AuditoriaQueryError;

    async fn handle(&self, q: ObtenerSagas) -> Result<PageOf<SagaView>, AuditoriaQueryError> {
        Ok(self.read_model.sagas(q.estado, q.page).await?)
    }
}
