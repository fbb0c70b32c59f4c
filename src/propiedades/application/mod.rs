//! Use cases of `propiedades`, commands apart from queries, each with its
//! handler and its own error, generic over the ports this context declares
//! (`ports`). `PropiedadService` is what the HTTP API calls:
//! creations share transactions (group commit), each decision runs in a
//! unit of work of its own. The command-topic consumer runs the same
//! handlers inside its shared transaction.

/// The kind of record this context keeps, as errors and answers name it.
pub const RECURSO: &str = "propiedad";

pub mod commands;

pub mod ports;
pub mod queries;
mod service;

pub use commands::{
    AprobarPropiedad, AprobarPropiedadError, AprobarPropiedadHandler, CreacionPropiedad,
    CrearPropiedad, CrearPropiedadError, CrearPropiedadHandler, EliminarPropiedad,
    EliminarPropiedadError, EliminarPropiedadHandler, PropiedadHandlers, RechazarPropiedad,
    RechazarPropiedadError, RechazarPropiedadHandler,
};
pub use ports::{ConsultaPropiedades, PropiedadRepository, PropiedadVista};
pub use queries::{
    ObtenerPropiedad, ObtenerPropiedadError, ObtenerPropiedadHandler, ObtenerPropiedades,
    ObtenerPropiedadesError, ObtenerPropiedadesHandler,
};
pub use service::{CasosPropiedad, PropiedadService, Propiedades};
