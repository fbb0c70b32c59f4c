//! The edges tried as an attacker would: documents that would exhaust the
//! stack, the memory or the CPU; cross-site writes; slow and oversized
//! requests; sessions that expire on an open socket; sockets that never
//! initialise, reuse ids or pile up subscriptions; tokens with no role or
//! not valid yet; identifiers that look alike; and the review, the record
//! and its saga raced against each other.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use crate::common::audit::create;
use crate::common::{Backend, TEST_JWT_SECRET, TestApp, eventually, spawn_app, spawn_configured};
use futures::{SinkExt, StreamExt};
use propalpes::app::Role;
use propalpes::seedwork::infrastructure::{mint_token, mint_token_with};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// A hostile request is answered within this (debug build included).
const RAPIDO: Duration = Duration::from_millis(100);

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}

fn anidado(abre: &str, centro: &str, cierra: &str, n: usize) -> String {
    format!("{}{centro}{}", abre.repeat(n), cierra.repeat(n))
}

/// 2^depth spreads of one fragment, in under a kilobyte.
fn fragmentos_que_se_duplican(depth: usize, hoja: &str) -> String {
    let mut doc = String::from("query { ...F0 }");
    for i in 0..depth {
        doc.push_str(&format!(
            " fragment F{i} on Query {{ ...F{n} ...F{n} }}",
            n = i + 1
        ));
    }
    doc.push_str(&format!(" fragment F{depth} on Query {{ {hoja} }}"));
    doc
}

/// Every document that crashed or exhausted the process is refused with a
/// coded error in < 100 ms, memory barely moves, and the process answers
/// `/health` at once afterwards.
#[tokio::test]
async fn hostile_documents_are_refused_at_once() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    // Warm the path (first request builds the schema's caches).
    app.graphql_raw(None, json!({"query": "{ __typename }"}))
        .await;
    let rss_antes = rss_kb();
    // /health is probed all along: the process keeps answering.
    let sonda = {
        let (http, url) = (app.http.clone(), app.url("/health"));
        tokio::spawn(async move {
            let mut peor = Duration::ZERO;
            for _ in 0..40 {
                let started = Instant::now();
                let ok = http.get(&url).send().await.is_ok_and(|r| r.status() == 200);
                assert!(ok, "/health answered");
                peor = peor.max(started.elapsed());
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            peor
        })
    };
    let casos: Vec<(&str, Value, &str)> = vec![
        (
            "a list argument nested 2,000 deep",
            json!({"query": format!("{{companias(buscar:{}){{totalCount}}}}", anidado("[", "\"x\"", "]", 2000))}),
            "QUERY_TOO_DEEP",
        ),
        (
            "an object argument nested 2,000 deep",
            json!({"query": format!("{{companias(hallazgo:{}){{totalCount}}}}", anidado("{a:", "1", "}", 2000))}),
            "QUERY_TOO_DEEP",
        ),
        (
            "a directive argument nested 2,000 deep",
            json!({"query": format!("{{__typename @skip(if:{})}}", anidado("[", "true", "]", 2000))}),
            "QUERY_TOO_DEEP",
        ),
        (
            "selection sets nested 3,000 deep",
            json!({"query": anidado("{a", "", "}", 3000)}),
            "QUERY_TOO_DEEP",
        ),
        (
            "fragments doubling 30 times over __typename",
            json!({"query": fragmentos_que_se_duplican(30, "__typename")}),
            "QUERY_TOO_COMPLEX",
        ),
        (
            "fragments doubling 24 times over a counted field",
            json!({"query": fragmentos_que_se_duplican(24, "reporteFaltantes { total }")}),
            "QUERY_TOO_COMPLEX",
        ),
        (
            "a variable nested 100 deep",
            json!({
                "query": "query($h: FiltroHallazgo) { companias(hallazgo: $h) { totalCount } }",
                "variables": {"h": serde_json::from_str::<Value>(&anidado("{\"a\":", "1", "}", 100)).unwrap()}
            }),
            "QUERY_TOO_DEEP",
        ),
    ];
    for (que, body, esperado) in casos {
        let started = Instant::now();
        let (status, response) = app.graphql_raw(None, body).await;
        let tardo = started.elapsed();
        assert_eq!(code(&response), esperado, "{que}: {status} {response}");
        assert!(tardo < RAPIDO, "{que} took {tardo:?}");
        println!("adversary: {que}: {esperado} in {tardo:?}");
    }
    // A body nested past the JSON reader's own limit never reaches GraphQL.
    let profundo = format!(
        "{{\"query\":\"{{__typename}}\",\"variables\":{{\"v\":{}}}}}",
        anidado("[", "1", "]", 100_000)
    );
    let started = Instant::now();
    let response = app.post_raw("/graphql", profundo).await;
    assert!(
        response.status().as_u16() == 400 || response.status().as_u16() == 413,
        "{}",
        response.status()
    );
    assert!(started.elapsed() < RAPIDO);
    let peor = sonda.await.expect("probe");
    println!("adversary: /health meanwhile answered within {peor:?}");
    assert!(peor < RAPIDO, "/health took {peor:?} meanwhile");
    let crecio_mb = rss_kb().saturating_sub(rss_antes) / 1024;
    println!("adversary: RSS grew {crecio_mb} MB over the hostile documents");
    assert!(crecio_mb < 20, "RSS grew {crecio_mb} MB");
    let started = Instant::now();
    assert_eq!(app.get("/health").await.status(), 200);
    assert!(
        started.elapsed() < RAPIDO,
        "health took {:?}",
        started.elapsed()
    );
    // What a real client sends still works.
    let (_, ok) = app.graphql_raw(None,
        json!({"query": "query { companias(first: 100) { totalCount edges { node { id nombre auditoria { resultado hallazgos { campo problema } } } } } }"}),
    )
    .await;
    assert!(ok["errors"].is_null(), "{ok}");
}

