//! The `Compania` aggregate, its events and rules. Pure: no I/O crate here.

mod compania;
mod events;

pub use compania::{Compania, DatosCompania};
pub use events::CompaniaEvent;
