//! The use cases every reviewable aggregate has, written once: `Crear`,
//! `Aprobar`, `Rechazar` commands and the `ObtenerPorId`, `Listar` queries,
//! generic over the aggregate and its ports. A context names them
//! (`type CrearCompania = Crear<Compania>`) and supplies the adapters.

mod commands;
mod errors;
mod ports;
mod queries;
mod view;

pub use commands::{Aprobar, Crear, Rechazar, ReviewCommand, ReviewCommands};
pub use errors::ReviewUseCaseError;
pub use ports::{ReadModel, Repository};
pub use queries::{Listar, ObtenerPorId, ReviewQueries};
pub use view::RegistroView;
