use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use async_graphql::Data;
use async_graphql::dataloader::DataLoader;
use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, WebSocketProtocols};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use super::BffSchema;
use super::contexto::{CorrelationId, Credencial};
use super::errors::AuthState;
use super::types::AuditoriaLoader;
use super::ws::{self, Conexiones, LimitesWs, Origenes};
use crate::bff_web::application::Proyecciones;
use crate::seedwork::application::Authenticator;

/// Largest GraphQL request body.
const GRAPHQL_BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
struct BffState {
    schema: BffSchema,
    auth: Arc<dyn Authenticator>,
    store: Arc<dyn Proyecciones>,
    /// DataLoader batches run so far (exposed for tests and metrics).
    loader_batches: Arc<AtomicUsize>,
    origenes: Origenes,
    conexiones: Arc<Conexiones>,
    limites: LimitesWs,
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
/// and the web page at `/`. `origenes` are the other sites allowed to call
/// it from a browser (CORS and the WebSocket's `Origin`); none by default.
/// Returns the router and the loader batch counter.
pub fn router(
    schema: BffSchema,
    auth: Arc<dyn Authenticator>,
    store: Arc<dyn Proyecciones>,
    origenes: Origenes,
) -> (Router, Arc<AtomicUsize>) {
    let loader_batches = Arc::new(AtomicUsize::new(0));
    let cors = cors(&origenes);
    let state = BffState {
        schema,
        auth,
        store,
        loader_batches: loader_batches.clone(),
        origenes,
        conexiones: Arc::new(Conexiones::default()),
        limites: LimitesWs::default(),
    };
    let graphql_routes = get(graphiql)
        .post(graphql)
        .layer(DefaultBodyLimit::max(GRAPHQL_BODY_LIMIT))
        .layer(axum::middleware::from_fn(refuse_declared_oversize));
    let graphql_routes = match cors {
        Some(cors) => graphql_routes.layer(cors),
        None => graphql_routes,
    };
    let router = Router::new()
        .route("/graphql", graphql_routes)
        .route("/graphql/ws", get(ws))
        .route("/", get(super::ui_files::indice))
        .route("/ui/{nombre}", get(super::ui_files::modulo))
        .with_state(state);
    (router, loader_batches)
}

/// A GraphQL body declared over the limit is refused before it is read,
/// in GraphQL's shape.
async fn refuse_declared_oversize(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match crate::seedwork::api::declared_length(request.headers()) {
        Some(n) if n > GRAPHQL_BODY_LIMIT as u64 => request_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "REQUEST_TOO_LARGE",
            format!("the request body is over {GRAPHQL_BODY_LIMIT} bytes"),
        ),
        _ => next.run(request).await,
    }
}

/// CORS for the configured origins only; with none, no CORS headers at
/// all (a browser then refuses every cross-site call).
fn cors(origenes: &Origenes) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let lista: Vec<_> = origenes
        .lista()
        .iter()
        .filter_map(|o| o.parse::<axum::http::HeaderValue>().ok())
        .collect();
    (!lista.is_empty()).then(|| {
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(lista))
            .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
    })
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
    if !crate::seedwork::api::declara_json(&headers) {
        return request_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "a GraphQL request must be sent as Content-Type: application/json".into(),
        );
    }
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
    headers: HeaderMap,
    cliente: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !state.origenes.permite(&headers) {
        return request_error(
            StatusCode::FORBIDDEN,
            "FORBIDDEN_ORIGIN",
            "this origin may not open a socket here".into(),
        );
    }
    let Some(protocolo) = protocolo(&headers) else {
        return request_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "Sec-WebSocket-Protocol must be graphql-transport-ws or graphql-ws".into(),
        );
    };
    let ip = cliente.map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.0.ip());
    let limites = state.limites;
    let Some(permiso) = state
        .conexiones
        .abrir(ip, limites.sockets_por_cliente, limites.sockets)
    else {
        return request_error(
            StatusCode::TOO_MANY_REQUESTS,
            "TOO_MANY_SOCKETS",
            format!(
                "at most {} open sockets per client",
                state.limites.sockets_por_cliente
            ),
        );
    };
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(state.limites.mensaje)
        .max_frame_size(state.limites.mensaje)
        .on_upgrade(move |socket| async move {
            let datos_de = state.clone();
            let sesion = ws::Sesion {
                schema: state.schema.clone(),
                auth: state.auth.clone(),
                datos: Box::new(move || {
                    let mut data = Data::default();
                    data.insert(datos_de.loader());
                    data
                }),
                limites: state.limites,
            };
            ws::servir(socket, sesion, protocolo).await;
            drop(permiso);
        })
}

/// The subprotocol a client asked for, as async-graphql names it.
fn protocolo(headers: &HeaderMap) -> Option<WebSocketProtocols> {
    headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|lista| {
            lista
                .split(',')
                .find_map(|p| p.trim().parse::<WebSocketProtocols>().ok())
        })
}
