//! `/graphql/ws` with the limits a long-lived connection needs. The
//! protocol itself (graphql-transport-ws and the legacy one) is
//! async-graphql's; this module stands between it and the socket: the
//! upgrade's `Origin` must be this site's or an allowed one, a client holds
//! a bounded number of sockets, `connection_init` must come within its
//! timeout (4408), a subscription id may not be reused while active
//! (4409), a socket carries a bounded number of subscriptions, every
//! operation is checked against the token's expiry and the socket is
//! closed when the token expires (4403), and every close reason fits a
//! close frame (123 bytes).

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::IpAddr;
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use async_graphql::Data;
use async_graphql::http::{
    ClientMessage, WebSocket as GraphQLWebSocket, WebSocketProtocols, WsMessage,
};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use axum::http::{HeaderMap, header};
use chrono::{DateTime, Utc};
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio_stream::wrappers::ReceiverStream;

use super::BffSchema;
use super::errors::AuthState;
use crate::seedwork::application::Authenticator;

/// Limits of the WebSocket endpoint.
#[derive(Debug, Clone, Copy)]
pub struct LimitesWs {
    /// Time from the upgrade to `connection_init`.
    pub init: Duration,
    /// Active subscriptions on one socket.
    pub suscripciones: usize,
    /// Open sockets of one client address.
    pub sockets_por_cliente: usize,
    /// Open sockets in all (behind a proxy every client has its address).
    pub sockets: usize,
    /// Largest message a client may send.
    pub mensaje: usize,
}

impl Default for LimitesWs {
    fn default() -> Self {
        Self {
            init: Duration::from_secs(10),
            suscripciones: 100,
            sockets_por_cliente: 64,
            sockets: 4096,
            mensaje: 64 * 1024,
        }
    }
}

/// Client messages read ahead of async-graphql at most.
const MAX_PENDIENTES: usize = 16;

/// Time a client has to take one message the server sends.
const ENVIO: Duration = Duration::from_secs(10);

/// The longest close reason a close frame holds (125 bytes of payload,
/// two of them the code).
const MAX_RAZON: usize = 123;

/// Which origins may open a socket besides the page's own.
#[derive(Debug, Clone, Default)]
pub struct Origenes(Vec<String>);

impl Origenes {
    /// A comma-separated list of origins (`https://admin.example.com`).
    pub fn parse(lista: &str) -> Self {
        Self(
            lista
                .split(',')
                .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                .filter(|o| !o.is_empty())
                .collect(),
        )
    }

    pub fn lista(&self) -> &[String] {
        &self.0
    }

    /// Whether a request with these headers comes from an allowed page: no
    /// `Origin` (not a browser), the page's own origin (the `Origin`'s host
    /// is the `Host` it asks), or one configured.
    pub fn permite(&self, headers: &HeaderMap) -> bool {
        let Some(origen) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
            return true;
        };
        let origen = origen.trim_end_matches('/').to_ascii_lowercase();
        if self.0.contains(&origen) {
            return true;
        }
        let anfitrion = origen
            .strip_prefix("http://")
            .or_else(|| origen.strip_prefix("https://"));
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        matches!((anfitrion, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
    }
}

/// Open sockets per client address; a `Permiso` is one of them.
#[derive(Default)]
pub struct Conexiones(Mutex<HashMap<IpAddr, usize>>);

pub struct Permiso {
    conexiones: Arc<Conexiones>,
    cliente: IpAddr,
}

impl Conexiones {
    /// A permit for one more socket of `cliente`, unless it has
    /// `por_cliente` or all clients have `total`.
    pub fn abrir(
        self: &Arc<Self>,
        cliente: IpAddr,
        por_cliente: usize,
        total: usize,
    ) -> Option<Permiso> {
        let mut abiertas = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if abiertas.values().sum::<usize>() >= total {
            return None;
        }
        let n = abiertas.entry(cliente).or_default();
        if *n >= por_cliente {
            return None;
        }
        *n += 1;
        Some(Permiso {
            conexiones: self.clone(),
            cliente,
        })
    }
}

impl Drop for Permiso {
    fn drop(&mut self) {
        let mut abiertas = self.conexiones.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = abiertas.get_mut(&self.cliente) {
            *n -= 1;
            if *n == 0 {
                abiertas.remove(&self.cliente);
            }
        }
    }
}

/// What one socket needs from the BFF.
pub struct Sesion {
    pub schema: BffSchema,
    pub auth: Arc<dyn Authenticator>,
    /// Request data of each operation (the DataLoader).
    pub datos: Box<dyn Fn() -> Data + Send + Sync>,
    pub limites: LimitesWs,
}

/// The two fields of a server message this layer reads.
#[derive(Deserialize)]
struct Sobre {
    #[serde(rename = "type")]
    tipo: String,
    id: Option<String>,
}

/// Longest subscription id a client may choose.
const MAX_ID: usize = 128;

/// What to do with a client's message.
enum Paso {
    Pasar,
    Responder(String),
    Cerrar(u16, String),
}

/// The state of one socket as this layer sees it. A subscription counts
/// from the client's `subscribe` until the server's `complete` or
/// `error` for it (a client's `complete` only asks for that).
struct Socket {
    init_recibido: bool,
    activas: HashSet<String>,
    expira: Arc<OnceLock<Option<DateTime<Utc>>>>,
    limites: LimitesWs,
}

impl Socket {
    fn entrante(&mut self, texto: &str) -> Paso {
        // Read with async-graphql's own reader, so this layer sees what it
        // will act on (a message it cannot read, it answers itself: 1002).
        let Ok(mensaje) = ClientMessage::from_bytes(texto) else {
            return Paso::Pasar;
        };
        match mensaje {
            ClientMessage::ConnectionInit { .. } => {
                self.init_recibido = true;
                Paso::Pasar
            }
            ClientMessage::Start { id, .. } => self.suscribir(id),
            _ => Paso::Pasar,
        }
    }

