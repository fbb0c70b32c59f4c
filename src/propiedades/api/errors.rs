//! The one place where `propiedades` use-case errors become HTTP answers.

use crate::propiedades::application::{
    AprobarPropiedadError, CrearPropiedadError, ObtenerPropiedadError, ObtenerPropiedadesError,
    RechazarPropiedadError,
};
use crate::seedwork::api::ApiError;

const KIND: &str = "propiedad";

impl From<CrearPropiedadError> for ApiError {
    fn from(error: CrearPropiedadError) -> Self {
        match error {
            CrearPropiedadError::YaExiste(_) | CrearPropiedadError::CatastralRegistrada(_) => {
                ApiError::Conflict(error.to_string())
            }
            CrearPropiedadError::Store(e) => e.into(),
            CrearPropiedadError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<AprobarPropiedadError> for ApiError {
    fn from(error: AprobarPropiedadError) -> Self {
        match error {
            AprobarPropiedadError::NoEncontrada(id) => ApiError::NotFound {
                resource: KIND,
                id: id.to_string(),
            },
            AprobarPropiedadError::TransicionInvalida(t) => ApiError::Conflict(t.to_string()),
            AprobarPropiedadError::Store(e) => e.into(),
            AprobarPropiedadError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<RechazarPropiedadError> for ApiError {
    fn from(error: RechazarPropiedadError) -> Self {
        match error {
            RechazarPropiedadError::NoEncontrada(id) => ApiError::NotFound {
                resource: KIND,
                id: id.to_string(),
            },
            RechazarPropiedadError::TransicionInvalida(t) => ApiError::Conflict(t.to_string()),
            RechazarPropiedadError::Store(e) => e.into(),
            RechazarPropiedadError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<ObtenerPropiedadError> for ApiError {
    fn from(error: ObtenerPropiedadError) -> Self {
        match error {
            ObtenerPropiedadError::NoEncontrada(id) => ApiError::NotFound {
                resource: KIND,
                id: id.to_string(),
            },
            ObtenerPropiedadError::Store(e) => e.into(),
        }
    }
}

impl From<ObtenerPropiedadesError> for ApiError {
    fn from(error: ObtenerPropiedadesError) -> Self {
        match error {
            ObtenerPropiedadesError::Store(e) => e.into(),
        }
    }
}
