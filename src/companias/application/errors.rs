use thiserror::Error;

use crate::companias::domain::CompaniaError;
use crate::seedwork::application::{StoreError, TranslateError};

/// Every way a `companias` use case can fail; the API maps it once.
#[derive(Debug, Error)]
pub enum CompaniasError {
    #[error("compania {0} not found")]
    NotFound(String),
    #[error("compania {0} already exists")]
    AlreadyExists(String),
    #[error(transparent)]
    Domain(#[from] CompaniaError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}
