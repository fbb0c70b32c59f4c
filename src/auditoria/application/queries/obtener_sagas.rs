use async_trait::async_trait;

use crate::auditoria::application::{AuditoriaReadModel, SagaView};
use crate::auditoria::domain::EstadoSaga;
use crate::seedwork::application::{
    ListadoError, PageOf, PageRequest, Query, QueryHandler, ReadPorts,
};

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
