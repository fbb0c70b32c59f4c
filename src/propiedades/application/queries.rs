//! `ObtenerPropiedad` and `ObtenerPropiedades` (with estado Rechazada, the
//! rejected list): read from the context's read model, never change state.

use async_trait::async_trait;

use crate::propiedades::application::{ConsultaPropiedades, PropiedadVista, RECURSO};
use crate::seedwork::application::{
    ConsultaError, ListadoError, PageOf, PageRequest, Query, QueryHandler, ReadPorts,
};
use crate::seedwork::domain::{EntityId, Estado};

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
