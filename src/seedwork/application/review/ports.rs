use async_trait::async_trait;

use crate::seedwork::application::{PageOf, PageRequest, StoreError, UnitOfWork};
use crate::seedwork::domain::{EntityId, Estado};

/// Loads and saves aggregates `A` inside a unit of work.
#[async_trait]
pub trait Repository<A>: Send + Sync {
    type Uow: UnitOfWork;

    async fn load(&self, uow: &mut Self::Uow, id: EntityId) -> Result<Option<A>, StoreError>;

    /// Inserts a new aggregate (version 0) or updates one whose stored
    /// version still equals the loaded one (`StoreError::Conflict` otherwise).
    async fn save(&self, uow: &mut Self::Uow, aggregate: &A) -> Result<(), StoreError>;
}

/// Reads views `V` for queries, outside any unit of work.
#[async_trait]
pub trait ReadModel<V>: Send + Sync {
    async fn by_id(&self, id: EntityId) -> Result<Option<V>, StoreError>;
    async fn list(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<V>, StoreError>;
}
