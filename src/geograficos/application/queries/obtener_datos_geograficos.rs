use async_trait::async_trait;

use crate::geograficos::application::{ConsultaDatosGeograficos, DatosGeograficosVista};
use crate::seedwork::application::{
    ListadoError, PageOf, PageRequest, Query, QueryHandler, ReadPorts,
};
use crate::seedwork::domain::Estado;

/// A page of records, optionally of one estado (`Rechazada`: the
/// rejected records).
#[derive(Debug, Clone)]
pub struct ObtenerDatosGeograficos {
    pub estado: Option<Estado>,
    pub page: PageRequest,
}

impl Query for ObtenerDatosGeograficos {
    const NAME: &'static str = "ObtenerDatosGeograficos";
    type Output = PageOf<DatosGeograficosVista>;
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type ObtenerDatosGeograficosError = ListadoError;

/// Its port: the read model.
pub type ObtenerDatosGeograficosHandler<Q> = ReadPorts<Q>;

#[async_trait]
impl<Q: ConsultaDatosGeograficos> QueryHandler<ObtenerDatosGeograficos>
    for ObtenerDatosGeograficosHandler<Q>
{
    type Error = ObtenerDatosGeograficosError;

    async fn handle(
        &self,
        query: ObtenerDatosGeograficos,
    ) -> Result<PageOf<DatosGeograficosVista>, ObtenerDatosGeograficosError> {
        Ok(self.consulta.listar(query.estado, query.page).await?)
    }
}
