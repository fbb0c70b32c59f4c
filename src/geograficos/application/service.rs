//! What `geograficos` offers its callers (the HTTP API): the seedwork's record
//! use cases over its own commands, queries and view — creations share
//! transactions, each decision runs in a unit of work of its own.

use super::{
    AprobarDatosGeograficos, CrearDatosGeograficos, CrearDatosGeograficosError,
    DatosGeograficosVista, ObtenerDatoGeografico, ObtenerDatosGeograficos,
    RechazarDatosGeograficos,
};
use crate::geograficos::domain::DatosGeograficos;
use crate::seedwork::application::{CasosDeRegistro, RecordService, RecordUseCases};

/// The use cases of the properties' geographic data, by name.
pub struct CasosDatosGeograficos;

impl CasosDeRegistro for CasosDatosGeograficos {
    type Registro = DatosGeograficos;
    type Crear = CrearDatosGeograficos;
    type CrearError = CrearDatosGeograficosError;
    type Aprobar = AprobarDatosGeograficos;
    type Rechazar = RechazarDatosGeograficos;
    type Vista = DatosGeograficosVista;
    type Obtener = ObtenerDatoGeografico;
    type Listar = ObtenerDatosGeograficos;
}

/// What the HTTP API calls: the routes are generic over it, and tested
/// against an in-memory one.
pub trait DatosGeograficosService: RecordService<CasosDatosGeograficos> {}

impl<S: RecordService<CasosDatosGeograficos>> DatosGeograficosService for S {}

/// The service over its ports (units of work, the handlers' repository
/// and event translator, the read model).
pub type Geograficos<F, R, E, Q> = RecordUseCases<CasosDatosGeograficos, F, R, E, Q>;
