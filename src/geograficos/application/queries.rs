//! `ObtenerDatoGeografico` and `ObtenerDatosGeograficos` (with estado Rechazada, the
//! rejected list): read from the context's read model, never change state.

use async_trait::async_trait;

use crate::geograficos::application::{ConsultaDatosGeograficos, DatosGeograficosVista, RECURSO};
use crate::seedwork::application::{
    ConsultaError, ListadoError, PageOf, PageRequest, Query, QueryHandler, ReadPorts,
};
use crate::seedwork::domain::{EntityId, Estado};

/// One record by id.
#[derive(Debug, Clone)]
pub struct ObtenerDatoGeografico {
    pub id: EntityId,
}

impl Query for ObtenerDatoGeografico {
    const NAME: &'static str = "ObtenerDatoGeografico";
    type Output = DatosGeograficosVista;
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type ObtenerDatoGeograficoError = ConsultaError;

/// Its port: the read model.
pub type ObtenerDatoGeograficoHandler<Q> = ReadPorts<Q>;

#[async_trait]
impl<Q: ConsultaDatosGeograficos> QueryHandler<ObtenerDatoGeografico>
    for ObtenerDatoGeograficoHandler<Q>
{
    type Error = ObtenerDatoGeograficoError;

    async fn handle(
        &self,
        query: ObtenerDatoGeografico,
    ) -> Result<DatosGeograficosVista, ObtenerDatoGeograficoError> {
        self.consulta
            .por_id(query.id)
            .await?
            .ok_or(ObtenerDatoGeograficoError::NoEncontrada {
                recurso: RECURSO,
                id: query.id,
            })
    }
}

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
