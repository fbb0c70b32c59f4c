//! The `Compania` aggregate, its events and rules. Pure: no I/O crate here.

mod compania;
mod errors;
mod events;

pub use compania::{Compania, DatosCompania};
pub use errors::CompaniaError;
pub use events::CompaniaEvent;