/// A page on another site can make a browser POST text/plain or a form
/// without asking: every write refuses anything but JSON, anonymous or not.
#[tokio::test]
async fn cross_site_writes_are_refused() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let cuerpo = r#"{"nombre":"X","email":"","identificacion":"1"}"#;
    for (ruta, tipo) in [
        ("/companias", Some("text/plain")),
        ("/companias", Some("application/x-www-form-urlencoded")),
        ("/companias", Some("multipart/form-data; boundary=x")),
        ("/companias", None),
        ("/geograficos", Some("text/plain;charset=UTF-8")),
        (
            "/companias/00000000-0000-0000-0000-000000000000/aprobar",
            None,
        ),
    ] {
        let mut request = app.http.post(app.url(ruta)).body(cuerpo);
        if let Some(t) = tipo {
            request = request.header("content-type", t);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 415, "{ruta} {tipo:?}");
        let body: Value = response.json().await.expect("problem");
        assert_eq!(body["field"], "content-type", "{body}");
    }
    let response = app
        .http
        .post(app.url("/graphql"))
        .header("content-type", "text/plain")
        .body(r#"{"query":"mutation { crearCompania(input: {nombre: \"X\", email: \"\", identificacion: \"1\"}) { idComando } }"}"#)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 415);
    let body: Value = response.json().await.expect("json");
    assert_eq!(code(&body), "UNSUPPORTED_MEDIA_TYPE");
    let listed = app.get_json("/companias").await;
    assert_eq!(listed["total"], 0, "nothing was written: {listed}");
    // No CORS unless configured: a preflight gets no permission.
    let preflight = app
        .http
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", "http://127.0.0.1:1")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("request");
    assert!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

/// Reads until the server closes the connection (or the read times out).
fn leer_hasta_cierre(stream: &mut std::net::TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    (
        String::from_utf8_lossy(&out).into_owned(),
        started.elapsed(),
    )
}

/// A declared body over the limit is refused before any of it is read; a
/// client that never finishes its headers, or idles on a kept-alive
/// connection, is cut off.
#[tokio::test]
async fn oversized_and_slow_requests_are_cut_off() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    for (ruta, largo) in [("/companias", 99_999_999_999u64), ("/graphql", 70_000)] {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(app.app.addr)
            .await
            .expect("connect");
        let peticion = format!(
            "POST {ruta} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {largo}\r\n\r\n{{"
        );
        stream.write_all(peticion.as_bytes()).await.expect("write");
        let started = Instant::now();
        let mut buf = [0u8; 512];
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("answered at once")
            .expect("a response");
        let head = String::from_utf8_lossy(&buf[..n]).into_owned();
        assert!(head.starts_with("HTTP/1.1 413"), "{ruta}: {head}");
        assert!(started.elapsed() < Duration::from_secs(1));
    }
    let app_addr = app.app.addr;
    let lento = |peticion: &'static [u8]| {
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut s = std::net::TcpStream::connect(app_addr).expect("connect");
            s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            s.write_all(peticion).unwrap();
            let (out, _) = leer_hasta_cierre(&mut s);
            (out, started.elapsed())
        })
    };
    // Headers that never end; a kept-alive connection left idle after
    // its request.
    let a = lento(b"GET /health HTTP/1.1\r\nHost: x\r\n");
    let b = lento(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    // A body that stops arriving.
    let c = lento(b"POST /companias HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"nombre\"");
    // A body that trickles a byte a second: the deadline is for the whole
    // body, not a timer each byte restarts.
    let d = std::thread::spawn(move || {
        let started = Instant::now();
        let mut s = std::net::TcpStream::connect(app_addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        s.write_all(b"POST /companias HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
            .unwrap();
        let mut out = Vec::new();
        while started.elapsed() < Duration::from_secs(30) {
            let mut buf = [0u8; 512];
            match s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    out.extend_from_slice(&buf[..n]);
                    break;
                }
                Err(_) => {}
            }
            if s.write_all(b" ").is_err() {
                break;
            }
            // The slow peer's pace, not a wait for something.
            std::thread::sleep(Duration::from_secs(1));
        }
        (
            String::from_utf8_lossy(&out).into_owned(),
            started.elapsed(),
        )
    });
    let (d_out, d_t) = tokio::task::spawn_blocking(move || d.join().expect("d"))
        .await
        .expect("join");
    println!(
        "adversary: trickling body cut after {d_t:?}: {}",
        d_out.lines().next().unwrap_or("")
    );
    assert!(d_t < Duration::from_secs(15), "{d_t:?}");
    assert!(!d_out.contains(" 202 "), "{d_out}");
    let ((a_out, a_t), (b_out, b_t), (c_out, c_t)) = tokio::task::spawn_blocking(move || {
        (
            a.join().expect("a"),
            b.join().expect("b"),
            c.join().expect("c"),
        )
    })
    .await
    .expect("join");
    println!(
        "adversary: unfinished headers cut after {a_t:?}; idle keep-alive after {b_t:?}; stalled body after {c_t:?}"
    );
    assert!(!c_out.contains(" 202 "), "{c_out}");
    assert!(c_t < Duration::from_secs(15), "{c_t:?}");
    assert!(!a_out.contains("200 OK"), "{a_out}");
    assert!(a_t < Duration::from_secs(15), "{a_t:?}");
    assert!(b_out.contains("200 OK"), "{b_out}");
    assert!(b_t < Duration::from_secs(15), "{b_t:?}");
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn socket(app: &TestApp, origen: Option<&str>) -> Result<Socket, u16> {
    let mut request = format!("ws://{}/graphql/ws", app.app.addr)
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    if let Some(o) = origen {
        request.headers_mut().insert("Origin", o.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => Err(r.status().as_u16()),
        Err(e) => panic!("upgrade: {e}"),
    }
}

async fn enviar(ws: &mut Socket, v: Value) {
    ws.send(Ws::text(v.to_string())).await.expect("send");
}

async fn iniciar(ws: &mut Socket, token: Option<&str>) {
    let payload = token.map_or(
        json!({}),
        |t| json!({"Authorization": format!("Bearer {t}")}),
    );
    enviar(ws, json!({"type": "connection_init", "payload": payload})).await;
    assert_eq!(siguiente(ws).await["type"], "connection_ack");
}

async fn siguiente(ws: &mut Socket) -> Value {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), ws.next())
            .await
            .expect("in time")
        {
            Some(Ok(Ws::Text(t))) => return serde_json::from_str(&t).expect("json"),
            Some(Ok(Ws::Close(frame))) => panic!("closed: {frame:?}"),
            Some(Ok(_)) => {}
            other => panic!("socket ended: {other:?}"),
        }
    }
}

