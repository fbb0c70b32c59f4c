//! bff_web over HTTP and WebSocket: a mutation becomes a command on the
//! topic, the audit decides, the projection answers queries and pushes the
//! change on the subscription; auth roles; limits; DataLoader batching.

use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::common::pulsar::pulsar_env;
use crate::common::{
    Backend, TEST_JWT_SECRET, TestApp, args, eventually, fresh_database_url, spawn_app,
    spawn_app_with,
};
use futures::{SinkExt, StreamExt};
use propalpes::app::{self, Role};
use propalpes::seedwork::domain::Rol;
use propalpes::seedwork::infrastructure::mint_token;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as Ws;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A graphql-transport-ws client subscribed to `query`.
async fn subscribe(app: &TestApp, token: Option<&str>, query: &str) -> Socket {
    let mut request = format!("ws://{}/graphql/ws", app.app.addr)
        .into_client_request()
        .expect("request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket");
    let payload = token.map_or(
        json!({}),
        |t| json!({"Authorization": format!("Bearer {t}")}),
    );
    ws.send(Ws::text(
        json!({"type": "connection_init", "payload": payload}).to_string(),
    ))
    .await
    .expect("init");
    let ack = next_json(&mut ws).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    ws.send(Ws::text(
        json!({"id": "1", "type": "subscribe", "payload": {"query": query}}).to_string(),
    ))
    .await
    .expect("subscribe");
    ws
}

async fn next_json(ws: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(30), ws.next())
            .await
            .expect("in time")
            .expect("open")
            .expect("frame");
        if let Ws::Text(text) = frame {
            return serde_json::from_str(&text).expect("json");
        }
    }
}

pub(crate) const CREAR: &str = "mutation($input: CrearCompaniaInput!) { crearCompania(input: $input) { idComando estado idEntidad } }";

/// mutation → command on the topic → audit → projection: the query shows the
/// final state and the subscription pushed it; the command is PROCESADO.
async fn mutation_to_subscription(app: &TestApp, token: Option<&str>) {
    let mut ws = subscribe(
        app,
        token,
        "subscription { cambiosCompania { id estado motivosRechazo } }",
    )
    .await;
    let accepted = app
        .gql_as(
            token,
            CREAR,
            json!({"input": {"nombre": "Andes", "email": "", "identificacion": "9", "pais": "CO"}}),
        )
        .await;
    let accepted = &accepted["data"]["crearCompania"];
    assert_eq!(accepted["estado"], "ACEPTADO");
    let id = accepted["idEntidad"].as_str().expect("id").to_owned();

    let mut pushed = Vec::new();
    while !pushed.iter().any(|p: &Value| p["estado"] == "RECHAZADA") {
        let msg = next_json(&mut ws).await;
        assert_eq!(msg["type"], "next", "{msg}");
        let change = msg["payload"]["data"]["cambiosCompania"].clone();
        if change["id"] == id.as_str() {
            pushed.push(change);
        }
    }
    assert_eq!(
        pushed.last().expect("pushed")["motivosRechazo"],
        json!(["email faltante"])
    );

    let read = app.gql_as(token,  "query($id: ID!) { compania(id: $id) { estado motivosRechazo pais telefono auditoria { resultado hallazgos { campo problema } } } }", json!({"id": id})).await;
    let compania = &read["data"]["compania"];
    assert_eq!(compania["estado"], "RECHAZADA");
    assert_eq!(
        compania["pais"], "CO",
        "the v2 field reached the projection"
    );
    assert_eq!(compania["telefono"], "");
    assert_eq!(
        compania["auditoria"]["hallazgos"],
        json!([{"campo": "email", "problema": "faltante"}])
    );
    let status = app
        .gql_as(
            token,
            "query($id: ID!) { estadoComando(id: $id) { estado error } }",
            json!({"id": accepted["idComando"]}),
        )
        .await;
    assert_eq!(status["data"]["estadoComando"]["estado"], "PROCESADO");
}

#[tokio::test]
async fn embedded_mutation_reaches_query_and_subscription() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    mutation_to_subscription(&app, None).await;
    let report = app
        .gql("{ reporteFaltantes { campo problema total } }", json!({}))
        .await;
    assert_eq!(
        report["data"]["reporteFaltantes"],
        json!([{"campo": "email", "problema": "faltante", "total": 1}])
    );
}

