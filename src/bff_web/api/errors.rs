use async_graphql::{Error, ErrorExtensions};

use crate::bff_web::application::{EnviarError, OperacionError};
use crate::seedwork::application::AuthError;
use crate::seedwork::application::StoreError;
use crate::seedwork::domain::FieldError;
use crate::seedwork::domain::{Accion, Principal};

/// A GraphQL error with `extensions.code` (and the field, when there is one).
pub fn coded(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, e| e.set("code", code))
}

pub fn bad_input(error: FieldError) -> Error {
    let field = error.field.clone();
    Error::new(error.to_string()).extend_with(|_, e| {
        e.set("code", "BAD_USER_INPUT");
        e.set("field", field.clone());
    })
}

pub fn store(error: StoreError) -> Error {
    tracing::error!(%error, "projection read failed");
    coded("UNAVAILABLE", "the read store is unavailable")
}

pub fn operacion(error: OperacionError) -> Error {
    match error {
        OperacionError::TopicDesconocido(_) => {
            coded("BAD_USER_INPUT", error.to_string()).extend_with(|_, e| e.set("field", "topic"))
        }
        OperacionError::CartaDesconocida { .. } => coded("NOT_FOUND", error.to_string()),
        OperacionError::Bus(_) | OperacionError::Auditoria(_) | OperacionError::Registro(_) => {
            tracing::error!(%error, "operations view: bus unavailable");
            coded("UNAVAILABLE", error.to_string())
        }
    }
}

pub fn enviar(error: EnviarError) -> Error {
    match error {
        EnviarError::Invalid(f) => bad_input(f),
        EnviarError::Store(e) => store(e),
        EnviarError::Encoding(e) => coded("INTERNAL", e.to_string()),
        EnviarError::InvalidTransition(why) => coded("INVALID_TRANSITION", why),
    }
}

/// Who is asking, as the HTTP or WebSocket layer established it.
pub type AuthState = Result<Principal, AuthError>;

pub fn autorizar(ctx: &async_graphql::Context<'_>, accion: Accion) -> async_graphql::Result<()> {
    match ctx.data_opt::<AuthState>() {
        None => Err(coded("UNAUTHENTICATED", AuthError::Missing.to_string())),
        Some(Err(e)) => Err(coded(e.code(), e.to_string())),
        Some(Ok(p)) if p.puede(accion) => Ok(()),
        Some(Ok(_)) => Err(coded(
            "FORBIDDEN",
            match accion {
                Accion::Crear => "the operador role is required",
                Accion::Decidir => "the auditor role is required",
                Accion::Operar => "the operador or auditor role is required",
                Accion::Consultar => "the token carries no role of this system (operador, auditor)",
            },
        )),
    }
}
