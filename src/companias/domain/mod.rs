//! The `Compania` aggregate: a registered record (seedwork `Registro`) whose
//! data is a company's name, email and tax id. Pure: no I/O crate here.

mod compania;

pub use compania::{Compania, CompaniaEvent, DatosCompania};