#[tokio::test]
async fn pulsar_mutation_reaches_query_and_subscription() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let backend = if std::env::var("TEST_DATABASE_URL").is_ok() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    let app = spawn_app_with(backend, Some(&env)).await.expect("app");
    mutation_to_subscription(&app, None).await;
    app.app.stop().await;
}

#[tokio::test]
async fn a_refused_command_ends_fallido() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let unknown = uuid::Uuid::new_v4().to_string();
    let sent = app
        .gql(
            "mutation($id: ID!) { aprobarCompania(id: $id) { idComando } }",
            json!({"id": unknown}),
        )
        .await;
    let id = sent["data"]["aprobarCompania"]["idComando"]
        .as_str()
        .expect("id")
        .to_owned();
    let (estado, error) = settled(&app, &id).await;
    assert_eq!(estado, "FALLIDO");
    assert!(
        error.as_str().is_some_and(|e| e.contains("not found")),
        "{error}"
    );
}

/// Polls `estadoComando` until it leaves ACEPTADO; returns (estado, error).
async fn settled(app: &TestApp, id: &str) -> (String, Value) {
    let what = format!("command {id} to leave ACEPTADO");
    eventually(&what, Duration::from_secs(20), || async {
        let status = app
            .gql(
                "query($id: ID!) { estadoComando(id: $id) { estado error } }",
                json!({"id": id}),
            )
            .await;
        let status = &status["data"]["estadoComando"];
        let estado = status["estado"].as_str().unwrap_or("ACEPTADO");
        (estado != "ACEPTADO").then(|| (estado.to_owned(), status["error"].clone()))
    })
    .await
}

/// A decision the projection already shows is done at once (PROCESADO,
/// nothing sent); the opposite one is refused at once; a command that
/// failed turns PROCESADO once its record reaches what it asked for.
#[tokio::test]
async fn decisions_end_processed_or_are_refused_never_accepted_forever() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let created = app
        .gql(
            CREAR,
            json!({"input": {"nombre": "Andes", "email": "a@andes.co", "identificacion": "9"}}),
        )
        .await;
    let id = created["data"]["crearCompania"]["idEntidad"]
        .as_str()
        .expect("id")
        .to_owned();
    let (estado, _) = settled(
        &app,
        created["data"]["crearCompania"]["idComando"]
            .as_str()
            .expect("command"),
    )
    .await;
    assert_eq!(estado, "PROCESADO");
    eventually(
        "the audit to approve the complete company",
        Duration::from_secs(10),
        || async {
            let read = app
                .gql(
                    "query($id: ID!) { compania(id: $id) { estado } }",
                    json!({"id": id}),
                )
                .await;
            (read["data"]["compania"]["estado"] == "APROBADA").then_some(())
        },
    )
    .await;

    let again = app
        .gql(
            "mutation($id: ID!) { aprobarCompania(id: $id) { idComando estado } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(
        again["data"]["aprobarCompania"]["estado"], "PROCESADO",
        "{again}"
    );
    let reversed = app
        .gql(
            "mutation($id: ID!) { rechazarCompania(id: $id, motivos: [\"x\"]) { idComando } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(code(&reversed), "INVALID_TRANSITION", "{reversed}");

    // An approval that arrived before its company fails; once the company
    // exists and is approved, the failed command is done after all.
    let early = uuid::Uuid::new_v4().to_string();
    let sent = app
        .gql(
            "mutation($id: ID!) { aprobarCompania(id: $id) { idComando } }",
            json!({"id": early}),
        )
        .await;
    let command = sent["data"]["aprobarCompania"]["idComando"]
        .as_str()
        .expect("command")
        .to_owned();
    assert_eq!(settled(&app, &command).await.0, "FALLIDO");
    #[derive(serde::Serialize)]
    struct CrearCompania {
        id_compania: Option<String>,
        nombre: String,
        email: String,
        identificacion: String,
        fecha_creacion: i64,
    }
    let header = propalpes::seedwork::infrastructure::avro::EnvelopeHeader::new(
        "CrearCompania",
        "test",
        "corr",
        None,
    );
    let crear = app
        .app
        .codec
        .message(
            "comandos-companias",
            &early,
            &header,
            &CrearCompania {
                id_compania: Some(early.clone()),
                nombre: "Tardía".into(),
                email: "t@andes.co".into(),
                identificacion: "7".into(),
                fecha_creacion: 0,
            },
        )
        .expect("encode");
    app.publish(&[crear]).await;
    eventually(
        "the failed approval to turn PROCESADO once its company was approved",
        Duration::from_secs(10),
        || async { (settled(&app, &command).await.0 == "PROCESADO").then_some(()) },
    )
    .await;
}

