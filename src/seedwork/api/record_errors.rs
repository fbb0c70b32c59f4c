//! The one place where the record use cases' failures become HTTP answers
//! (see `seedwork::application::record_errors`).

use super::ApiError;
use crate::seedwork::application::{ConsultaError, CreacionError, DecisionError, ListadoError};

impl From<CreacionError> for ApiError {
    fn from(error: CreacionError) -> Self {
        match error {
            CreacionError::YaExiste { .. } => ApiError::Conflict(error.to_string()),
            CreacionError::Store(e) => e.into(),
            CreacionError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<DecisionError> for ApiError {
    fn from(error: DecisionError) -> Self {
        match error {
            DecisionError::NoEncontrada { recurso, id } => ApiError::NotFound {
                resource: recurso,
                id: id.to_string(),
            },
            DecisionError::TransicionInvalida(t) => ApiError::Conflict(t.to_string()),
            DecisionError::Store(e) => e.into(),
            DecisionError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<ConsultaError> for ApiError {
    fn from(error: ConsultaError) -> Self {
        match error {
            ConsultaError::NoEncontrada { recurso, id } => ApiError::NotFound {
                resource: recurso,
                id: id.to_string(),
            },
            ConsultaError::Store(e) => e.into(),
        }
    }
}

impl From<ListadoError> for ApiError {
    fn from(error: ListadoError) -> Self {
        match error {
            ListadoError::Store(e) => e.into(),
        }
    }
}
