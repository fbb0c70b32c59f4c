//! The one place where `companias` use-case errors become HTTP answers.

use crate::companias::application::{
    AprobarCompaniaError, CrearCompaniaError, ObtenerCompaniaError, ObtenerCompaniasError,
    RechazarCompaniaError,
};
use crate::seedwork::api::ApiError;

const KIND: &str = "compania";

impl From<CrearCompaniaError> for ApiError {
    fn from(error: CrearCompaniaError) -> Self {
        match error {
            CrearCompaniaError::YaExiste(_) => ApiError::Conflict(error.to_string()),
            CrearCompaniaError::Store(e) => e.into(),
            CrearCompaniaError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<AprobarCompaniaError> for ApiError {
    fn from(error: AprobarCompaniaError) -> Self {
        match error {
            AprobarCompaniaError::NoEncontrada(id) => ApiError::NotFound {
                resource: KIND,
                id: id.to_string(),
            },
            AprobarCompaniaError::TransicionInvalida(t) => ApiError::Conflict(t.to_string()),
            AprobarCompaniaError::Store(e) => e.into(),
            AprobarCompaniaError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<RechazarCompaniaError> for ApiError {
    fn from(error: RechazarCompaniaError) -> Self {
        match error {
            RechazarCompaniaError::NoEncontrada(id) => ApiError::NotFound {
                resource: KIND,
                id: id.to_string(),
            },
            RechazarCompaniaError::TransicionInvalida(t) => ApiError::Conflict(t.to_string()),
            RechazarCompaniaError::Store(e) => e.into(),
            RechazarCompaniaError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<ObtenerCompaniaError> for ApiError {
    fn from(error: ObtenerCompaniaError) -> Self {
        match error {
            ObtenerCompaniaError::NoEncontrada(id) => ApiError::NotFound {
                resource: KIND,
                id: id.to_string(),
            },
            ObtenerCompaniaError::Store(e) => e.into(),
        }
    }
}

impl From<ObtenerCompaniasError> for ApiError {
    fn from(error: ObtenerCompaniasError) -> Self {
        match error {
            ObtenerCompaniasError::Store(e) => e.into(),
        }
    }
}