/// An event type the projection does not know never reads as a rejection:
/// it is dead-lettered (its envelope names no record of the topic's
/// schema) and the record stays as it was.
#[tokio::test]
async fn an_unknown_event_type_is_dead_lettered_not_projected_as_a_rejection() {
    use propalpes::companias::domain::{Compania, CompaniaAprobada, CompaniaEvent, DatosCompania};
    use propalpes::companias::infrastructure::AvroEventosCompania;
    use propalpes::seedwork::application::{CommandContext, EventTranslator};
    use propalpes::seedwork::domain::AggregateRoot;
    let app = crate::common::spawn_role(Backend::Sqlite, None, Role::Bff)
        .await
        .expect("app");
    let translator = AvroEventosCompania::new(app.app.codec.clone());
    let mut compania = Compania::registrar(
        propalpes::seedwork::domain::EntityId::new(),
        DatosCompania::new("Andes", "a@andes.co", "9").expect("datos"),
        chrono::Utc::now(),
    );
    let id = compania.id();
    let creada = translator
        .translate(&compania.take_events()[0], &CommandContext::new_root())
        .expect("encode");
    app.publish(&[creada]).await;
    let aprobada = CompaniaEvent::CompaniaAprobada(CompaniaAprobada {
        id,
        fecha: chrono::Utc::now(),
    });
    let mut unknown = translator
        .translate(&aprobada, &CommandContext::new_root())
        .expect("encode");
    // The same length on the wire: the envelope's type now names no record.
    let at = unknown
        .payload
        .windows(16)
        .position(|w| w == b"CompaniaAprobada")
        .expect("type in the envelope");
    unknown.payload[at..at + 16].copy_from_slice(b"CompaniaFusionad");
    unknown.message_type = "CompaniaFusionad".into();
    app.publish(&[unknown]).await;
    let letters = app
        .embedded()
        .dead_letters("eventos-companias")
        .await
        .expect("letters");
    assert_eq!(letters.len(), 1, "dead-lettered with its reason");
    let read = app
        .gql(
            "query($id: ID!) { compania(id: $id) { estado } }",
            json!({"id": id.to_string()}),
        )
        .await;
    assert_eq!(read["data"]["compania"]["estado"], "PENDIENTE", "{read}");
}

async fn secured_app() -> TestApp {
    propalpes::telemetry::init_for_tests();
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(Backend::Sqlite, dir.path()).expect("db");
    let mut args = args(&url, dir.path());
    args.auth.anonymous = Some(false);
    TestApp::new(app::start(&args, Role::All).await.expect("app"), url, dir)
}

