use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use async_graphql::Data;
use async_graphql::dataloader::DataLoader;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use super::BffSchema;
use super::errors::AuthState;
use super::types::AuditoriaLoader;
use crate::bff_web::application::Proyecciones;
use crate::seedwork::application::Authenticator;

/// The caller's `x-correlation-id`, handed to mutations.
pub struct CorrelationId(pub String);

/// The caller's own `Authorization` header: what the operations view shows
/// of another service is read with the operator's credentials.
pub struct Credencial(pub String);

/// Largest GraphQL request body.
const GRAPHQL_BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
struct BffState {
    schema: BffSchema,
    auth: Arc<dyn Authenticator>,
    store: Arc<dyn Proyecciones>,
    /// DataLoader batches run so far (exposed for tests and metrics).
    loader_batches: Arc<AtomicUsize>,
}

impl BffState {
    fn loader(&self) -> DataLoader<AuditoriaLoader> {
        DataLoader::new(
            AuditoriaLoader {
                store: self.store.clone(),
                batches: self.loader_batches.clone(),
            },
            tokio::spawn,
        )
        // Wait a little for the rest of a page's keys before querying.
        .delay(std::time::Duration::from_millis(5))
    }
}

/// `/graphql` (POST; GraphiQL on GET), `/graphql/ws` (graphql-transport-ws)
/// and the web page at `/`. Returns the router and the loader batch counter.
pub fn router(
    schema: BffSchema,
    auth: Arc<dyn Authenticator>,
    store: Arc<dyn Proyecciones>,
) -> (Router, Arc<AtomicUsize>) {
    let loader_batches = Arc::new(AtomicUsize::new(0));
    let state = BffState {
        schema,
        auth,
        store,
        loader_batches: loader_batches.clone(),
    };
    let router = Router::new()
        .route(
            "/graphql",
            get(graphiql)
                .post(graphql)
                .layer(DefaultBodyLimit::max(GRAPHQL_BODY_LIMIT)),
        )
        .route("/graphql/ws", get(ws))
        .route(
            "/",
            get(|| async { Html(pagina("index.html", include_str!("ui/index.html"))) }),
        )
        .route(
            "/app.js",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/javascript")],
                    pagina("app.js", include_str!("ui/app.js")),
                )
            }),
        )
        .with_state(state);
    (router, loader_batches)
}

/// The web page's files are compiled in; `BFF_UI_DIR` serves them from
/// disk instead, so the page can be edited without a rebuild.
fn pagina(nombre: &str, compilada: &'static str) -> String {
    std::env::var_os("BFF_UI_DIR")
        .and_then(|dir| std::fs::read_to_string(std::path::Path::new(&dir).join(nombre)).ok())
        .unwrap_or_else(|| compilada.to_owned())
}

async fn graphiql() -> Html<&'static str> {
    Html(crate::seedwork::api::GRAPHIQL)
}

/// A GraphQL-shaped error for failures before execution.
fn request_error(status: StatusCode, code: &str, message: String) -> Response {
    (
        status,
        Json(json!({"errors": [{"message": message, "extensions": {"code": code}}]})),
    )
        .into_response()
}

/// Execution errors async-graphql raises itself carry no code: give them one.
fn code_for(message: &str) -> &'static str {
    if message.contains("nested too deep") || message.contains("recursion depth") {
        "QUERY_TOO_DEEP"
    } else if message.contains("too complex") {
        "QUERY_TOO_COMPLEX"
    } else {
        "GRAPHQL_VALIDATION_FAILED"
    }
}

async fn graphql(
    State(state): State<BffState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return request_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "REQUEST_TOO_LARGE",
                format!("the request body is over {GRAPHQL_BODY_LIMIT} bytes"),
            );
        }
        Err(r) => return request_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", r.body_text()),
    };
    let request: async_graphql::Request = match serde_json::from_slice(&bytes) {
        Ok(r) => r,
        Err(e) => {
            return request_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                format!("not a GraphQL request: {e}"),
            );
        }
    };
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let auth: AuthState = state.auth.principal(authorization);
    let mut request = request.data(auth).data(state.loader());
    if let Some(value) = authorization {
        request = request.data(Credencial(value.to_owned()));
    }
    if let Some(correlation) = crate::seedwork::api::correlation_header(&headers) {
        request = request.data(CorrelationId(correlation));
    }
    let started = std::time::Instant::now();
    let mut response = state.schema.execute(request).await;
    metrics::histogram!(
        "propalpes_graphql_request_duration_seconds",
        "result" => if response.errors.is_empty() { "ok" } else { "error" }
    )
    .record(started.elapsed().as_secs_f64());
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", code_for(&error.message));
        }
    }
    Json(response).into_response()
}

async fn ws(
    State(state): State<BffState>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| {
            let loader = state.loader();
            let auth = state.auth.clone();
            GraphQLWebSocket::new(socket, state.schema.clone(), protocol)
                .on_connection_init(move |payload| async move {
                    // Browsers cannot set headers on a WebSocket: the token
                    // travels in the connection_init payload.
                    let header = payload
                        .get("Authorization")
                        .or_else(|| payload.get("authorization"))
                        .and_then(|v| v.as_str())
                        .map(str::to_owned);
                    let mut data = Data::default();
                    data.insert::<AuthState>(auth.principal(header.as_deref()));
                    data.insert(loader);
                    Ok(data)
                })
                .serve()
        })
}
