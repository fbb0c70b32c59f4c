//! What `propiedades` offers its callers (the HTTP API): the seedwork's record
//! use cases over its own commands, queries and view — creations share
//! transactions, each decision runs in a unit of work of its own.

use super::{
    AprobarPropiedad, CrearPropiedad, CrearPropiedadError, ObtenerPropiedad, ObtenerPropiedades,
    PropiedadVista, RechazarPropiedad,
};
use crate::propiedades::domain::Propiedad;
use crate::seedwork::application::{CasosDeRegistro, RecordService, RecordUseCases};

/// The use cases of the properties, by name.
pub struct CasosPropiedad;

impl CasosDeRegistro for CasosPropiedad {
    type Registro = Propiedad;
    type Crear = CrearPropiedad;
    type CrearError = CrearPropiedadError;
    type Aprobar = AprobarPropiedad;
    type Rechazar = RechazarPropiedad;
    type Vista = PropiedadVista;
    type Obtener = ObtenerPropiedad;
    type Listar = ObtenerPropiedades;
}

/// What the HTTP API calls: the routes are generic over it, and tested
/// against an in-memory one.
pub trait PropiedadService: RecordService<CasosPropiedad> {}

impl<S: RecordService<CasosPropiedad>> PropiedadService for S {}

/// The service over its ports (units of work, the handlers' repository
/// and event translator, the read model).
pub type Propiedades<F, R, E, Q> = RecordUseCases<CasosPropiedad, F, R, E, Q>;