    fn suscribir(&mut self, id: String) -> Paso {
        if self.vencida() {
            return Paso::Cerrar(4403, "Forbidden: the token has expired".into());
        }
        if id.len() > MAX_ID {
            return Paso::Cerrar(4400, format!("a subscription id is at most {MAX_ID} bytes"));
        }
        if self.activas.contains(&id) {
            return Paso::Cerrar(4409, format!("Subscriber for {id} already exists"));
        }
        if self.activas.len() >= self.limites.suscripciones {
            let error = serde_json::json!({
                "id": id,
                "type": "error",
                "payload": [{
                    "message": format!("at most {} active subscriptions per socket", self.limites.suscripciones),
                    "extensions": {"code": "TOO_MANY_SUBSCRIPTIONS"}
                }]
            });
            return Paso::Responder(error.to_string());
        }
        self.activas.insert(id);
        Paso::Pasar
    }

    /// The server ended an operation: its id is free again.
    fn saliente(&mut self, texto: &str) {
        if let Ok(Sobre { tipo, id: Some(id) }) = serde_json::from_str::<Sobre>(texto)
            && (tipo == "complete" || tipo == "error")
        {
            self.activas.remove(&id);
        }
    }

    fn expira(&self) -> Option<DateTime<Utc>> {
        self.expira.get().copied().flatten()
    }

    fn vencida(&self) -> bool {
        self.expira().is_some_and(|e| e <= Utc::now())
    }
}

/// A close reason cut to what a close frame holds, on a char boundary.
pub fn razon_de_cierre(razon: &str) -> String {
    if razon.len() <= MAX_RAZON {
        return razon.to_owned();
    }
    let mut fin = MAX_RAZON;
    while !razon.is_char_boundary(fin) {
        fin -= 1;
    }
    razon[..fin].to_owned()
}

fn cierre(codigo: u16, razon: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code: codigo,
        reason: Utf8Bytes::from(razon_de_cierre(razon)),
    }))
}

/// async-graphql's side of the socket: the client's messages in, its
/// answers out. The token arrives in `connection_init` (browsers cannot set
/// headers on a WebSocket) and its expiry is noted for the loop.
fn conexion_graphql(
    schema: BffSchema,
    auth: Arc<dyn Authenticator>,
    datos: Box<dyn Fn() -> Data + Send + Sync>,
    entrada: tokio::sync::mpsc::Receiver<String>,
    protocolo: WebSocketProtocols,
    expira: Arc<OnceLock<Option<DateTime<Utc>>>>,
) -> impl futures::Stream<Item = WsMessage> {
    GraphQLWebSocket::new(schema, ReceiverStream::new(entrada), protocolo).on_connection_init(
        move |payload| async move {
            let header = payload
                .get("Authorization")
                .or_else(|| payload.get("authorization"))
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let sesion = auth.sesion(header.as_deref());
            let _ = expira.set(sesion.as_ref().ok().and_then(|s| s.expira));
            let mut data = datos();
            data.insert::<AuthState>(sesion.map(|s| s.principal));
            Ok(data)
        },
    )
}