/// Waits for the server's close frame: its code and reason.
async fn cierre(ws: &mut Socket, within: Duration) -> (u16, String) {
    loop {
        match tokio::time::timeout(within, ws.next())
            .await
            .expect("closed in time")
        {
            Some(Ok(Ws::Close(Some(frame)))) => {
                return (u16::from(frame.code), frame.reason.to_string());
            }
            Some(Ok(Ws::Close(None))) | None => return (1005, String::new()),
            Some(Ok(_)) => {}
            Some(Err(e)) => panic!("no close frame: {e}"),
        }
    }
}

const SUSCRIPCION: &str = "subscription { cambiosCompania { id estado } }";

/// The socket's limits: another site's page is refused, a socket that
/// never initialises is closed (4408), a reused id closes it (4409), a
/// socket holds at most 100 subscriptions, a client at most 64 sockets,
/// and a long close reason still fits its frame.
#[tokio::test]
async fn websocket_limits_hold() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let propio = format!("http://{}", app.app.addr);
    assert_eq!(
        socket(&app, Some("http://127.0.0.1:1")).await.err(),
        Some(403)
    );
    assert_eq!(socket(&app, Some("null")).await.err(), Some(403));
    let mut ws = socket(&app, Some(&propio)).await.expect("same origin");
    iniciar(&mut ws, None).await;

    // The same id twice while active.
    enviar(
        &mut ws,
        json!({"id": "a", "type": "subscribe", "payload": {"query": SUSCRIPCION}}),
    )
    .await;
    enviar(
        &mut ws,
        json!({"id": "a", "type": "subscribe", "payload": {"query": SUSCRIPCION}}),
    )
    .await;
    let (codigo, razon) = cierre(&mut ws, Duration::from_secs(5)).await;
    assert_eq!(
        (codigo, razon.as_str()),
        (4409, "Subscriber for a already exists")
    );

    // 100 subscriptions, then an error for the 101st; one freed, one more.
    let mut ws = socket(&app, None).await.expect("socket");
    iniciar(&mut ws, None).await;
    for i in 0..100 {
        enviar(
            &mut ws,
            json!({"id": i.to_string(), "type": "subscribe", "payload": {"query": SUSCRIPCION}}),
        )
        .await;
    }
    enviar(
        &mut ws,
        json!({"id": "100", "type": "subscribe", "payload": {"query": SUSCRIPCION}}),
    )
    .await;
    let error = siguiente(&mut ws).await;
    assert_eq!(error["type"], "error", "{error}");
    assert_eq!(error["id"], "100");
    assert_eq!(
        error["payload"][0]["extensions"]["code"],
        "TOO_MANY_SUBSCRIPTIONS"
    );
    enviar(&mut ws, json!({"id": "0", "type": "complete"})).await;
    // Its id is free once the server ends it.
    loop {
        let m = siguiente(&mut ws).await;
        if m["type"] == "complete" && m["id"] == "0" {
            break;
        }
    }
    enviar(
        &mut ws,
        json!({"id": "101", "type": "subscribe", "payload": {"query": SUSCRIPCION}}),
    )
    .await;
    enviar(&mut ws, json!({"type": "ping"})).await;
    loop {
        let m = siguiente(&mut ws).await;
        assert_ne!(m["type"], "error", "the 101st was refused: {m}");
        if m["type"] == "pong" {
            break;
        }
    }
    drop(ws);

    // A malformed message: the close reason the protocol layer writes is
    // long; the frame still carries a valid one (the client sees 1002, not
    // an abnormal 1006).
    let mut ws = socket(&app, None).await.expect("socket");
    iniciar(&mut ws, None).await;
    enviar(&mut ws, json!({"type": "x".repeat(300)})).await;
    let (codigo, razon) = cierre(&mut ws, Duration::from_secs(5)).await;
    assert_eq!(codigo, 1002);
    assert!(razon.len() <= 123, "{} bytes", razon.len());

    // A socket that never sends connection_init.
    let mut ws = socket(&app, None).await.expect("socket");
    let (codigo, _) = cierre(&mut ws, Duration::from_secs(15)).await;
    assert_eq!(codigo, 4408);

    // 64 sockets per client; the 65th is refused until one closes.
    let mut abiertos = Vec::new();
    for _ in 0..64 {
        abiertos.push(socket(&app, None).await.expect("within the cap"));
    }
    assert_eq!(socket(&app, None).await.err(), Some(429));
    let mut uno = abiertos.pop().expect("one");
    uno.close(None).await.expect("close");
    drop(uno);
    eventually(
        "a closed socket frees its place",
        Duration::from_secs(5),
        || async { socket(&app, None).await.ok() },
    )
    .await;
    let _ = CloseCode::Normal;
}

