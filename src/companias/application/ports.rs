//! The ports `companias` needs, named for their role; `infrastructure`
//! implements them (SQL, Avro).

use async_trait::async_trait;
use serde::Serialize;

use crate::companias::domain::Compania;
use crate::seedwork::application::{PageOf, PageRequest, StoreError, UnitOfWork};
use crate::seedwork::domain::{EntityId, Estado};

/// Where companies are kept, inside the caller's unit of work.
#[async_trait]
pub trait CompaniaRepository: Send + Sync + 'static {
    type Uow: UnitOfWork;

    /// Reads the companies of a run at once, so each message's `cargar`
    /// finds its company in memory (an optimisation: without it `cargar`
    /// reads one by one).
    async fn precargar(&self, _uow: &mut Self::Uow, _ids: &[EntityId]) -> Result<(), StoreError> {
        Ok(())
    }

    /// The company as this unit of work sees it: a change saved earlier in
    /// the same unit of work is visible.
    async fn cargar(
        &self,
        uow: &mut Self::Uow,
        id: EntityId,
    ) -> Result<Option<Compania>, StoreError>;

    /// Inserts a new company (version 0), or updates one whose stored
    /// version still equals the loaded one (`StoreError::Conflict` if not,
    /// here or when the unit of work commits: writes may be deferred to
    /// the commit, one statement for all the companies of a run).
    async fn guardar(&self, uow: &mut Self::Uow, compania: &Compania) -> Result<(), StoreError>;
}

/// A company as queries answer it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CompaniaVista {
    pub id: String,
    pub nombre: String,
    pub email: String,
    pub identificacion: String,
    pub pais: String,
    pub telefono: String,
    pub estado: String,
    pub motivos_rechazo: Vec<String>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
    pub version: i64,
}

/// Reads companies for queries, outside any unit of work.
#[async_trait]
pub trait ConsultaCompanias: Send + Sync + 'static {
    async fn por_id(&self, id: EntityId) -> Result<Option<CompaniaVista>, StoreError>;

    async fn listar(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<CompaniaVista>, StoreError>;
}