/// Does what a turn of the loop decided; false once the socket is done.
async fn actuar<S>(hacia_cliente: &mut S, paso: Option<Paso>) -> bool
where
    S: futures::Sink<Message> + Unpin,
{
    match paso {
        None | Some(Paso::Pasar) => true,
        Some(Paso::Responder(texto)) => {
            // A client that stops reading is dropped, not waited for.
            let envio = hacia_cliente.send(Message::Text(texto.into()));
            matches!(tokio::time::timeout(ENVIO, envio).await, Ok(Ok(())))
        }
        Some(Paso::Cerrar(codigo, razon)) => {
            let _ = hacia_cliente.send(cierre(codigo, &razon)).await;
            false
        }
    }
}

/// A client's message: queued for async-graphql, answered by this layer,
/// ignored (pings), or the end of the socket.
fn del_cliente(
    estado: &mut Socket,
    mensaje: Option<Result<Message, axum::Error>>,
    pendientes: &mut VecDeque<String>,
) -> ControlFlow<(), Option<Paso>> {
    match mensaje {
        Some(Ok(Message::Text(texto))) => match estado.entrante(texto.as_str()) {
            Paso::Pasar => {
                pendientes.push_back(texto.as_str().to_owned());
                ControlFlow::Continue(None)
            }
            otro => ControlFlow::Continue(Some(otro)),
        },
        Some(Ok(Message::Binary(_))) => ControlFlow::Continue(Some(Paso::Cerrar(
            4400,
            "binary messages are not part of the protocol".into(),
        ))),
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => ControlFlow::Continue(None),
        Some(Ok(Message::Close(_))) | Some(Err(_)) | None => ControlFlow::Break(()),
    }
}

/// async-graphql's message for the client, noted by this layer.
fn de_graphql(estado: &mut Socket, saliente: Option<WsMessage>) -> ControlFlow<(), Option<Paso>> {
    match saliente {
        Some(WsMessage::Text(texto)) => {
            estado.saliente(&texto);
            ControlFlow::Continue(Some(Paso::Responder(texto)))
        }
        Some(WsMessage::Close(codigo, razon)) => {
            ControlFlow::Continue(Some(Paso::Cerrar(codigo, razon)))
        }
        None => ControlFlow::Break(()),
    }
}

