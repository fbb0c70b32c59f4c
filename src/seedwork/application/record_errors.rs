//! The failures of the use cases every reviewed record offers (create,
//! decide its review, compensate, look up, list). Each context names them
//! for its use cases (`type AprobarCompaniaError = DecisionError`), so its
//! handlers keep one error type per use case while the mapping of those
//! failures to HTTP (`seedwork::api`) and to a consumer's verdict (below)
//! is written once.

use thiserror::Error;

use super::{FalloComando, HandleError, StoreError, TranslateError};
use crate::seedwork::domain::{EntityId, ReviewError};

/// Why a record could not be created.
#[derive(Debug, Error)]
pub enum CreacionError {
    #[error("{recurso} {id} already exists")]
    YaExiste { recurso: &'static str, id: EntityId },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

/// Why a review decision (approve, reject, re-decide) was not applied.
#[derive(Debug, Error)]
pub enum DecisionError {
    #[error("{recurso} {id} not found")]
    NoEncontrada { recurso: &'static str, id: EntityId },
    #[error(transparent)]
    TransicionInvalida(#[from] ReviewError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

/// Why a saga's compensation (eliminating a record) was not applied; a
/// record that does not exist needs none, so it is not a failure.
#[derive(Debug, Error)]
pub enum CompensacionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

/// Why one record could not be read.
#[derive(Debug, Error)]
pub enum ConsultaError {
    #[error("{recurso} {id} not found")]
    NoEncontrada { recurso: &'static str, id: EntityId },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Why a page of records could not be read.
#[derive(Debug, Error)]
pub enum ListadoError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A creation from a command topic: an outage waits; a duplicate or an
/// event that cannot be encoded never succeeds (poison).
impl From<CreacionError> for HandleError {
    fn from(error: CreacionError) -> Self {
        match error {
            CreacionError::Store(e) => e.into(),
            CreacionError::YaExiste { .. } | CreacionError::Encoding(_) => {
                HandleError::Poison(error.to_string())
            }
        }
    }
}

/// A decision from a command topic: an outage waits; a record not there
/// yet (its creation may still be on the way) is retried; a decision the
/// record refuses (decided otherwise already) is answered to its sender.
impl From<DecisionError> for FalloComando {
    fn from(error: DecisionError) -> Self {
        match error {
            DecisionError::Store(e) => e.into(),
            DecisionError::NoEncontrada { .. } => HandleError::Retryable(error.to_string()).into(),
            DecisionError::TransicionInvalida(e) => FalloComando::Rechazo {
                motivo: e.to_string(),
                estado_actual: Some(e.from.to_string()),
            },
            DecisionError::Encoding(_) => HandleError::Poison(error.to_string()).into(),
        }
    }
}

/// A compensation from a command topic: an outage waits; an event that
/// cannot be encoded never succeeds.
impl From<CompensacionError> for HandleError {
    fn from(error: CompensacionError) -> Self {
        match error {
            CompensacionError::Store(e) => e.into(),
            CompensacionError::Encoding(_) => HandleError::Poison(error.to_string()),
        }
    }
}
