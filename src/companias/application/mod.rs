//! Use cases of `companias`, commands apart from queries, each with its
//! handler and its own error, generic over the ports this context declares
//! (`ports`). `CompaniaService` is what the HTTP API calls:
//! creations share transactions (group commit), each decision runs in a
//! unit of work of its own. The command-topic consumer runs the same
//! handlers inside its shared transaction.

/// The kind of record this context keeps, as errors and answers name it.
pub const RECURSO: &str = "compania";

pub mod commands;

pub mod ports;
pub mod queries;
mod service;

pub use commands::{
    AprobarCompania, AprobarCompaniaError, AprobarCompaniaHandler, CompaniaHandlers, CrearCompania,
    CrearCompaniaError, CrearCompaniaHandler, RechazarCompania, RechazarCompaniaError,
    RechazarCompaniaHandler,
};
pub use ports::{CompaniaRepository, CompaniaVista, ConsultaCompanias};
pub use queries::{
    ObtenerCompania, ObtenerCompaniaError, ObtenerCompaniaHandler, ObtenerCompanias,
    ObtenerCompaniasError, ObtenerCompaniasHandler,
};
pub use service::{CasosCompania, CompaniaService, Companias};
