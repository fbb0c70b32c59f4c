use async_trait::async_trait;

use crate::propiedades::application::{ConsultaPropiedades, PropiedadVista};
use crate::seedwork::application::{
    ListadoError, PageOf, PageRequest, Query, QueryHandler, ReadPorts,
};
use crate::seedwork::domain::Estado;

/// A page of records, optionally of one estado (`Rechazada`: the
/// rejected records).
#[derive(Debug, Clone)]
pub struct ObtenerPropiedades {
    pub estado: Option<Estado>,
    pub page: PageRequest,
}

impl Query for ObtenerPropiedades {
    const NAME: &'static str = "ObtenerPropiedades";
    type Output = PageOf<PropiedadVista>;
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type ObtenerPropiedadesError = ListadoError;

/// Its port: the read model.
pub type ObtenerPropiedadesHandler<Q> = ReadPorts<Q>;

#[async_trait]
impl<Q: ConsultaPropiedades> QueryHandler<ObtenerPropiedades> for ObtenerPropiedadesHandler<Q> {
    type Error = ObtenerPropiedadesError;

    async fn handle(
        &self,
        query: ObtenerPropiedades,
    ) -> Result<PageOf<PropiedadVista>, ObtenerPropiedadesError> {
        Ok(self.consulta.listar(query.estado, query.page).await?)
    }
}
