//! What `companias` offers its callers (the HTTP API): the seedwork's record
//! use cases over its own commands, queries and view — creations share
//! transactions, each decision runs in a unit of work of its own.

use super::{
    AprobarCompania, CompaniaVista, CrearCompania, CrearCompaniaError, ObtenerCompania,
    ObtenerCompanias, RechazarCompania,
};
use crate::companias::domain::Compania;
use crate::seedwork::application::{CasosDeRegistro, RecordService, RecordUseCases};

/// The use cases of the companies, by name.
pub struct CasosCompania;

impl CasosDeRegistro for CasosCompania {
    type Registro = Compania;
    type Crear = CrearCompania;
    type CrearError = CrearCompaniaError;
    type Aprobar = AprobarCompania;
    type Rechazar = RechazarCompania;
    type Vista = CompaniaVista;
    type Obtener = ObtenerCompania;
    type Listar = ObtenerCompanias;
}

/// What the HTTP API calls: the routes are generic over it, and tested
/// against an in-memory one.
pub trait CompaniaService: RecordService<CasosCompania> {}

impl<S: RecordService<CasosCompania>> CompaniaService for S {}

/// The service over its ports (units of work, the handlers' repository
/// and event translator, the read model).
pub type Companias<F, R, E, Q> = RecordUseCases<CasosCompania, F, R, E, Q>;