/// A token expires on an open socket: the socket is closed (4403) at its
/// `exp`, and nothing sent after it runs; the same token over HTTP is
/// refused too.
#[tokio::test]
async fn an_expired_token_ends_its_socket() {
    let Some(app) = spawn_configured(Backend::Sqlite, None, Role::All, |a| {
        a.auth.anonymous = Some(false)
    })
    .await
    else {
        return;
    };
    let token = mint_token(
        TEST_JWT_SECRET,
        "ana",
        &[propalpes::seedwork::domain::Rol::Operador],
        2,
    )
    .unwrap();
    let mut ws = socket(&app, None).await.expect("socket");
    iniciar(&mut ws, Some(&token)).await;
    enviar(
        &mut ws,
        json!({"id": "1", "type": "subscribe", "payload": {"query": SUSCRIPCION}}),
    )
    .await;
    let started = Instant::now();
    let (codigo, razon) = cierre(&mut ws, Duration::from_secs(6)).await;
    assert_eq!(codigo, 4403, "{razon}");
    assert!(razon.contains("expired"), "{razon}");
    assert!(started.elapsed() < Duration::from_secs(4));
    // The JWT library gives `exp` its own second; the socket does not.
    eventually(
        "HTTP refuses the token too",
        Duration::from_secs(3),
        || async {
            let r = app
                .gql_as(Some(&token), "{ companias { totalCount } }", json!({}))
                .await;
            (code(&r) == "TOKEN_EXPIRED").then_some(())
        },
    )
    .await;
}

