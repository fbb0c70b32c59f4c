use async_trait::async_trait;

use crate::auditoria::application::{AuditoriaReadModel, RegistroView};
use crate::auditoria::domain::EstadoRegistro;
use crate::seedwork::application::{
    ListadoError, PageOf, PageRequest, Query, QueryHandler, ReadPorts,
};

/// A page of property registrations, optionally of one state.
#[derive(Debug, Clone)]
pub struct ObtenerRegistros {
    pub estado: Option<EstadoRegistro>,
    pub page: PageRequest,
}

impl Query for ObtenerRegistros {
    const NAME: &'static str = "ObtenerRegistros";
    type Output = PageOf<RegistroView>;
}

/// Its failures (a page that cannot be read), mapped to HTTP in the seedwork.
pub type ObtenerRegistrosError = ListadoError;

/// Its port: the read model.
pub type ObtenerRegistrosHandler<M> = ReadPorts<M>;

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerRegistros> for ObtenerRegistrosHandler<M> {
    type Error = ObtenerRegistrosError;

    async fn handle(
        &self,
        q: ObtenerRegistros,
    ) -> Result<PageOf<RegistroView>, ObtenerRegistrosError> {
        Ok(self.consulta.registros(q.estado, q.page).await?)
    }
}
