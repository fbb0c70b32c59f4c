//! The ports `companias` needs, named for their role; `infrastructure`
//! implements them (SQL, Avro).

use serde::Serialize;

use crate::companias::domain::Compania;
use crate::seedwork::application::{RecordQueries, Repository};

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
pub trait ConsultaCompanias: RecordQueries<CompaniaVista> {}