/// A token with none of our roles authorizes nothing (reads and the
/// operations view included); a token not valid yet (`nbf`) is refused.
#[tokio::test]
async fn tokens_without_roles_or_not_yet_valid_do_nothing() {
    let Some(app) = spawn_configured(Backend::Sqlite, None, Role::All, |a| {
        a.auth.anonymous = Some(false);
        a.auth.service_reads_open = false;
    })
    .await
    else {
        return;
    };
    let ahora = chrono::Utc::now().timestamp();
    let sin_roles = mint_token_with(TEST_JWT_SECRET, &[], ahora + 600, None).unwrap();
    let ajenos = mint_token_with(TEST_JWT_SECRET, &["admin"], ahora + 600, None).unwrap();
    for token in [&sin_roles, &ajenos] {
        for query in [
            "{ companias { totalCount } }",
            "{ operaciones { servicios { nombre } } }",
            "{ reporteFaltantes { total } }",
        ] {
            let r = app.gql_as(Some(token), query, json!({})).await;
            assert_eq!(code(&r), "FORBIDDEN", "{query}: {r}");
        }
        let rest = app
            .http
            .get(app.url("/companias"))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        assert_eq!(rest.status(), 403);
    }
    let temprano = mint_token_with(
        TEST_JWT_SECRET,
        &["operador"],
        ahora + 7200,
        Some(ahora + 3600),
    )
    .unwrap();
    let r = app
        .gql_as(Some(&temprano), "{ companias { totalCount } }", json!({}))
        .await;
    assert_eq!(code(&r), "INVALID_TOKEN", "{r}");
    let rest = app
        .http
        .post(app.url("/companias"))
        .bearer_auth(&temprano)
        .json(&json!({"nombre": "X", "email": "", "identificacion": "1"}))
        .send()
        .await
        .expect("request");
    assert_eq!(rest.status(), 401);
}

