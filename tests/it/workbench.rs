//! The reviewer's workbench over GraphQL: keyset pages that neither repeat
//! nor skip a row when rows arrive between pages, with their total, the
//! filters, the search and the name order; the review workflow (a record
//! EnRevision approved by an auditor with a reason, a decision reopened and
//! revised, impossible reviews refused at once) on SQLite and Postgres; the
//! session; the operations view's dead letters replayed.

use std::collections::HashSet;
use std::time::Duration;

use crate::common::{Backend, TestApp, eventually, spawn_app};
use propalpes::seedwork::application::Message;
use propalpes::seedwork::infrastructure::avro::EnvelopeHeader;
use serde_json::{Value, json};

/// `n` companies "Empresa 000".. with NIT 900000000.., every fifth with a
/// blank email (so Rechazada, "email faltante"), all audited.
pub async fn seed_companies(app: &TestApp, n: usize) {
    for i in 0..n {
        let email = if i % 5 == 0 {
            String::new()
        } else {
            format!("contacto{i:03}@empresa.co")
        };
        let r = app
            .post_json(
                "/companias",
                json!({"nombre": format!("Empresa {i:03}"), "email": email,
                       "identificacion": format!("900000{i:03}")}),
            )
            .await;
        assert_eq!(r.status(), 202);
    }
    let audited = "{ companias(first: 1, hallazgo: {campo: \"email\", problema: \"faltante\"}, estado: RECHAZADA) { totalCount } todas: companias(first: 1) { totalCount } aprobadas: companias(first: 1, estado: APROBADA) { totalCount } }";
    let rechazadas = n.div_ceil(5) as i64;
    eventually(
        "every company projected and decided",
        Duration::from_secs(60),
        || async {
            let r = app.gql(audited, json!({})).await;
            let d = &r["data"];
            (d["todas"]["totalCount"] == n as i64
                && d["companias"]["totalCount"] == rechazadas
                && d["aprobadas"]["totalCount"] == n as i64 - rechazadas)
                .then_some(())
        },
    )
    .await;
}

const PAGE: &str = "query($after: String, $orden: Orden) { companias(first: 10, after: $after, orden: $orden) { totalCount pageInfo { hasNextPage endCursor } edges { node { id nombre } } } }";

