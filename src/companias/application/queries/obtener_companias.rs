use async_trait::async_trait;

use crate::companias::application::{CompaniaVista, ConsultaCompanias};
use crate::seedwork::application::{
    ListadoError, PageOf, PageRequest, Query, QueryHandler, ReadPorts,
};
use crate::seedwork::domain::Estado;

/// A page of companies, optionally of one estado (`Rechazada`: the
/// rejected companies).
#[derive(Debug, Clone)]
pub struct ObtenerCompanias {
    pub estado: Option<Estado>,
    pub page: PageRequest,
}

impl Query for ObtenerCompanias {
    const NAME: &'static str = "ObtenerCompanias";
    type Output = PageOf<CompaniaVista>;
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type ObtenerCompaniasError = ListadoError;

/// Its port: the read model.
pub type ObtenerCompaniasHandler<Q> = ReadPorts<Q>;

#[async_trait]
impl<Q: ConsultaCompanias> QueryHandler<ObtenerCompanias> for ObtenerCompaniasHandler<Q> {
    type Error = ObtenerCompaniasError;

    async fn handle(
        &self,
        query: ObtenerCompanias,
    ) -> Result<PageOf<CompaniaVista>, ObtenerCompaniasError> {
        Ok(self.consulta.listar(query.estado, query.page).await?)
    }
}
