//! Use cases of `companias`: one handler per command and per query, generic
//! over the ports in `ports` (repository, read model, event translation).
//! Handlers own the transaction: load, decide, stage events, commit.

pub mod commands;
mod errors;
mod ports;
pub mod queries;

pub use errors::CompaniasError;
pub use ports::{CompaniaReadModel, CompaniaRepository, CompaniaView};
