//! One handler per query, all on [`CompaniaQueries`].

use async_trait::async_trait;

use super::{CompaniaReadModel, CompaniaView, CompaniasError};
use crate::seedwork::application::{PageOf, PageRequest, Query, QueryHandler};
use crate::seedwork::domain::{EntityId, Estado};

pub struct CompaniaQueries<M> {
    read_model: M,
}

impl<M: CompaniaReadModel> CompaniaQueries<M> {
    pub fn new(read_model: M) -> Self {
        Self { read_model }
    }
}

#[derive(Debug, Clone)]
pub struct ObtenerCompania {
    pub id: EntityId,
}

impl Query for ObtenerCompania {
    const NAME: &'static str = "ObtenerCompania";
    type Output = CompaniaView;
}

#[async_trait]
impl<M: CompaniaReadModel> QueryHandler<ObtenerCompania> for CompaniaQueries<M> {
    type Error = CompaniasError;

    async fn handle(&self, query: ObtenerCompania) -> Result<CompaniaView, CompaniasError> {
        self.read_model
            .by_id(query.id)
            .await?
            .ok_or_else(|| CompaniasError::NotFound(query.id.to_string()))
    }
}

#[derive(Debug, Clone)]
pub struct ObtenerCompanias {
    pub estado: Option<Estado>,
    pub page: PageRequest,
}

impl Query for ObtenerCompanias {
    const NAME: &'static str = "ObtenerCompanias";
    type Output = PageOf<CompaniaView>;
}

#[async_trait]
impl<M: CompaniaReadModel> QueryHandler<ObtenerCompanias> for CompaniaQueries<M> {
    type Error = CompaniasError;

    async fn handle(
        &self,
        query: ObtenerCompanias,
    ) -> Result<PageOf<CompaniaView>, CompaniasError> {
        Ok(self.read_model.list(query.estado, query.page).await?)
    }
}

#[derive(Debug, Clone)]
pub struct ObtenerCompaniasRechazadas {
    pub page: PageRequest,
}

impl Query for ObtenerCompaniasRechazadas {
    const NAME: &'static str = "ObtenerCompaniasRechazadas";
    type Output = PageOf<CompaniaView>;
}

#[async_trait]
impl<M: CompaniaReadModel> QueryHandler<ObtenerCompaniasRechazadas> for CompaniaQueries<M> {
    type Error = CompaniasError;

    async fn handle(
        &self,
        query: ObtenerCompaniasRechazadas,
    ) -> Result<PageOf<CompaniaView>, CompaniasError> {
        Ok(self
            .read_model
            .list(Some(Estado::Rechazada), query.page)
            .await?)
    }
}
