use async_trait::async_trait;

use crate::propiedades::application::RECURSO;
use crate::propiedades::application::{ConsultaPropiedades, PropiedadVista};
use crate::seedwork::application::{ConsultaError, Query, QueryHandler, ReadPorts};
use crate::seedwork::domain::EntityId;

/// One record by id.
#[derive(Debug, Clone)]
pub struct ObtenerPropiedad {
    pub id: EntityId,
}

impl Query for ObtenerPropiedad {
    const NAME: &'static str = "ObtenerPropiedad";
    type Output = PropiedadVista;
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type ObtenerPropiedadError = ConsultaError;

/// Its port: the read model.
pub type ObtenerPropiedadHandler<Q> = ReadPorts<Q>;

#[async_trait]
impl<Q: ConsultaPropiedades> QueryHandler<ObtenerPropiedad> for ObtenerPropiedadHandler<Q> {
    type Error = ObtenerPropiedadError;

    async fn handle(
        &self,
        query: ObtenerPropiedad,
    ) -> Result<PropiedadVista, ObtenerPropiedadError> {
        self.consulta
            .por_id(query.id)
            .await?
            .ok_or(ObtenerPropiedadError::NoEncontrada {
                recurso: RECURSO,
                id: query.id,
            })
    }
}
