use async_trait::async_trait;

use crate::companias::application::RECURSO;
use crate::companias::application::{CompaniaVista, ConsultaCompanias};
use crate::seedwork::application::{ConsultaError, Query, QueryHandler, ReadPorts};
use crate::seedwork::domain::EntityId;

/// One company by id.
#[derive(Debug, Clone)]
pub struct ObtenerCompania {
    pub id: EntityId,
}

impl Query for ObtenerCompania {
    const NAME: &'static str = "ObtenerCompania";
    type Output = CompaniaVista;
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type ObtenerCompaniaError = ConsultaError;

/// Its port: the read model.
pub type ObtenerCompaniaHandler<Q> = ReadPorts<Q>;

#[async_trait]
impl<Q: ConsultaCompanias> QueryHandler<ObtenerCompania> for ObtenerCompaniaHandler<Q> {
    type Error = ObtenerCompaniaError;

    async fn handle(&self, query: ObtenerCompania) -> Result<CompaniaVista, ObtenerCompaniaError> {
        self.consulta
            .por_id(query.id)
            .await?
            .ok_or(ObtenerCompaniaError::NoEncontrada {
                recurso: RECURSO,
                id: query.id,
            })
    }
}