/// Identifiers that look alike are one; a name of invisible characters is
/// missing; a search longer than any real one is bad input.
#[tokio::test]
async fn input_is_normalized_at_the_edge() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let mut estados = Vec::new();
    for catastral in [
        "CAT-0001",
        "ＣＡＴ-0001",
        "CAT\u{2011}0001",
        "CAT-0001\u{200B}",
    ] {
        let response = app
            .post_json(
                "/propiedades",
                json!({"nombre": "Lote", "identificacion_catastral": catastral, "nit": "900"}),
            )
            .await;
        estados.push(response.status().as_u16());
    }
    assert_eq!(estados, [202, 409, 409, 409]);
    let listed = app.get_json("/propiedades").await;
    assert_eq!(listed["items"][0]["identificacion_catastral"], "CAT-0001");

    let id = create(
        &app,
        "/companias",
        json!({"nombre": "\u{200B}\u{200B}\u{2060}", "email": "ventas@andes.co", "identificacion": "9"}),
        "id_compania",
    )
    .await;
    let compania = crate::common::audit::final_state(&app, &format!("/companias/{id}")).await;
    assert_eq!(compania["estado"], "Rechazada", "{compania}");
    assert_eq!(compania["motivos_rechazo"], json!(["nombre faltante"]));

    let (_, r) = app.graphql_raw(None,
        json!({"query": "query($b: String) { companias(buscar: $b) { totalCount } }", "variables": {"b": "x".repeat(50_000)}}),
    )
    .await;
    assert_eq!(code(&r), "BAD_USER_INPUT");
    assert_eq!(r["errors"][0]["extensions"]["field"], "buscar");
}

