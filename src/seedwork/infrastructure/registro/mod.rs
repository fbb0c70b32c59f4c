//! Adapters of every registered-record context (companias, geograficos),
//! written once over `DatosRegistro`: the portable SQL repository and read
//! model, the Avro mapping of events and commands, and the running module.

mod avro_mapping;
mod module;
mod sql_repository;

pub use avro_mapping::{RegistroAvroEvents, RegistroCommandDecoder};
pub use module::{RegistroModule, RegistroNames, SqlRegistroCommands, SqlRegistroQueries};
pub use sql_repository::{SqlRegistroReadModel, SqlRegistroRepository};
