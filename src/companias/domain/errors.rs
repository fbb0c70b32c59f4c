use thiserror::Error;

use crate::seedwork::domain::{FieldError, ReviewError};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CompaniaError {
    #[error(transparent)]
    InvalidField(#[from] FieldError),
    #[error(transparent)]
    InvalidTransition(#[from] ReviewError),
}
