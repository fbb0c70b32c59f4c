//! The one place where `geograficos` use-case errors become HTTP answers.

use crate::geograficos::application::{
    AprobarDatosGeograficosError, CrearDatosGeograficosError, ObtenerDatoGeograficoError,
    ObtenerDatosGeograficosError, RechazarDatosGeograficosError,
};
use crate::seedwork::api::ApiError;

const KIND: &str = "datos_geograficos";

impl From<CrearDatosGeograficosError> for ApiError {
    fn from(error: CrearDatosGeograficosError) -> Self {
        match error {
            CrearDatosGeograficosError::YaExiste(_) => ApiError::Conflict(error.to_string()),
            CrearDatosGeograficosError::Store(e) => e.into(),
            CrearDatosGeograficosError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<AprobarDatosGeograficosError> for ApiError {
    fn from(error: AprobarDatosGeograficosError) -> Self {
        match error {
            AprobarDatosGeograficosError::NoEncontrada(id) => ApiError::NotFound {
                resource: KIND,
                id: id.to_string(),
            },
            AprobarDatosGeograficosError::TransicionInvalida(t) => {
                ApiError::Conflict(t.to_string())
            }
            AprobarDatosGeograficosError::Store(e) => e.into(),
            AprobarDatosGeograficosError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<RechazarDatosGeograficosError> for ApiError {
    fn from(error: RechazarDatosGeograficosError) -> Self {
        match error {
            RechazarDatosGeograficosError::NoEncontrada(id) => ApiError::NotFound {
                resource: KIND,
                id: id.to_string(),
            },
            RechazarDatosGeograficosError::TransicionInvalida(t) => {
                ApiError::Conflict(t.to_string())
            }
            RechazarDatosGeograficosError::Store(e) => e.into(),
            RechazarDatosGeograficosError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<ObtenerDatoGeograficoError> for ApiError {
    fn from(error: ObtenerDatoGeograficoError) -> Self {
        match error {
            ObtenerDatoGeograficoError::NoEncontrada(id) => ApiError::NotFound {
                resource: KIND,
                id: id.to_string(),
            },
            ObtenerDatoGeograficoError::Store(e) => e.into(),
        }
    }
}

impl From<ObtenerDatosGeograficosError> for ApiError {
    fn from(error: ObtenerDatosGeograficosError) -> Self {
        match error {
            ObtenerDatosGeograficosError::Store(e) => e.into(),
        }
    }
}
