use std::sync::Arc;

use async_trait::async_trait;
use thiserror::Error;

use crate::geograficos::application::{ConsultaDatosGeograficos, DatosGeograficosVista};
use crate::seedwork::application::{Query, QueryHandler, StoreError};
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

#[derive(Debug, Error)]
pub enum ObtenerDatoGeograficoError {
    #[error("datos_geograficos {0} not found")]
    NoEncontrada(EntityId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct ObtenerDatoGeograficoHandler<Q> {
    consulta: Arc<Q>,
}

impl<Q> ObtenerDatoGeograficoHandler<Q> {
    pub fn new(consulta: Arc<Q>) -> Self {
        Self { consulta }
    }
}

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
            .ok_or(ObtenerDatoGeograficoError::NoEncontrada(query.id))
    }
}
