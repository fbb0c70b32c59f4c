//! Use cases of `geograficos`, commands apart from queries, each with its
//! handler and its own error, generic over the ports this context declares
//! (`ports`). `DatosGeograficosService` is what the HTTP API calls:
//! creations share transactions (group commit), each decision runs in a
//! unit of work of its own. The command-topic consumer runs the same
//! handlers inside its shared transaction.

/// The kind of record this context keeps, as errors and answers name it.
pub const RECURSO: &str = "datos_geograficos";

pub mod commands;

pub mod ports;
pub mod queries;
mod service;

pub use commands::{
    AprobarDatosGeograficos, AprobarDatosGeograficosError, AprobarDatosGeograficosHandler,
    CrearDatosGeograficos, CrearDatosGeograficosError, CrearDatosGeograficosHandler,
    DatosGeograficosHandlers, EliminarDatosGeograficos, EliminarDatosGeograficosError,
    EliminarDatosGeograficosHandler, RechazarDatosGeograficos, RechazarDatosGeograficosError,
    RechazarDatosGeograficosHandler,
};
pub use ports::{ConsultaDatosGeograficos, DatosGeograficosRepository, DatosGeograficosVista};
pub use queries::{
    ObtenerDatoGeografico, ObtenerDatoGeograficoError, ObtenerDatoGeograficoHandler,
    ObtenerDatosGeograficos, ObtenerDatosGeograficosError, ObtenerDatosGeograficosHandler,
};
pub use service::{CasosDatosGeograficos, DatosGeograficosService, Geograficos};
