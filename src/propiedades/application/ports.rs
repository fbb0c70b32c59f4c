//! The ports `propiedades` needs, named for their role; `infrastructure`
//! implements them (SQL, Avro).

use async_trait::async_trait;
use serde::Serialize;

use crate::propiedades::domain::Propiedad;
use crate::seedwork::application::{PageOf, PageRequest, StoreError, UnitOfWork};
use crate::seedwork::domain::{EntityId, Estado};

/// Where properties are kept, inside the caller's unit of work.
#[async_trait]
pub trait PropiedadRepository: Send + Sync + 'static {
    type Uow: UnitOfWork;

    /// Reads the properties of a run at once, so each message's `cargar`
    /// finds its record in memory (an optimisation: without it `cargar`
    /// reads one by one).
    async fn precargar(&self, _uow: &mut Self::Uow, _ids: &[EntityId]) -> Result<(), StoreError> {
        Ok(())
    }

    /// The record as this unit of work sees it: a change saved earlier in
    /// the same unit of work is visible.
    async fn cargar(
        &self,
        uow: &mut Self::Uow,
        id: EntityId,
    ) -> Result<Option<Propiedad>, StoreError>;

    /// Inserts a new record (version 0), or updates one whose stored
    /// version still equals the loaded one (`StoreError::Conflict` if not,
    /// here or when the unit of work commits: writes may be deferred to
    /// the commit, one statement for all the records of a run).
    async fn guardar(&self, uow: &mut Self::Uow, datos: &Propiedad) -> Result<(), StoreError>;

    /// Whether another property holds this cadastral id.
    async fn catastral_registrada(
        &self,
        uow: &mut Self::Uow,
        identificacion_catastral: &str,
    ) -> Result<bool, StoreError>;
}

/// A property as queries answer it (eliminated ones are not listed, but
/// one asked for by id says it was eliminated).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PropiedadVista {
    pub id: String,
    pub nombre: String,
    pub identificacion_catastral: String,
    pub nit: String,
    pub estado: String,
    pub motivos_rechazo: Vec<String>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
    pub eliminada: bool,
    pub version: i64,
}

/// Reads records for queries, outside any unit of work.
#[async_trait]
pub trait ConsultaPropiedades: Send + Sync + 'static {
    async fn por_id(&self, id: EntityId) -> Result<Option<PropiedadVista>, StoreError>;

    async fn listar(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<PropiedadVista>, StoreError>;
}
