use async_trait::async_trait;

use crate::geograficos::application::RECURSO;
use crate::geograficos::application::{ConsultaDatosGeograficos, DatosGeograficosVista};
use crate::seedwork::application::{ConsultaError, Query, QueryHandler, ReadPorts};
use crate::seedwork::domain::EntityId;

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