#[tokio::test]
async fn tokens_and_roles_gate_the_api() {
    let app = secured_app().await;
    // A blank email: the audit rejects it too, so the auditor's rejection
    // below is taken whether or not the audit got there first.
    let input = json!({"input": {"nombre": "A", "email": "", "identificacion": "1"}});
    assert_eq!(
        code(&app.gql(CREAR, input.clone()).await),
        "UNAUTHENTICATED"
    );
    assert_eq!(
        code(&app.gql("{ reporteFaltantes { total } }", json!({})).await),
        "UNAUTHENTICATED"
    );

    let expired = mint_token(TEST_JWT_SECRET, "ana", &[Rol::Operador], -60).expect("token");
    assert_eq!(
        code(&app.gql_as(Some(&expired), CREAR, input.clone()).await),
        "TOKEN_EXPIRED"
    );
    let forged = mint_token("not-the-secret", "ana", &[Rol::Operador], 600).expect("token");
    assert_eq!(
        code(&app.gql_as(Some(&forged), CREAR, input.clone()).await),
        "INVALID_TOKEN"
    );

    let operador = mint_token(TEST_JWT_SECRET, "olga", &[Rol::Operador], 600).expect("token");
    let auditor = mint_token(TEST_JWT_SECRET, "ana", &[Rol::Auditor], 600).expect("token");
    let created = app.gql_as(Some(&operador), CREAR, input.clone()).await;
    assert_eq!(
        created["data"]["crearCompania"]["estado"], "ACEPTADO",
        "{created}"
    );
    assert_eq!(
        code(&app.gql_as(Some(&auditor), CREAR, input).await),
        "FORBIDDEN"
    );
    let id = created["data"]["crearCompania"]["idEntidad"].clone();
    let decide = "mutation($id: ID!) { rechazarCompania(id: $id, motivos: [\"revisión manual\"]) { estado } }";
    assert_eq!(
        code(&app.gql_as(Some(&operador), decide, json!({"id": id})).await),
        "FORBIDDEN"
    );
    let decided = app.gql_as(Some(&auditor), decide, json!({"id": id})).await;
    let estado = decided["data"]["rechazarCompania"]["estado"].as_str();
    assert!(
        matches!(estado, Some("ACEPTADO" | "PROCESADO")),
        "the auditor may decide: {decided}"
    );
    let read = app
        .gql_as(
            Some(&auditor),
            "{ companias(first: 5) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert!(read["errors"].is_null(), "any valid token reads: {read}");

    // Subscriptions check the token in connection_init.
    let mut ws = subscribe(&app, None, "subscription { cambiosCompania { id } }").await;
    let msg = next_json(&mut ws).await;
    assert_eq!(
        msg["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{msg}"
    );
    assert!(msg["payload"]["data"].is_null());
}

/// An RS256 token signed with the test key pair's private half.
fn rs256_token(private_pem: &str, roles: &[&str]) -> String {
    #[derive(serde::Serialize)]
    struct Claims<'a> {
        sub: &'a str,
        roles: &'a [&'a str],
        exp: i64,
    }
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(private_pem.as_bytes()).expect("key");
    let claims = Claims {
        sub: "idp-user",
        roles,
        exp: chrono::Utc::now().timestamp() + 600,
    };
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &key,
    )
    .expect("sign")
}

#[tokio::test]
async fn rs256_tokens_from_an_identity_provider_are_verified_with_its_public_key() {
    propalpes::telemetry::init_for_tests();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jwt");
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(Backend::Sqlite, dir.path()).expect("db");
    let mut args = args(&url, dir.path());
    args.auth.anonymous = Some(false);
    args.auth.jwt_public_key_file = Some(fixtures.join("rs256-test-public.pem"));
    let app = TestApp::new(app::start(&args, Role::All).await.expect("app"), url, dir);
    let private = std::fs::read_to_string(fixtures.join("rs256-test-private.pem")).expect("pem");
    let public = std::fs::read_to_string(fixtures.join("rs256-test-public.pem")).expect("pem");
    let input = json!({"input": {"nombre": "RS", "email": "r@s.co", "identificacion": "1"}});

    let operador = rs256_token(&private, &["operador"]);
    let created = app.gql_as(Some(&operador), CREAR, input.clone()).await;
    assert_eq!(
        created["data"]["crearCompania"]["estado"], "ACEPTADO",
        "{created}"
    );
    let auditor = rs256_token(&private, &["auditor"]);
    assert_eq!(
        code(&app.gql_as(Some(&auditor), CREAR, input.clone()).await),
        "FORBIDDEN"
    );
    // Another key pair's signature, and the public key used as an HS256
    // secret (algorithm confusion), are both refused.
    let other = rsa_other_private_key();
    assert_eq!(
        code(
            &app.gql_as(
                Some(&rs256_token(&other, &["operador"])),
                CREAR,
                input.clone()
            )
            .await
        ),
        "INVALID_TOKEN"
    );
    let confused = mint_token(&public, "mallory", &[Rol::Operador], 600).expect("token");
    assert_eq!(
        code(&app.gql_as(Some(&confused), CREAR, input.clone()).await),
        "INVALID_TOKEN"
    );
    // HS256 tokens from `propalpes token` keep working beside RS256.
    let hs = mint_token(TEST_JWT_SECRET, "olga", &[Rol::Operador], 600).expect("token");
    let created = app.gql_as(Some(&hs), CREAR, input).await;
    assert_eq!(created["data"]["crearCompania"]["estado"], "ACEPTADO");
}

/// A second test key, whose signatures the app must not accept.
fn rsa_other_private_key() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jwt/rs256-other-private.pem");
    std::fs::read_to_string(path).expect("second test key")
}

