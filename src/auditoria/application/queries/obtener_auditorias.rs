use async_trait::async_trait;

use crate::auditoria::application::{AuditoriaReadModel, AuditoriaView};
use crate::auditoria::domain::Resultado;
use crate::auditoria::domain::TipoEntidad;
use crate::seedwork::application::{
    ListadoError, PageOf, PageRequest, Query, QueryHandler, ReadPorts,
};

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
