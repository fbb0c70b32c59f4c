use thiserror::Error;

use crate::seedwork::application::{StoreError, TranslateError};
use crate::seedwork::domain::DomainError;

/// Every way a reviewable aggregate's use case can fail; mapped once to
/// HTTP (seedwork api) and once to redelivery or DLQ (the consumers).
#[derive(Debug, Error)]
pub enum ReviewUseCaseError {
    #[error("{kind} {id} not found")]
    NotFound { kind: &'static str, id: String },
    #[error("{kind} {id} already exists")]
    AlreadyExists { kind: &'static str, id: String },
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

impl From<crate::seedwork::domain::FieldError> for ReviewUseCaseError {
    fn from(error: crate::seedwork::domain::FieldError) -> Self {
        Self::Domain(error.into())
    }
}
