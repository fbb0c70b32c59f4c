//! `ObtenerPropiedad` and `ObtenerPropiedades` (with estado Rechazada, the
//! rejected list): read from the context's read model, never change state.

mod obtener_propiedad;
mod obtener_propiedades;

pub use obtener_propiedad::{ObtenerPropiedad, ObtenerPropiedadError, ObtenerPropiedadHandler};
pub use obtener_propiedades::{
    ObtenerPropiedades, ObtenerPropiedadesError, ObtenerPropiedadesHandler,
};
