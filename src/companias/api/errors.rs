use crate::companias::application::CompaniasError;
use crate::companias::domain::CompaniaError;
use crate::seedwork::api::ApiError;

impl From<CompaniasError> for ApiError {
    fn from(error: CompaniasError) -> Self {
        match error {
            CompaniasError::NotFound(id) => ApiError::NotFound {
                resource: "compania",
                id,
            },
            CompaniasError::AlreadyExists(_) => ApiError::Conflict(error.to_string()),
            CompaniasError::Domain(CompaniaError::InvalidField(f)) => f.into(),
            CompaniasError::Domain(CompaniaError::InvalidTransition(t)) => {
                ApiError::Conflict(t.to_string())
            }
            CompaniasError::Store(e) => e.into(),
            CompaniasError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}
