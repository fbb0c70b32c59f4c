//! The ports `geograficos` needs, named for their role; `infrastructure`
//! implements them (SQL, Avro).

use serde::Serialize;

use crate::geograficos::domain::DatosGeograficos;
use crate::seedwork::application::{RecordQueries, Repository};

/// Where records are kept, inside the caller's unit of work.
pub trait DatosGeograficosRepository: Repository<DatosGeograficos> {}

/// A property's geographic data as queries answer it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DatosGeograficosVista {
    pub id: String,
    pub nombre_propiedad: String,
    pub latitud: String,
    pub longitud: String,
    pub direccion: String,
    pub estado: String,
    pub motivos_rechazo: Vec<String>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
    pub version: i64,
}

/// Reads records for queries, outside any unit of work.
pub trait ConsultaDatosGeograficos: RecordQueries<DatosGeograficosVista> {}
