use async_trait::async_trait;

use crate::auditoria::application::{AuditoriaReadModel, ConteoFaltante};
use crate::seedwork::application::{ListadoError, Query, QueryHandler, ReadPorts};

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