#[tokio::test]
async fn limits_are_refused_with_codes() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    for levels in [70, 13] {
        // 70 levels hits the document's nesting limit (64), checked before
        // parsing; 13 the schema's depth limit (16).
        let mut deep = String::from("{ __schema { types { fields { type { ");
        deep.push_str(&"ofType { ".repeat(levels));
        deep.push_str("name ");
        deep.push_str(&"} ".repeat(levels));
        deep.push_str("} } } } }");
        let deep = app.gql(&deep, json!({})).await;
        assert_eq!(code(&deep), "QUERY_TOO_DEEP", "{levels}: {deep}");
    }
    let huge = app
        .gql(
            "{ companias(first: 10000) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&huge), "PAGE_SIZE_TOO_LARGE");
    // Shallow but wide: 150 aliases of a 4-field selection exceed 500.
    let wide: String = (0..150)
        .map(|i| format!("a{i}: reporteFaltantes {{ campo problema total }} "))
        .collect();
    let wide = app.gql(&format!("{{ {wide} }}"), json!({})).await;
    assert_eq!(code(&wide), "QUERY_TOO_COMPLEX", "{wide}");
    let long_name = "n".repeat(1001);
    let invalid = app
        .gql(CREAR, json!({"input": {"nombre": long_name}}))
        .await;
    assert_eq!(code(&invalid), "BAD_USER_INPUT");
    assert_eq!(invalid["errors"][0]["extensions"]["field"], "nombre");
    let body = json!({"query": "{ __typename }", "padding": "x".repeat(100 * 1024)});
    let (status, response) = app.graphql_raw(None, body).await;
    assert_eq!(status, 413);
    assert_eq!(code(&response), "REQUEST_TOO_LARGE", "{response}");
}

#[tokio::test]
async fn a_page_of_100_companies_with_their_audits_costs_a_bounded_number_of_queries() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    for i in 0..100 {
        let r = app
            .post_json(
                "/companias",
                json!({"nombre": format!("C{i}"), "email": "", "identificacion": "1"}),
            )
            .await;
        assert_eq!(r.status(), 202);
    }
    let query = "{ companias(first: 100) { edges { node { id auditoria { resultado } } } } }";
    eventually("100 companies audited", Duration::from_secs(20), || async {
        let page = app.gql(query, json!({})).await;
        let edges = page["data"]["companias"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        (edges.len() == 100 && edges.iter().all(|e| !e["node"]["auditoria"].is_null()))
            .then_some(())
    })
    .await;
    let batches = app.app.bff_loader_batches.clone().expect("bff");
    let before = batches.load(Ordering::SeqCst);
    let page = app.gql(query, json!({})).await;
    assert_eq!(
        page["data"]["companias"]["edges"].as_array().map(Vec::len),
        Some(100)
    );
    let used = batches.load(Ordering::SeqCst) - before;
    assert!(
        (1..=3).contains(&used),
        "100 audits loaded in {used} batch(es), not 100 queries"
    );
}

/// The projection record for record: records, audits, findings, history
/// and property registrations.
pub(crate) async fn snapshot(db: &propalpes::seedwork::infrastructure::Database) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT tipo || '|' || id || '|' || campos || '|' || estado || '|' || motivos_rechazo AS r FROM registros",
        "SELECT id || '|' || id_entidad || '|' || resultado || '|' || hallazgos AS r FROM auditorias",
        "SELECT id_auditoria || '|' || campo || '|' || problema AS r FROM hallazgos",
        "SELECT id_evento || '|' || tipo || '|' || id_entidad || '|' || evento || '|' || detalle || '|' || fecha AS r FROM historial",
        "SELECT id_propiedad || '|' || estado || '|' || paso || '|' || COALESCE(motivo, '') || '|' || pasos AS r FROM registros_propiedad",
    ] {
        let found: Vec<(String,)> = sqlx::query_as(sql)
            .fetch_all(db.pool())
            .await
            .expect("snapshot");
        rows.extend(found.into_iter().map(|(r,)| r));
    }
    rows.sort();
    rows
}