#[tokio::test]
async fn keyset_pages_stay_stable_while_rows_arrive_and_filters_count_every_match() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    seed_companies(&app, 35).await;
    // Walk by name while three new companies arrive after the first page.
    let mut seen = Vec::new();
    let mut after = Value::Null;
    let mut total;
    loop {
        let r = app
            .gql(PAGE, json!({"after": after, "orden": "NOMBRE_ASC"}))
            .await;
        let c = &r["data"]["companias"];
        total = c["totalCount"].as_i64().expect("total");
        for e in c["edges"].as_array().expect("edges") {
            seen.push(e["node"]["nombre"].as_str().unwrap().to_owned());
        }
        if seen.len() == 10 {
            for nombre in ["AAA primero", "Empresa 004b", "ZZZ último"] {
                app.post_json(
                    "/companias",
                    json!({"nombre": nombre, "email": "a@b.co", "identificacion": "1"}),
                )
                .await;
            }
            eventually(
                "the new rows projected",
                Duration::from_secs(20),
                || async {
                    let r = app.gql("{ companias { totalCount } }", json!({})).await;
                    (r["data"]["companias"]["totalCount"] == 38).then_some(())
                },
            )
            .await;
        }
        if c["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = c["pageInfo"]["endCursor"].clone();
    }
    let distinct: HashSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), seen.len(), "no row twice: {seen:?}");
    for i in 0..35 {
        assert!(
            seen.contains(&format!("Empresa {i:03}")),
            "Empresa {i:03} skipped"
        );
    }
    assert!(
        seen.contains(&"ZZZ último".to_owned()),
        "a row after the cursor is seen"
    );
    assert!(
        !seen.contains(&"AAA primero".to_owned()),
        "a row before the cursor is not pulled into a later page"
    );
    assert_eq!(total, 38);
    let sorted = {
        let mut s = seen.clone();
        s.sort();
        s
    };
    assert_eq!(seen, sorted, "name order");

    let q = "query($b: String) { companias(first: 5, buscar: $b) { totalCount edges { node { nombre } } } }";
    let by_nit = app.gql(q, json!({"b": "900000017"})).await;
    assert_eq!(by_nit["data"]["companias"]["totalCount"], 1);
    assert_eq!(
        by_nit["data"]["companias"]["edges"][0]["node"]["nombre"],
        "Empresa 017"
    );
    let by_name = app.gql(q, json!({"b": "empresa 01"})).await;
    assert_eq!(by_name["data"]["companias"]["totalCount"], 10);
    let literal = app.gql(q, json!({"b": "%"})).await;
    assert_eq!(
        literal["data"]["companias"]["totalCount"], 0,
        "% is literal"
    );
    let por_nombre = app
        .gql(PAGE, json!({"after": null, "orden": "NOMBRE_ASC"}))
        .await;
    let cursor = por_nombre["data"]["companias"]["pageInfo"]["endCursor"].clone();
    let mismatch = app
        .gql(PAGE, json!({"after": cursor, "orden": "RECIENTES"}))
        .await;
    assert_eq!(
        mismatch["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "a name cursor in a date order is bad input, not an outage: {mismatch}"
    );
    let bad = app
        .gql(
            "{ companias(after: \"not-a-cursor\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(bad["errors"][0]["extensions"]["field"], "after");
    let report = app
        .gql(
            "{ reporteFaltantes { tipoEntidad campo problema explicacion total } }",
            json!({}),
        )
        .await;
    // Audits page the same way, filtered by resultado and finding.
    let q = "query($after: String) { auditorias(first: 3, resultado: RECHAZADA, hallazgo: {campo: \"email\", problema: \"faltante\"}, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { idEntidad } } } }";
    let (mut after, mut audits) = (Value::Null, HashSet::new());
    loop {
        let r = app.gql(q, json!({"after": after})).await;
        let c = &r["data"]["auditorias"];
        assert_eq!(c["totalCount"], 7, "{r}");
        for e in c["edges"].as_array().expect("edges") {
            assert!(
                audits.insert(e["node"]["idEntidad"].to_string()),
                "no audit twice"
            );
        }
        if c["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = c["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(audits.len(), 7);
    let row = &report["data"]["reporteFaltantes"][0];
    assert_eq!(row["tipoEntidad"], "COMPANIA");
    assert_eq!(row["explicacion"], "Falta el email.");
    assert_eq!(row["total"], 7);
}

async fn estado(app: &TestApp, id: &str) -> Value {
    let r = app.gql(
        "query($id: ID!) { compania(id: $id) { estado auditoria { resultado motivo revisor } historial { evento descripcion } } }",
        json!({"id": id}),
    )
    .await;
    r["data"]["compania"].clone()
}

async fn settled(app: &TestApp, id: &str) -> String {
    eventually("the command settles", Duration::from_secs(30), || async {
        let r = app
            .gql(
                "query($id: ID!) { estadoComando(id: $id) { estado error } }",
                json!({"id": id}),
            )
            .await;
        let e = r["data"]["estadoComando"]["estado"].as_str()?.to_owned();
        (e != "ACEPTADO").then_some(e)
    })
    .await
}

async fn review(app: &TestApp, mutation: &str, id: &str, motivo: &str) -> Value {
    app.gql(
        &format!(
            "mutation($id: ID!, $m: String!) {{ {mutation}(tipo: COMPANIA, id: $id, motivo: $m) {{ idComando }} }}"
        ),
        json!({"id": id, "m": motivo}),
    )
    .await
}

async fn becomes(app: &TestApp, id: &str, want: &str) -> Value {
    eventually(want, Duration::from_secs(30), || async {
        let e = estado(app, id).await;
        (e["estado"] == want).then_some(e)
    })
    .await
}

/// A malformed email waits EnRevision (the source undecided) and an
/// auditor approves it with a reason; a rule's rejection is reopened and
/// revised in the source context; impossible reviews are refused at once.
async fn review_workflow(app: TestApp) {
    let app = &app;
    let create = |email: &'static str| async move {
        let r = app.gql(
            "mutation($e: String!) { crearCompania(input: {nombre: \"Revisada\", email: $e, identificacion: \"77\"}) { idEntidad } }",
            json!({"e": email}),
        )
        .await;
        r["data"]["crearCompania"]["idEntidad"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // A malformed email is for a person: EnRevision, no verdict sent.
    let dudosa = create("ventas.andes").await;
    becomes(app, &dudosa, "EN_REVISION").await;
    let source = app.get_json(&format!("/companias/{dudosa}")).await;
    assert_eq!(source["estado"], "Pendiente", "the source waits undecided");
    let refused = review(app, "reabrirAuditoria", &dudosa, "x").await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"],
        "INVALID_TRANSITION"
    );
    let blank = review(app, "aprobarRevision", &dudosa, "  ").await;
    assert_eq!(blank["errors"][0]["extensions"]["field"], "motivo");
    let sent = review(
        app,
        "aprobarRevision",
        &dudosa,
        "dominio interno verificado",
    )
    .await;
    let cmd = sent["data"]["aprobarRevision"]["idComando"]
        .as_str()
        .unwrap();
    assert_eq!(settled(app, cmd).await, "PROCESADO");
    let aprobada = becomes(app, &dudosa, "APROBADA").await;
    assert_eq!(
        aprobada["auditoria"]["motivo"],
        "dominio interno verificado"
    );
    let again = review(app, "rechazarRevision", &dudosa, "tarde").await;
    assert_eq!(
        again["errors"][0]["extensions"]["code"],
        "INVALID_TRANSITION"
    );

    // A rule's rejection reopened and revised: the source changes its mind.
    let rechazada = create("").await;
    becomes(app, &rechazada, "RECHAZADA").await;
    let sent = review(
        app,
        "reabrirAuditoria",
        &rechazada,
        "el email llegó por correo",
    )
    .await;
    let cmd = sent["data"]["reabrirAuditoria"]["idComando"]
        .as_str()
        .unwrap();
    assert_eq!(settled(app, cmd).await, "PROCESADO");
    becomes(app, &rechazada, "EN_REVISION").await;
    let sent = review(
        app,
        "aprobarRevision",
        &rechazada,
        "verificado por teléfono",
    )
    .await;
    assert!(sent["errors"].is_null(), "{sent}");
    let revised = becomes(app, &rechazada, "APROBADA").await;
    assert_eq!(
        app.get_json(&format!("/companias/{rechazada}")).await["estado"],
        "Aprobada",
        "the source context took the revision"
    );
    let history: Vec<String> = revised["historial"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["descripcion"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        history
            .iter()
            .any(|d| d.contains("«el email llegó por correo»")),
        "the reopening is in the history: {history:?}"
    );
}

/// An early rejection (its company not created yet) is dead-lettered; once
/// the company exists (and the rules rejected it too), the dead letter is
/// listed with its reason and replaying it applies it (a repeat is a no-op).
pub async fn leave_a_dead_letter(app: &TestApp) -> String {
    #[derive(serde::Serialize)]
    struct Rechazar {
        id_compania: String,
        motivos: Vec<String>,
    }
    #[derive(serde::Serialize)]
    struct Crear {
        id_compania: String,
        nombre: String,
        email: String,
        identificacion: String,
        fecha_creacion: i64,
    }
    let id = uuid::Uuid::new_v4().to_string();
    let header = |kind: &str| EnvelopeHeader::new(kind, "test", "corr-ops", None);
    let rechazar = app
        .app
        .codec
        .message(
            "comandos-companias",
            &id,
            &header("RechazarCompania"),
            &Rechazar {
                id_compania: id.clone(),
                motivos: vec!["email faltante".into()],
            },
        )
        .expect("encode");
    app.publish(&[rechazar]).await;
    eventually("dead-lettered", Duration::from_secs(30), || async {
        let letters = app
            .embedded()
            .dead_letters("comandos-companias")
            .await
            .ok()?;
        (!letters.is_empty()).then_some(())
    })
    .await;
    let crear = app
        .app
        .codec
        .message(
            "comandos-companias",
            &id,
            &header("CrearCompania"),
            &Crear {
                id_compania: id.clone(),
                nombre: "Tardía".into(),
                email: String::new(),
                identificacion: "5".into(),
                fecha_creacion: chrono::Utc::now().timestamp_millis(),
            },
        )
        .expect("encode");
    app.publish(&[crear]).await;
    eventually("rejected by the rules", Duration::from_secs(30), || async {
        let r = app.get_json(&format!("/companias/{id}")).await;
        (r["estado"] == "Rechazada").then_some(())
    })
    .await;
    id
}

#[tokio::test]
async fn the_operations_view_lists_services_and_replays_a_dead_letter() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    leave_a_dead_letter(&app).await;
    let view = app.gql(
        "{ sesion { anonimo puede desarrollo } operaciones { servicios { nombre listo consumidores { topic consumidos retrasoSegundos } } cartasMuertas { topic tipo motivo intentos } sagas { porEstado { estado total } fallidas { idEntidad } } } }",
        json!({}),
    )
    .await;
    let d = &view["data"];
    assert_eq!(d["sesion"]["anonimo"], true);
    assert_eq!(d["sesion"]["desarrollo"], true);
    let servicios = d["operaciones"]["servicios"].as_array().expect("servicios");
    assert_eq!(servicios.len(), 5, "{servicios:?}");
    assert!(servicios.iter().all(|s| s["listo"] == true));
    // The embedded bus reports how long ago a consumed event was committed.
    let auditoria = servicios
        .iter()
        .find(|s| s["nombre"] == "auditoria")
        .expect("auditoria");
    let eventos = auditoria["consumidores"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["topic"] == "eventos-companias"))
        .unwrap_or_else(|| panic!("auditoria consumes eventos-companias: {auditoria}"));
    assert!(eventos["consumidos"].as_i64() >= Some(1), "{eventos}");
    assert!(eventos["retrasoSegundos"].as_f64() > Some(0.0), "{eventos}");
    let por_estado = d["operaciones"]["sagas"]["porEstado"]
        .as_array()
        .expect("sagas by state");
    let completadas = por_estado
        .iter()
        .find(|e| e["estado"] == "completada")
        .expect("completada");
    assert_eq!(
        completadas["total"], 1,
        "the rules' rejection completed its saga: {por_estado:?}"
    );
    let cartas = d["operaciones"]["cartasMuertas"]
        .as_array()
        .expect("cartas");
    assert_eq!(cartas.len(), 1, "{cartas:?}");
    assert_eq!(cartas[0]["topic"], "comandos-companias");
    assert!(cartas[0]["motivo"].as_str().unwrap().contains("not found"));
    let unknown = app
        .gql(
            "mutation { reintentarCartasMuertas(topic: \"nope\") { aplicadas } }",
            json!({}),
        )
        .await;
    assert_eq!(unknown["errors"][0]["extensions"]["field"], "topic");
    let replay = app.gql(
        "mutation { reintentarCartasMuertas(topic: \"comandos-companias\") { reenviadas aplicadas rechazadas fallidasOtraVez enEspera } }",
        json!({}),
    )
    .await;
    let r = &replay["data"]["reintentarCartasMuertas"];
    assert_eq!(r["reenviadas"], 1, "{replay}");
    assert_eq!(r["aplicadas"], 1, "{replay}");
    assert_eq!(r["fallidasOtraVez"], 0);
    assert_eq!(r["rechazadas"], 0, "{replay}");
    let after = app
        .gql("{ operaciones { cartasMuertas { id } } }", json!({}))
        .await;
    assert_eq!(after["data"]["operaciones"]["cartasMuertas"], json!([]));
}

#[tokio::test]
async fn development_sign_in_issues_a_role_token_only_for_local_use() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let token = app
        .gql(
            "mutation { iniciarSesionDesarrollo(rol: \"auditor\") }",
            json!({}),
        )
        .await["data"]["iniciarSesionDesarrollo"]
        .as_str()
        .expect("token")
        .to_owned();
    let sesion = app
        .gql_as(Some(&token), "{ sesion { anonimo rol puede } }", json!({}))
        .await;
    assert_eq!(sesion["data"]["sesion"]["rol"], "auditor");
    assert_eq!(
        sesion["data"]["sesion"]["puede"],
        json!(["decidir", "operar"])
    );
    let bad = app
        .gql(
            "mutation { iniciarSesionDesarrollo(rol: \"jefe\") }",
            json!({}),
        )
        .await;
    assert_eq!(bad["errors"][0]["extensions"]["field"], "rol");
    let secured =
        crate::common::spawn_configured(Backend::Sqlite, None, propalpes::app::Role::All, |a| {
            a.auth.anonymous = Some(false)
        })
        .await
        .expect("app");
    let refused = secured
        .gql(
            "mutation { iniciarSesionDesarrollo(rol: \"auditor\") }",
            json!({}),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "no development sign-in where anonymous access is off: {refused}"
    );
}

/// Topics are not ordered with each other: an audit that reaches the BFF
/// before its record's creation leaves a placeholder EnRevision, and the
/// creation fills its fields without taking it back to Pendiente.
async fn audit_before_record(app: TestApp) {
    let app = &app;
    #[derive(serde::Serialize)]
    struct Creada {
        id_compania: String,
        nombre: String,
        email: String,
        identificacion: String,
        estado: String,
        fecha_creacion: i64,
        pais: Option<String>,
        telefono: Option<String>,
    }
    let id = uuid::Uuid::new_v4().to_string();
    let ahora = chrono::Utc::now().timestamp_millis();
    let publish = |topic: &str, kind: &str, data: &dyn erased::Encode| {
        let header = EnvelopeHeader::new(kind, "test", "corr-orden", None);
        data.encode(app, topic, &id, &header)
    };
    let auditada = en_revision("Compania", &id, ahora + 5);
    let message = publish("eventos-auditoria", "AuditoriaCompletada", &auditada);
    let q = "query($id: ID!) { compania(id: $id) { nombre estado } }";
    let vars = json!({"id": id});
    publish_then(app, message, "the placeholder", q, &vars, |r| {
        r["data"]["compania"]["estado"] == "EN_REVISION"
    })
    .await;
    let creada = Creada {
        id_compania: id.clone(),
        nombre: "Llegó después".into(),
        email: "ventas.andes".into(),
        identificacion: "31".into(),
        estado: "Pendiente".into(),
        fecha_creacion: ahora,
        pais: None,
        telefono: None,
    };
    let message = publish("eventos-companias", "CompaniaCreada", &creada);
    let filled = publish_then(app, message, "the fields filled", q, &vars, |r| {
        r["data"]["compania"]["nombre"] == "Llegó después"
    })
    .await;
    assert_eq!(filled["data"]["compania"]["estado"], "EN_REVISION");
    let total = app.gql("{ companias { totalCount } }", json!({})).await;
    assert_eq!(
        total["data"]["companias"]["totalCount"], 1,
        "one row, not two"
    );
}

/// A compensation took a property away; its audit, on another topic,
/// arrives afterwards and must not bring it back as a placeholder.
async fn audit_after_elimination(app: TestApp) {
    let app = &app;
    #[derive(serde::Serialize)]
    struct Creada {
        id_propiedad: String,
        nombre: String,
        identificacion_catastral: String,
        nit: String,
        estado: String,
        fecha_creacion: i64,
    }
    #[derive(serde::Serialize)]
    struct Eliminada {
        id_propiedad: String,
        motivo: String,
        fecha_actualizacion: i64,
    }
    let id = uuid::Uuid::new_v4().to_string();
    let ahora = chrono::Utc::now().timestamp_millis();
    let publish = |topic: &str, kind: &str, data: &dyn erased::Encode| {
        let header = EnvelopeHeader::new(kind, "test", "corr-eliminada", None);
        data.encode(app, topic, &id, &header)
    };
    let creada = Creada {
        id_propiedad: id.clone(),
        nombre: "Lote compensado".into(),
        identificacion_catastral: "AAA0001".into(),
        nit: "900".into(),
        estado: "Pendiente".into(),
        fecha_creacion: ahora,
    };
    let eliminada = Eliminada {
        id_propiedad: id.clone(),
        motivo: "compensación del registro".into(),
        fecha_actualizacion: ahora + 1,
    };
    let q = "query($id: ID!) { propiedad(id: $id) { nombre estado } }";
    let vars = json!({"id": id});
    let message = publish("eventos-propiedades", "PropiedadCreada", &creada);
    publish_then(app, message, "the creation projected", q, &vars, |r| {
        r["data"]["propiedad"].is_object()
    })
    .await;
    let message = publish("eventos-propiedades", "PropiedadEliminada", &eliminada);
    publish_then(app, message, "the elimination projected", q, &vars, |r| {
        r["data"]["propiedad"].is_null()
    })
    .await;
    let auditada = en_revision("Propiedad", &id, ahora + 5);
    let message = publish("eventos-auditoria", "AuditoriaCompletada", &auditada);
    let aq = "{ auditorias(tipo: PROPIEDAD) { edges { node { idEntidad } } } }";
    publish_then(
        app,
        message,
        "the late audit projected",
        aq,
        &json!({}),
        |r| r["data"]["auditorias"]["edges"][0]["node"]["idEntidad"] == id.as_str(),
    )
    .await;
    let r = app.gql(q, json!({"id": id})).await;
    assert_eq!(r["data"]["propiedad"], Value::Null, "no placeholder: {r}");
    let total = app.gql("{ propiedades { totalCount } }", json!({})).await;
    assert_eq!(total["data"]["propiedades"]["totalCount"], 0, "{total}");
}

#[derive(serde::Serialize)]
struct Hallazgo {
    campo: String,
    problema: String,
}

/// An `AuditoriaCompletada` (eventos-auditoria v3) as the rules send it.
#[derive(serde::Serialize)]
struct Auditada {
    id_auditoria: String,
    tipo_entidad: String,
    id_entidad: String,
    resultado: String,
    hallazgos: Vec<Hallazgo>,
    fecha: i64,
    reglas_version: String,
    motivo: Option<String>,
    revisor: Option<String>,
}

/// The rules leave a record to a person: a malformed email.
fn en_revision(tipo_entidad: &str, id: &str, fecha: i64) -> Auditada {
    Auditada {
        id_auditoria: uuid::Uuid::new_v4().to_string(),
        tipo_entidad: tipo_entidad.into(),
        id_entidad: id.into(),
        resultado: "EnRevision".into(),
        hallazgos: vec![Hallazgo {
            campo: "email".into(),
            problema: "formato_invalido".into(),
        }],
        fecha,
        reglas_version: "1".into(),
        motivo: None,
        revisor: None,
    }
}

/// Publishes one event and waits until the query answers as `done` says.
async fn publish_then(
    app: &TestApp,
    message: Message,
    what: &str,
    query: &str,
    vars: &Value,
    done: impl Fn(&Value) -> bool,
) -> Value {
    app.publish(&[message]).await;
    eventually(what, Duration::from_secs(20), || async {
        let r = app.gql(query, vars.clone()).await;
        done(&r).then_some(r)
    })
    .await
}

/// Encodes a test payload of any shape with the app's codec.
mod erased {
    use crate::common::TestApp;
    use propalpes::seedwork::application::Message;
    use propalpes::seedwork::infrastructure::avro::EnvelopeHeader;

    pub trait Encode {
        fn encode(&self, app: &TestApp, topic: &str, key: &str, h: &EnvelopeHeader) -> Message;
    }

    impl<T: serde::Serialize> Encode for T {
        fn encode(&self, app: &TestApp, topic: &str, key: &str, h: &EnvelopeHeader) -> Message {
            app.app
                .codec
                .message(topic, key, h, self)
                .expect("encodes against the schema")
        }
    }
}

on_both_backends! {
    spawn_app:
    a_dead_letter_is_read_and_discarded_with_who_and_why => discard_dead_letter;
    an_auditor_reviews_reopens_and_revises => review_workflow;
    an_audit_that_arrives_before_its_record_is_not_lost => audit_before_record;
    a_late_audit_does_not_bring_back_an_eliminated_record => audit_after_elimination;
}

/// With reads closed inside the deployment, the operations view reads
/// auditoria's saga log with the operator's own token.
#[tokio::test]
async fn the_sagas_are_read_with_the_operators_credentials() {
    let app =
        crate::common::spawn_configured(Backend::Sqlite, None, propalpes::app::Role::All, |a| {
            a.auth.anonymous = Some(false);
            a.auth.service_reads_open = false;
        })
        .await
        .expect("app");
    let token = crate::common::token(&[propalpes::seedwork::domain::Rol::Auditor]);
    let r = app
        .gql_as(
            Some(&token),
            "{ operaciones { sagas { porEstado { estado total } } } }",
            json!({}),
        )
        .await;
    assert!(r["errors"].is_null(), "{r}");
    assert_eq!(
        r["data"]["operaciones"]["sagas"]["porEstado"]
            .as_array()
            .map(Vec::len),
        Some(4)
    );
    assert_eq!(app.get("/sagas").await.status(), 401, "reads are closed");
}

/// A dead letter reads as JSON (its envelope and data); discarding it
/// needs a written reason, takes it off the bus for good (a replay no
/// longer sees it) and records who, why and what it was; a second discard
/// of it is NOT_FOUND.
async fn discard_dead_letter(app: TestApp) {
    let id = leave_a_dead_letter(&app).await;
    let cartas = app
        .gql(
            "{ operaciones { cartasMuertas { id topic contenido } } }",
            json!({}),
        )
        .await;
    let carta = &cartas["data"]["operaciones"]["cartasMuertas"][0];
    let contenido: Value =
        serde_json::from_str(carta["contenido"].as_str().expect("contenido")).expect("json");
    assert_eq!(contenido["type"], "RechazarCompania", "{contenido}");
    assert_eq!(contenido["data"]["id_compania"], id.as_str(), "{contenido}");
    let letra = carta["id"].as_str().expect("id").to_owned();
    const DESCARTAR: &str = "mutation($id: String!, $m: String!) { descartarCartaMuerta(topic: \"comandos-companias\", id: $id, motivo: $m) { descartadaPor razon fecha carta { id tipo contenido } } }";
    let sin_motivo = app.gql(DESCARTAR, json!({"id": letra, "m": "  "})).await;
    assert_eq!(
        sin_motivo["errors"][0]["extensions"]["field"], "motivo",
        "{sin_motivo}"
    );
    let hecho = app
        .gql(
            DESCARTAR,
            json!({"id": letra, "m": "La compañía ya se rechazó por otra vía"}),
        )
        .await;
    let d = &hecho["data"]["descartarCartaMuerta"];
    assert_eq!(d["descartadaPor"], "local (sin sesión)", "{hecho}");
    assert_eq!(d["razon"], "La compañía ya se rechazó por otra vía");
    assert_eq!(d["carta"]["tipo"], "RechazarCompania");
    let despues = app
        .gql(
            "{ operaciones { cartasMuertas { id } cartasDescartadas { carta { id } razon } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        despues["data"]["operaciones"]["cartasMuertas"],
        json!([]),
        "{despues}"
    );
    assert_eq!(
        despues["data"]["operaciones"]["cartasDescartadas"][0]["carta"]["id"],
        letra.as_str()
    );
    let replay = app
        .gql(
            "mutation { reintentarCartasMuertas(topic: \"comandos-companias\") { reenviadas } }",
            json!({}),
        )
        .await;
    assert_eq!(
        replay["data"]["reintentarCartasMuertas"]["reenviadas"], 0,
        "{replay}"
    );
    let otra_vez = app
        .gql(DESCARTAR, json!({"id": letra, "m": "otra vez"}))
        .await;
    assert_eq!(
        otra_vez["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{otra_vez}"
    );
    let registro = app
        .gql("{ operaciones { cartasDescartadas { razon } } }", json!({}))
        .await;
    assert_eq!(
        registro["data"]["operaciones"]["cartasDescartadas"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "a refused discard records nothing: {registro}"
    );
}

/// The operations view links Grafana's dashboard only where one is
/// configured (`bff.grafana_url`).
#[tokio::test]
async fn the_operations_view_links_grafana_where_configured() {
    let sin = spawn_app(Backend::Sqlite).await.expect("app");
    let r = sin.gql("{ operaciones { grafana } }", json!({})).await;
    assert_eq!(r["data"]["operaciones"]["grafana"], Value::Null, "{r}");
    let con =
        crate::common::spawn_configured(Backend::Sqlite, None, propalpes::app::Role::All, |s| {
            s.bff.grafana_url = Some("http://grafana.example:3000/d/propalpes".into())
        })
        .await
        .expect("app");
    let r = con.gql("{ operaciones { grafana } }", json!({})).await;
    assert_eq!(
        r["data"]["operaciones"]["grafana"],
        "http://grafana.example:3000/d/propalpes"
    );
}
