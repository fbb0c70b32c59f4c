//! The ports `companias` needs, named for their role; `infrastructure`
//! implements them (SQL, Avro).

use async_trait::async_trait;
use serde::Serialize;

use crate::companias::domain::Compania;
use crate::seedwork::application::{PageOf, PageRequest, Repository, StoreError};
use crate::seedwork::domain::{EntityId, Estado};

/// Where companies are kept, inside the caller's unit of work.
pub trait CompaniaRepository: Repository<Compania> {}

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
