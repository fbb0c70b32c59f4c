use thiserror::Error;

use crate::seedwork::domain::{Principal, Rol};

/// Why a request carries no usable identity.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthError {
    #[error("authentication required: send Authorization: Bearer <token>")]
    Missing,
    #[error("the token has expired")]
    Expired,
    #[error("invalid token: {0}")]
    Invalid(String),
}

impl AuthError {
    /// The error code GraphQL and the HTTP problem body carry.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "UNAUTHENTICATED",
            Self::Expired => "TOKEN_EXPIRED",
            Self::Invalid(_) => "INVALID_TOKEN",
        }
    }
}

/// Who sent a request, and until when that holds: a token's `exp` (a
/// WebSocket opened with it is closed then); `None` for anonymous access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sesion {
    pub principal: Principal,
    pub expira: Option<chrono::DateTime<chrono::Utc>>,
}

/// Tells who sent a request from its `Authorization` header (or its
/// absence, which is anonymous only where anonymous access is on).
pub trait Authenticator: Send + Sync {
    fn sesion(&self, authorization: Option<&str>) -> Result<Sesion, AuthError>;

    fn principal(&self, authorization: Option<&str>) -> Result<Principal, AuthError> {
        self.sesion(authorization).map(|s| s.principal)
    }

    /// Whether the development sign-in is offered (anonymous access on).
    fn ofrece_desarrollo(&self) -> bool {
        false
    }

    /// A short-lived token for `rol`, where local development sign-in is
    /// offered (anonymous access on); `None` elsewhere.
    fn token_de_desarrollo(&self, rol: Rol) -> Option<Result<String, AuthError>> {
        let _ = rol;
        None
    }
}
