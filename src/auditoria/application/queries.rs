//! Reads over audits, findings and the saga log, each a query with its
//! handler and its error; `ConsultasAuditoria` gathers them for the API.

use std::sync::Arc;

use async_trait::async_trait;
use thiserror::Error;

use crate::auditoria::application::{
    AuditoriaReadModel, AuditoriaView, ConteoFaltante, RegistroView, SagaView,
};
use crate::auditoria::domain::{EstadoRegistro, EstadoSaga, Resultado, TipoEntidad};
use crate::seedwork::application::{
    ListadoError, PageOf, PageRequest, Query, QueryHandler, ReadPorts, StoreError,
};

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

/// Its failures (a page that cannot be read), mapped to HTTP in the seedwork.
pub type ObtenerAuditoriasError = ListadoError;

/// Its port: the read model.
pub type ObtenerAuditoriasHandler<M> = ReadPorts<M>;

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerAuditorias> for ObtenerAuditoriasHandler<M> {
    type Error = ObtenerAuditoriasError;

    async fn handle(
        &self,
        q: ObtenerAuditorias,
    ) -> Result<PageOf<AuditoriaView>, ObtenerAuditoriasError> {
        Ok(self
            .consulta
            .auditorias(q.resultado, q.tipo, q.page)
            .await?)
    }
}

/// One property registration, by the property's id, with its steps.
#[derive(Debug, Clone)]
pub struct ObtenerRegistro {
    pub id_propiedad: String,
}

impl Query for ObtenerRegistro {
    const NAME: &'static str = "ObtenerRegistro";
    type Output = RegistroView;
}

#[derive(Debug, Error)]
pub enum ObtenerRegistroError {
    #[error("registro {0} not found")]
    NoEncontrado(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Its port: the read model.
pub type ObtenerRegistroHandler<M> = ReadPorts<M>;

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerRegistro> for ObtenerRegistroHandler<M> {
    type Error = ObtenerRegistroError;

    async fn handle(&self, q: ObtenerRegistro) -> Result<RegistroView, ObtenerRegistroError> {
        self.consulta
            .registro(&q.id_propiedad)
            .await?
            .ok_or(ObtenerRegistroError::NoEncontrado(q.id_propiedad))
    }
}

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

/// Its failures (a page that cannot be read), mapped to HTTP in the seedwork.
pub type ObtenerRegistrosError = ListadoError;

/// Its port: the read model.
pub type ObtenerRegistrosHandler<M> = ReadPorts<M>;

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerRegistros> for ObtenerRegistrosHandler<M> {
    type Error = ObtenerRegistrosError;

    async fn handle(
        &self,
        q: ObtenerRegistros,
    ) -> Result<PageOf<RegistroView>, ObtenerRegistrosError> {
        Ok(self.consulta.registros(q.estado, q.page).await?)
    }
}

/// The missing-data report: how many records miss what, by field and problem.
#[derive(Debug, Clone)]
pub struct ObtenerReporteFaltantes;

impl Query for ObtenerReporteFaltantes {
    const NAME: &'static str = "ObtenerReporteFaltantes";
    type Output = Vec<ConteoFaltante>;
}

/// Its failures (a page that cannot be read), mapped to HTTP in the seedwork.
pub type ObtenerReporteFaltantesError = ListadoError;

/// Its port: the read model.
pub type ObtenerReporteFaltantesHandler<M> = ReadPorts<M>;

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerReporteFaltantes>
    for ObtenerReporteFaltantesHandler<M>
{
    type Error = ObtenerReporteFaltantesError;

    async fn handle(
        &self,
        _q: ObtenerReporteFaltantes,
    ) -> Result<Vec<ConteoFaltante>, ObtenerReporteFaltantesError> {
        Ok(self.consulta.reporte_faltantes().await?)
    }
}

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

/// Its failures (a page that cannot be read), mapped to HTTP in the seedwork.
pub type ObtenerSagasError = ListadoError;

/// Its port: the read model.
pub type ObtenerSagasHandler<M> = ReadPorts<M>;

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerSagas> for ObtenerSagasHandler<M> {
    type Error = ObtenerSagasError;

    async fn handle(&self, q: ObtenerSagas) -> Result<PageOf<SagaView>, ObtenerSagasError> {
        Ok(self.consulta.sagas(q.estado, q.page).await?)
    }
}

/// The context's query handlers over one read model.
pub struct ConsultasAuditoria<M> {
    pub auditorias: ObtenerAuditoriasHandler<M>,
    pub auditoria: ObtenerAuditoriaHandler<M>,
    pub reporte_faltantes: ObtenerReporteFaltantesHandler<M>,
    pub sagas: ObtenerSagasHandler<M>,
    pub registros: ObtenerRegistrosHandler<M>,
    pub registro: ObtenerRegistroHandler<M>,
}

impl<M> ConsultasAuditoria<M> {
    pub fn new(read_model: M) -> Self {
        let read_model = Arc::new(read_model);
        Self {
            auditorias: ObtenerAuditoriasHandler::new(read_model.clone()),
            auditoria: ObtenerAuditoriaHandler::new(read_model.clone()),
            reporte_faltantes: ObtenerReporteFaltantesHandler::new(read_model.clone()),
            sagas: ObtenerSagasHandler::new(read_model.clone()),
            registros: ObtenerRegistrosHandler::new(read_model.clone()),
            registro: ObtenerRegistroHandler::new(read_model),
        }
    }
}
