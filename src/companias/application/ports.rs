use async_trait::async_trait;
use serde::Serialize;

use crate::companias::domain::Compania;
use crate::seedwork::application::{PageOf, PageRequest, StoreError, UnitOfWork};
use crate::seedwork::domain::{EntityId, Estado};

/// Loads and saves companies inside a unit of work.
#[async_trait]
pub trait CompaniaRepository: Send + Sync {
    type Uow: UnitOfWork;

    async fn load(&self, uow: &mut Self::Uow, id: EntityId)
    -> Result<Option<Compania>, StoreError>;

    /// Inserts a new company or updates one whose stored version still
    /// equals the loaded one (`StoreError::Conflict` otherwise).
    async fn save(&self, uow: &mut Self::Uow, compania: &Compania) -> Result<(), StoreError>;
}

/// A company as queries return it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CompaniaView {
    pub id: String,
    pub nombre: String,
    pub email: String,
    pub identificacion: String,
    pub estado: String,
    pub motivos_rechazo: Vec<String>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
    pub version: i64,
}

/// Reads companies for queries, outside any unit of work.
#[async_trait]
pub trait CompaniaReadModel: Send + Sync {
    async fn by_id(&self, id: EntityId) -> Result<Option<CompaniaView>, StoreError>;
    async fn list(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<CompaniaView>, StoreError>;
}
