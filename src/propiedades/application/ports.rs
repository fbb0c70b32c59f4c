//! The ports `propiedades` needs, named for their role; `infrastructure`
//! implements them (SQL, Avro).

use async_trait::async_trait;
use serde::Serialize;

use crate::propiedades::domain::Propiedad;
use crate::seedwork::application::{RecordQueries, Repository, StoreError};

/// Where properties are kept, inside the caller's unit of work.
#[async_trait]
pub trait PropiedadRepository: Repository<Propiedad> {
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
pub trait ConsultaPropiedades: RecordQueries<PropiedadVista> {}
