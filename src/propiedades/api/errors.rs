//! The one `propiedades` failure of its own to become an HTTP answer (the
//! record use cases' others are mapped in `seedwork::api`).

use crate::propiedades::application::CrearPropiedadError;
use crate::seedwork::api::ApiError;

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