#[tokio::test]
async fn projections_rebuild_reproduces_the_same_rows() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    propalpes::telemetry::init_for_tests();
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(Backend::Sqlite, dir.path()).expect("db");
    let mut args = args(&url, dir.path());
    args.pulsar.url = Some(env.url.clone());
    args.pulsar.namespace = env.namespace.clone();
    args.pulsar.admin_url = Some(env.admin.clone());
    env.keep_event_log().await;
    let app = TestApp::new(app::start(&args, Role::All).await.expect("app"), url, dir);
    let propiedad =
        "mutation($input: CrearPropiedadInput!) { crearPropiedad(input: $input) { idEntidad } }";
    for (nombre, email) in [("A", ""), ("B", "b@b.co"), ("C", "c@")] {
        app.gql(
            CREAR,
            json!({"input": {"nombre": nombre, "email": email, "identificacion": "1"}}),
        )
        .await;
    }
    app.gql(
        propiedad,
        json!({"input": {"nombrePropiedad": "Casa", "latitud": "95", "longitud": "-74"}}),
    )
    .await;
    let db = app.app.bff.as_ref().expect("bff").storage.db.clone();
    eventually(
        "4 records past Pendiente and their 4 audits projected",
        Duration::from_secs(20),
        || async {
            let done: (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM registros WHERE estado <> 'Pendiente'")
                    .fetch_one(db.pool())
                    .await
                    .expect("count");
            let audits: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM auditorias")
                .fetch_one(db.pool())
                .await
                .expect("count");
            (done.0 == 4 && audits.0 == 4).then_some(())
        },
    )
    .await;
    let before = snapshot(&db).await;
    assert!(
        before.len() > 4 + 4 + 3,
        "4 records, 4 audits, 3 findings and their history: {before:#?}"
    );
    app.app.stop().await;

    let applied = propalpes::ops::rebuild_projections(&args)
        .await
        .expect("rebuild");
    // 4 creations, 4 audits, 3 decisions: "c@" is a malformed email, left
    // EnRevision for a person.
    assert!(applied >= 11, "replayed {applied} events");
    assert_eq!(
        snapshot(&db).await,
        before,
        "the replay ends in the same state"
    );
}

/// 200 mutations; prints p50/p99 from sending each mutation to the
/// subscription pushing its final state (a measurement, not an assertion).
#[tokio::test]
async fn two_hundred_mutations_to_subscription_push() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let mut ws = subscribe(&app, None, "subscription { cambiosCompania { id estado } }").await;
    let mut sent_at = std::collections::HashMap::new();
    let started = std::time::Instant::now();
    for i in 0..200 {
        let email = if i % 2 == 0 { "" } else { "ok@andes.co" };
        let t0 = std::time::Instant::now();
        let r = app.gql(
            CREAR,
            json!({"input": {"nombre": format!("M{i}"), "email": email, "identificacion": "1"}}),
        )
        .await;
        let id = r["data"]["crearCompania"]["idEntidad"]
            .as_str()
            .expect("id")
            .to_owned();
        sent_at.insert(id, t0);
    }
    let mut latencies = Vec::new();
    while latencies.len() < 200 {
        let msg = next_json(&mut ws).await;
        let change = &msg["payload"]["data"]["cambiosCompania"];
        if change["estado"] == "PENDIENTE" {
            continue;
        }
        if let Some(t0) = change["id"].as_str().and_then(|id| sent_at.remove(id)) {
            latencies.push(t0.elapsed().as_millis() as i64);
        }
    }
    latencies.sort_unstable();
    let p = |q: f64| latencies[(((latencies.len() - 1) as f64) * q).round() as usize];
    println!(
        "[bff, embedded SQLite] 200 mutations → final state pushed: p50 {} ms, p99 {} ms, max {} ms; all in {:.1}s",
        p(0.5),
        p(0.99),
        latencies[latencies.len() - 1],
        started.elapsed().as_secs_f64()
    );
    assert!(
        sent_at.is_empty(),
        "every company was pushed in a final state"
    );
}

