//! Who may call a context's HTTP API: the same tokens and roles as the BFF.
//! A write needs a token whose role allows it (`POST /x` creates: operador;
//! `POST /x/{id}/<decision>` decides: auditor); reads are open inside the
//! deployment unless configured otherwise; anonymous writes only where
//! anonymous access is on (the embedded default, warned at start).
//! Every write must declare a JSON body, anonymous or not: a page on
//! another site can make a browser POST text/plain or a form without a
//! preflight, but never application/json.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ApiError;
use crate::seedwork::application::Authenticator;
use crate::seedwork::domain::Accion;

/// What the path of a decision ends with.
const DECISIONS: [&str; 3] = ["/aprobar", "/rechazar", "/reabrir"];

/// The authentication every route of a context's API goes through.
#[derive(Clone)]
pub struct Gate {
    auth: Arc<dyn Authenticator>,
    reads_open: bool,
}

impl Gate {
    pub fn new(auth: Arc<dyn Authenticator>, reads_open: bool) -> Self {
        Self { auth, reads_open }
    }

    /// `router` with every request checked.
    pub fn protect(&self, router: Router) -> Router {
        router.layer(axum::middleware::from_fn_with_state(self.clone(), guard))
    }
}

/// The action a request is, by method and path.
fn accion(method: &Method, path: &str) -> Accion {
    if method == Method::GET || method == Method::HEAD || method == Method::OPTIONS {
        Accion::Consultar
    } else if DECISIONS.iter().any(|d| path.ends_with(d)) {
        Accion::Decidir
    } else {
        Accion::Crear
    }
}

/// Whether a request declares a JSON body (`application/json`, or any
/// `application/*+json`, parameters such as charset allowed).
pub fn declara_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|esencia| {
            let esencia = esencia.trim().to_ascii_lowercase();
            esencia == "application/json"
                || (esencia.starts_with("application/") && esencia.ends_with("+json"))
        })
        .unwrap_or(false)
}

async fn guard(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    let accion = accion(request.method(), request.uri().path());
    if accion != Accion::Consultar && !declara_json(request.headers()) {
        return ApiError::UnsupportedMediaType(
            "a write must be sent as Content-Type: application/json".into(),
        )
        .into_response();
    }
    if accion == Accion::Consultar && gate.reads_open {
        return next.run(request).await;
    }
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match gate.auth.principal(authorization) {
        Err(error) => ApiError::Unauthenticated {
            code: error.code(),
            detail: error.to_string(),
        }
        .into_response(),
        Ok(principal) if !principal.puede(accion) => ApiError::Forbidden(match accion {
            Accion::Crear => "the operador role is required".into(),
            Accion::Decidir => "the auditor role is required".into(),
            Accion::Operar => "the operador or auditor role is required".into(),
            Accion::Consultar => {
                "the token carries no role of this system (operador, auditor)".into()
            }
        })
        .into_response(),
        Ok(_) => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_bodies_are_writes() {
        let con = |v: &str| {
            let mut h = axum::http::HeaderMap::new();
            h.insert(header::CONTENT_TYPE, v.parse().unwrap());
            declara_json(&h)
        };
        assert!(con("application/json"));
        assert!(con("Application/JSON; charset=utf-8"));
        assert!(con("application/merge-patch+json"));
        assert!(!con("text/plain"));
        assert!(!con("application/x-www-form-urlencoded"));
        assert!(!con("multipart/form-data; boundary=x"));
        assert!(!declara_json(&axum::http::HeaderMap::new()));
    }

    #[test]
    fn creating_and_deciding_are_told_apart_by_path() {
        assert_eq!(accion(&Method::GET, "/companias"), Accion::Consultar);
        assert_eq!(accion(&Method::POST, "/companias"), Accion::Crear);
        assert_eq!(
            accion(&Method::POST, "/companias/1/aprobar"),
            Accion::Decidir
        );
        assert_eq!(
            accion(&Method::POST, "/geograficos/1/rechazar"),
            Accion::Decidir
        );
    }
}
