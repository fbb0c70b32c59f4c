use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use thiserror::Error;

/// Every error an HTTP handler can return. Each context maps its application
/// errors into this once; this is the only place that picks a status code.
#[derive(Debug, Error)]
pub enum ApiError {
    /// The body is not JSON at all.
    #[error("malformed request: {message}")]
    Malformed { field: String, message: String },
    /// A field is missing, of the wrong type or out of bounds.
    #[error("invalid {field}: {message}")]
    Validation { field: String, message: String },
    #[error("request body too large: {0}")]
    TooLarge(String),

    /// A write whose body is not declared JSON (a browser sends text/plain
    /// and forms cross-site without asking first: they are refused).
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// No usable token (missing, expired, invalid): `code` names which.
    #[error("{detail}")]
    Unauthenticated { code: &'static str, detail: String },
    /// A valid token without the role the action needs.
    #[error("{0}")]
    Forbidden(String),
    #[error("{resource} {id} not found")]
    NotFound { resource: &'static str, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<crate::seedwork::domain::FieldError> for ApiError {
    fn from(error: crate::seedwork::domain::FieldError) -> Self {
        Self::Validation {
            field: error.field,
            message: error.reason,
        }
    }
}

impl From<crate::seedwork::application::StoreError> for ApiError {
    fn from(error: crate::seedwork::application::StoreError) -> Self {
        use crate::seedwork::application::StoreError;
        match error {
            StoreError::Conflict { .. } => Self::Conflict(error.to_string()),
            StoreError::Backend(_) | StoreError::Unavailable(_) => {
                Self::Unavailable(error.to_string())
            }
        }
    }
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::Malformed { .. } => StatusCode::BAD_REQUEST,
            Self::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Self::Malformed { .. } => "malformed_request",
            Self::Validation { .. } => "validation_error",
            Self::TooLarge(_) => "too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Unauthenticated { .. } => "unauthenticated",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound { .. } => "not_found",
            Self::Conflict(_) => "conflict",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

/// A problem body in the spirit of RFC 9457, plus the offending `field`.
#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    /// UNAUTHENTICATED, TOKEN_EXPIRED, INVALID_TOKEN (as in GraphQL).
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'a str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let field = match &self {
            Self::Malformed { field, .. } | Self::Validation { field, .. } => Some(field.as_str()),
            Self::UnsupportedMediaType(_) => Some("content-type"),
            _ => None,
        };
        let code = match &self {
            Self::Unauthenticated { code, .. } => Some(*code),
            Self::Forbidden(_) => Some("FORBIDDEN"),
            _ => None,
        };
        let body = Problem {
            kind: self.kind(),
            status: status.as_u16(),
            detail: self.to_string(),
            field,
            code,
        };
        (status, Json(body)).into_response()
    }
}
