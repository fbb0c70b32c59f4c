//! `ObtenerDatoGeografico` and `ObtenerDatosGeograficos` (with estado Rechazada, the
//! rejected list): read from the context's read model, never change state.

mod obtener_dato_geografico;
mod obtener_datos_geograficos;

pub use obtener_dato_geografico::{
    ObtenerDatoGeografico, ObtenerDatoGeograficoError, ObtenerDatoGeograficoHandler,
};
pub use obtener_datos_geograficos::{
    ObtenerDatosGeograficos, ObtenerDatosGeograficosError, ObtenerDatosGeograficosHandler,
};
