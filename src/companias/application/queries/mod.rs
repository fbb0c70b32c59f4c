//! `ObtenerCompania` and `ObtenerCompanias` (with estado Rechazada, the
//! rejected list): read from the context's read model, never change state.

mod obtener_compania;
mod obtener_companias;

pub use obtener_compania::{ObtenerCompania, ObtenerCompaniaError, ObtenerCompaniaHandler};
pub use obtener_companias::{ObtenerCompanias, ObtenerCompaniasError, ObtenerCompaniasHandler};
