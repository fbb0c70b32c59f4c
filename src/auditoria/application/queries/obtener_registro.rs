use async_trait::async_trait;
use thiserror::Error;

use crate::auditoria::application::{AuditoriaReadModel, RegistroView};
use crate::seedwork::application::{Query, QueryHandler, ReadPorts, StoreError};

/// One property registration, by the property's id, with its steps.
#[derive(Debug, Clone)]
pub struct ObtenerRegistro {
    pub id_propiedad: String,
}

impl Query for ObtenerRegistro {
    const NAME: &'static str = "ObtenerRegistro";
    type Output = RegistroView;
}

#[derive(Debug, Error)]
pub enum ObtenerRegistroError {
    #[error("registro {0} not found")]
    NoEncontrado(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Its port: the read model.
pub type ObtenerRegistroHandler<M> = ReadPorts<M>;

#[async_trait]
impl<M: AuditoriaReadModel> QueryHandler<ObtenerRegistro> for ObtenerRegistroHandler<M> {
    type Error = ObtenerRegistroError;

    async fn handle(&self, q: ObtenerRegistro) -> Result<RegistroView, ObtenerRegistroError> {
        self.consulta
            .registro(&q.id_propiedad)
            .await?
            .ok_or(ObtenerRegistroError::NoEncontrado(q.id_propiedad))
    }
}