/// Serves one upgraded socket until either side closes it.
pub async fn servir(socket: WebSocket, sesion: Sesion, protocolo: WebSocketProtocols) {
    let (mut hacia_cliente, mut desde_cliente) = socket.split();
    let (entrada, entrada_rx) = tokio::sync::mpsc::channel::<String>(16);
    let expira = Arc::new(OnceLock::new());
    let mut estado = Socket {
        init_recibido: false,
        activas: HashSet::new(),
        expira: expira.clone(),
        limites: sesion.limites,
    };
    let graphql = conexion_graphql(
        sesion.schema,
        sesion.auth,
        sesion.datos,
        entrada_rx,
        protocolo,
        expira,
    );
    let mut graphql = std::pin::pin!(graphql);
    let limite_init = tokio::time::Instant::now() + estado.limites.init;
    let mut pendientes = VecDeque::new();
    loop {
        let vence = estado.expira().map(|e| {
            let falta = (e - Utc::now()).to_std().unwrap_or_default();
            tokio::time::Instant::now() + falta
        });
        let paso = tokio::select! {
            // Read on only while async-graphql keeps up: a client that
            // floods is held back by TCP, not by this process's memory.
            mensaje = desde_cliente.next(), if pendientes.len() < MAX_PENDIENTES => {
                match del_cliente(&mut estado, mensaje, &mut pendientes) {
                    ControlFlow::Continue(paso) => paso,
                    ControlFlow::Break(()) => break,
                }
            }
            permiso = entrada.reserve(), if !pendientes.is_empty() => match permiso {
                Ok(permiso) => {
                    permiso.send(pendientes.pop_front().unwrap_or_default());
                    None
                }
                Err(_) => break,
            },
            saliente = graphql.next() => match de_graphql(&mut estado, saliente) {
                ControlFlow::Continue(paso) => paso,
                ControlFlow::Break(()) => break,
            },
            _ = tokio::time::sleep_until(limite_init), if !estado.init_recibido => {
                Some(Paso::Cerrar(4408, "Connection initialisation timeout".into()))
            }
            _ = tokio::time::sleep_until(vence.unwrap_or(limite_init)), if vence.is_some() => {
                Some(Paso::Cerrar(4403, "Forbidden: the token has expired".into()))
            }
        };
        if !actuar(&mut hacia_cliente, paso).await {
            break;
        }
    }
    let _ = hacia_cliente.close().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn socket(suscripciones: usize) -> Socket {
        Socket {
            init_recibido: false,
            activas: HashSet::new(),
            expira: Arc::new(OnceLock::new()),
            limites: LimitesWs {
                suscripciones,
                ..LimitesWs::default()
            },
        }
    }

    const SUB: &str = r#"{"type":"subscribe","id":"1","payload":{"query":"subscription{x}"}}"#;

    fn sub(id: &str) -> String {
        format!(r#"{{"type":"subscribe","id":"{id}","payload":{{"query":"subscription{{x}}"}}}}"#)
    }

    #[test]
    fn a_reused_id_closes_with_4409_until_the_server_ends_it() {
        let mut s = socket(10);
        assert!(matches!(s.entrante(SUB), Paso::Pasar));
        assert!(matches!(s.entrante(SUB), Paso::Cerrar(4409, _)));
        // The client's complete only asks: the id is still the server's.
        assert!(matches!(
            s.entrante(r#"{"type":"complete","id":"1"}"#),
            Paso::Pasar
        ));
        assert!(matches!(s.entrante(SUB), Paso::Cerrar(4409, _)));
        s.saliente(r#"{"type":"complete","id":"1"}"#);
        assert!(matches!(s.entrante(SUB), Paso::Pasar));
    }

    #[test]
    fn a_message_shaped_as_an_array_is_seen_as_async_graphql_reads_it() {
        let mut s = socket(10);
        let arreglo = r#"["subscribe","1",{"query":"subscription{x}"}]"#;
        assert!(matches!(s.entrante(arreglo), Paso::Pasar));
        assert!(matches!(s.entrante(arreglo), Paso::Cerrar(4409, _)));
        assert!(matches!(
            s.entrante(&sub(&"i".repeat(200))),
            Paso::Cerrar(4400, _)
        ));
    }

    #[test]
    fn subscriptions_past_the_cap_are_answered_with_an_error() {
        let mut s = socket(2);
        for id in ["a", "b"] {
            assert!(matches!(s.entrante(&sub(id)), Paso::Pasar));
        }
        match s.entrante(&sub("c")) {
            Paso::Responder(m) => assert!(m.contains("TOO_MANY_SUBSCRIPTIONS")),
            _ => panic!("expected an error"),
        }
        s.saliente(r#"{"type":"complete","id":"a"}"#);
        assert!(matches!(s.entrante(&sub("c")), Paso::Pasar));
    }

    #[test]
    fn an_expired_session_refuses_operations() {
        let mut s = socket(10);
        let _ = s
            .expira
            .set(Some(Utc::now() - chrono::Duration::seconds(1)));
        assert!(matches!(s.entrante(SUB), Paso::Cerrar(4403, _)));
    }

    #[test]
    fn close_reasons_fit_a_frame() {
        let larga = "ñ".repeat(100);
        let corta = razon_de_cierre(&larga);
        assert!(corta.len() <= MAX_RAZON && larga.starts_with(&corta));
        assert_eq!(razon_de_cierre("ok"), "ok");
    }

    #[test]
    fn origins_same_site_listed_or_absent() {
        let origenes = Origenes::parse("https://admin.example.com/, ");
        let pedido = |origen: Option<&str>, host: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, host.parse().unwrap());
            if let Some(o) = origen {
                h.insert(header::ORIGIN, o.parse().unwrap());
            }
            origenes.permite(&h)
        };
        assert!(pedido(None, "127.0.0.1:8080"));
        assert!(pedido(Some("http://127.0.0.1:8080"), "127.0.0.1:8080"));
        assert!(pedido(Some("https://admin.example.com"), "127.0.0.1:8080"));
        assert!(!pedido(Some("http://127.0.0.1:9999"), "127.0.0.1:8080"));
        assert!(!pedido(Some("null"), "127.0.0.1:8080"));
    }
}
