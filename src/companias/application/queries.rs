//! `ObtenerCompania` and `ObtenerCompanias` (with estado Rechazada, the
//! rejected list): read from the context's read model, never change state.

use async_trait::async_trait;

use crate::companias::application::{CompaniaVista, ConsultaCompanias, RECURSO};
use crate::seedwork::application::{
    ConsultaError, ListadoError, PageOf, PageRequest, Query, QueryHandler, ReadPorts,
};
use crate::seedwork::domain::{EntityId, Estado};

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