/// `crearDatosGeograficos` is the mutation's name; `crearPropiedad`, its
/// first and misleading one, still works for one release, deprecated.
#[tokio::test]
async fn crear_propiedad_is_a_deprecated_alias_of_crear_datos_geograficos() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let campos =
        json!({"input": {"nombrePropiedad": "Casa", "latitud": "4.6", "longitud": "-74.1"}});
    let nuevo = app.gql(
        "mutation($input: CrearDatosGeograficosInput!) { crearDatosGeograficos(input: $input) { idEntidad } }",
        campos.clone(),
    )
    .await;
    assert!(
        nuevo["data"]["crearDatosGeograficos"]["idEntidad"].is_string(),
        "{nuevo}"
    );
    let viejo = app.gql(
        "mutation($input: CrearPropiedadInput!) { crearPropiedad(input: $input) { idEntidad } }",
        campos,
    )
    .await;
    assert!(
        viejo["data"]["crearPropiedad"]["idEntidad"].is_string(),
        "{viejo}"
    );
    let campos_de_mutation = app.gql(
        r#"{ __type(name: "Mutation") { fields(includeDeprecated: true) { name isDeprecated } } }"#,
        json!({}),
    )
    .await;
    let deprecada = |nombre: &str| {
        campos_de_mutation["data"]["__type"]["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == nombre)
            .map(|f| f["isDeprecated"].clone())
    };
    assert_eq!(deprecada("crearPropiedad"), Some(json!(true)));
    assert_eq!(deprecada("crearDatosGeograficos"), Some(json!(false)));
}

/// One step of a registration as `eventos-registros` carries it.
#[derive(serde::Serialize)]
struct PasoAvanzado {
    paso: &'static str,
    resultado: &'static str,
    detalle: Option<String>,
    fecha: i64,
}

/// A registration's state as `eventos-registros` carries it.
#[derive(serde::Serialize)]
struct RegistroAvanzado {
    id_propiedad: String,
    id_datos_geograficos: String,
    estado: &'static str,
    paso: &'static str,
    motivo: Option<String>,
    pasos: Vec<PasoAvanzado>,
    fecha: i64,
}

/// `RegistroPropiedadAvanzado` for `id` started at `inicio`, with one step
/// per date in `pasos` (the last one its latest change).
fn registro_avanzado(
    app: &TestApp,
    id: &str,
    pasos: &[i64],
) -> propalpes::seedwork::application::Message {
    use propalpes::seedwork::infrastructure::avro::EnvelopeHeader;
    let data = RegistroAvanzado {
        id_propiedad: id.to_owned(),
        id_datos_geograficos: format!("d-{id}"),
        estado: "en_curso",
        paso: "crear_propiedad",
        motivo: None,
        pasos: pasos
            .iter()
            .map(|&fecha| PasoAvanzado {
                paso: "crear_propiedad",
                resultado: "enviado",
                detalle: None,
                fecha,
            })
            .collect(),
        fecha: *pasos.last().expect("a step"),
    };
    let header = EnvelopeHeader::new("RegistroPropiedadAvanzado", "auditoria", id, None);
    app.app
        .codec
        .message("eventos-registros", id, &header, &data)
        .expect("encodes against the schema file")
}

/// A registration that advances while a reader pages keeps its place (the
/// list is by start, which never moves): each is seen once. By latest
/// change, the oldest one would jump ahead of the cursor and be skipped.
#[tokio::test]
async fn registrations_keep_their_page_while_they_advance() {
    let app = crate::common::spawn_role(Backend::Sqlite, None, Role::Bff)
        .await
        .expect("app");
    let ids = ["reg-a", "reg-b", "reg-c"];
    for (i, id) in ids.iter().enumerate() {
        let inicio = 1_000 * (i as i64 + 1);
        app.publish(&[registro_avanzado(&app, id, &[inicio])]).await;
    }
    const PAGINA: &str = "query($after: String) { registrosPropiedad(first: 1, after: $after) { totalCount pageInfo { endCursor hasNextPage } edges { node { idPropiedad } } } }";
    let primera = app.gql(PAGINA, json!({"after": null})).await;
    let lista = &primera["data"]["registrosPropiedad"];
    assert_eq!(lista["totalCount"], 3, "{primera}");
    let mut vistos = vec![lista["edges"][0]["node"]["idPropiedad"].clone()];
    let mut after = lista["pageInfo"]["endCursor"].clone();
    // The oldest one moves on: its latest change is now the newest of all.
    app.publish(&[registro_avanzado(&app, "reg-a", &[1_000, 10_000])])
        .await;
    loop {
        let q = app.gql(PAGINA, json!({"after": after})).await;
        let lista = &q["data"]["registrosPropiedad"];
        vistos.push(lista["edges"][0]["node"]["idPropiedad"].clone());
        if lista["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = lista["pageInfo"]["endCursor"].clone();
        assert!(vistos.len() < 4, "{vistos:?}");
    }
    assert_eq!(
        vistos,
        json!(["reg-c", "reg-b", "reg-a"])
            .as_array()
            .unwrap()
            .clone()
    );
}