/// The record's estado in the BFF, its audit's resultado, and the
/// decision sagas of it in auditoria.
async fn verdad(app: &TestApp, id: &str) -> (String, String, Vec<Value>) {
    let (_, r) = app.graphql_raw(None,
        json!({"query": "query($id: ID!) { compania(id: $id) { estado auditoria { resultado } } }", "variables": {"id": id}}),
    )
    .await;
    let sagas = app.get_json("/sagas?page_size=100").await;
    let suyas = sagas["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|s| s["id_entidad"] == id)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    (
        r["data"]["compania"]["estado"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        r["data"]["compania"]["auditoria"]["resultado"]
            .as_str()
            .unwrap_or("")
            .to_owned(),
        suyas,
    )
}

/// Entity, audit and saga tell one story: the audit says what the record
/// is, and a saga whose decision the record did not take is not pending
/// and not called done.
fn coinciden(estado: &str, resultado: &str, sagas: &[Value]) -> bool {
    let decidido = estado == "APROBADA" || estado == "RECHAZADA";
    decidido
        && estado == resultado
        && sagas.iter().all(|s| {
            let tomada = (s["decision"] == "aprobar") == (estado == "APROBADA");
            s["estado"] != "pendiente" && (tomada || s["estado"] == "fallida")
        })
}

async fn en_revision(app: &TestApp) -> String {
    let id = create(
        app,
        "/companias",
        json!({"nombre": "Dudosa", "email": "ventas.andes", "identificacion": "77"}),
        "id_compania",
    )
    .await;
    eventually("EN_REVISION", Duration::from_secs(30), || async {
        let (estado, _, _) = verdad(app, id.as_str()).await;
        (estado == "EN_REVISION").then_some(())
    })
    .await;
    id
}

/// A REST decision on a record under human review is carried into its
/// audit (it leaves the queue); raced against an auditor's opposite
/// decision, the record, the audit and the saga end in agreement.
async fn rest_and_review_agree(app: TestApp) {
    let app = &app;
    let id = en_revision(app).await;
    let r = app
        .post_json(&format!("/companias/{id}/aprobar"), json!({}))
        .await;
    assert_eq!(r.status(), 202);
    eventually(
        "the audit follows the REST decision",
        Duration::from_secs(30),
        || async {
            let (estado, resultado, sagas) = verdad(app, &id).await;
            coinciden(&estado, &resultado, &sagas).then_some(())
        },
    )
    .await;
    let (_, cola) = app
        .graphql_raw(
            None,
            json!({"query": "{ companias(estado: EN_REVISION) { totalCount } }"}),
        )
        .await;
    assert_eq!(cola["data"]["companias"]["totalCount"], 0, "{cola}");

    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(en_revision(app).await);
    }
    let carreras = ids.iter().map(|id| async move {
        let ruta = format!("/companias/{id}/aprobar");
        let rest = app.post_json(&ruta, json!({}));
        let revision = app.graphql_raw(None,
            json!({"query": "mutation($id: ID!) { rechazarRevision(tipo: COMPANIA, id: $id, motivo: \"dominio falso\") { idComando } }", "variables": {"id": id}}),
        );
        let (rest, _) = tokio::join!(rest, revision);
        // 409 when the auditor's rejection reached the record first.
        assert!(matches!(rest.status().as_u16(), 202 | 409), "{}", rest.status());
    });
    futures::future::join_all(carreras).await;
    for id in &ids {
        let (estado, resultado, sagas) = eventually(
            "record, audit and saga agree",
            Duration::from_secs(40),
            || async {
                let v = verdad(app, id).await;
                coinciden(&v.0, &v.1, &v.2).then_some(v)
            },
        )
        .await;
        println!("adversary: race on {id}: {estado} / {resultado} / {sagas:?}");
    }
}

on_both_backends! { spawn_app:
    rest_decision_and_review_agree => rest_and_review_agree;
}

/// A registration that ends compensated reports its command FALLIDO with
/// the cause, not PROCESADO.
#[tokio::test]
async fn a_compensated_registration_fails_its_command() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let (_, r) = app.graphql_raw(None,
        json!({"query": "mutation($i: RegistrarPropiedadInput!) { registrarPropiedad(input: $i) { idComando } }",
               "variables": {"i": {"nombre": "Lote", "identificacionCatastral": "CAT-77", "nit": "111", "latitud": "4.6", "longitud": "-74"}}}),
    )
    .await;
    let comando = r["data"]["registrarPropiedad"]["idComando"]
        .as_str()
        .expect("accepted")
        .to_owned();
    let (estado, error) = eventually("the command ends", Duration::from_secs(30), || async {
        let (_, r) = app.graphql_raw(None,
            json!({"query": "query($id: ID!) { estadoComando(id: $id) { estado error } }", "variables": {"id": comando}}),
        )
        .await;
        let e = &r["data"]["estadoComando"];
        (e["estado"] != "ACEPTADO").then(|| (e["estado"].clone(), e["error"].clone()))
    })
    .await;
    assert_eq!(estado, "FALLIDO");
    assert!(
        error.as_str().is_some_and(|e| e.contains("compensada")),
        "{error}"
    );
}
