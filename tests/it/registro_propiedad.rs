//! The property-registration saga end to end: `registrarPropiedad` in the
//! BFF → auditoria's saga → propiedades and geograficos → audits →
//! decisions or compensations. Every path on the embedded bus (SQLite and
//! Postgres) and on Pulsar; a compensation that cannot run; the geograficos
//! process killed in the middle of a registration.

use std::time::Duration;

use crate::common::audit::create;
use crate::common::pulsar::pulsar_env;
use crate::common::{Backend, TestApp, eventually, spawn_app, spawn_configured};
use propalpes::app::Role;
use serde_json::{Value, json};

const NIT: &str = "900100";

/// `registrarPropiedad` through GraphQL; returns the property's id.
async fn registrar(app: &TestApp, input: Value) -> String {
    let response = app.gql(
        "mutation($i: RegistrarPropiedadInput!) { registrarPropiedad(input: $i) { idEntidad estado } }",
        json!({ "i": input }),
    )
    .await;
    assert_eq!(
        response["data"]["registrarPropiedad"]["estado"], "ACEPTADO",
        "{response}"
    );
    response["data"]["registrarPropiedad"]["idEntidad"]
        .as_str()
        .expect("id")
        .to_owned()
}

fn input(catastral: &str, nit: &str, latitud: &str) -> Value {
    json!({
        "nombre": "Lote 7",
        "identificacionCatastral": catastral,
        "nit": nit,
        "latitud": latitud,
        "longitud": "-74.08",
    })
}

/// Waits until auditoria's saga leaves `en_curso`; returns it.
async fn registro_final(app: &TestApp, id: &str, within: Duration) -> Value {
    eventually(&format!("registration {id} ends"), within, || async {
        let r = app.get_json(&format!("/registros/{id}")).await;
        (r["estado"].is_string() && r["estado"] != "en_curso").then_some(r)
    })
    .await
}

/// Waits until both parts are in their final estado; returns them.
async fn partes(app: &TestApp, registro: &Value) -> (Value, Value) {
    let id = registro["id_propiedad"].as_str().expect("id");
    let datos = registro["id_datos_geograficos"].as_str().expect("id");
    eventually("both parts final", Duration::from_secs(20), || async {
        let p = app.get_json(&format!("/propiedades/{id}")).await;
        let d = app.get_json(&format!("/geograficos/{datos}")).await;
        let done = |v: &Value| v["estado"] == "Aprobada" || v["estado"] == "Rechazada";
        (done(&p) && done(&d)).then_some((p, d))
    })
    .await
}

/// A company whose identificacion is `NIT`, audited (so auditoria knows it).
async fn compania_conocida(app: &TestApp) {
    let id = create(
        app,
        "/companias",
        json!({"nombre": "Andes", "email": "ventas@andes.co", "identificacion": NIT}),
        "id_compania",
    )
    .await;
    eventually("the company audited", Duration::from_secs(20), || async {
        (app.get(&format!("/auditorias/{id}")).await.status() == 200).then_some(())
    })
    .await;
}

/// Every path of the saga whose participants answer.
async fn saga_paths(app: &TestApp) {
    let within = Duration::from_secs(30);
    compania_conocida(app).await;

    // Both pass: both approved, completada.
    let ok = registrar(app, input("CAT-1", NIT, "4.61")).await;
    let r = registro_final(app, &ok, within).await;
    assert_eq!(r["estado"], "completada", "{r}");
    let (p, d) = partes(app, &r).await;
    assert_eq!(
        (p["estado"].as_str(), d["estado"].as_str()),
        (Some("Aprobada"), Some("Aprobada"))
    );
    assert_eq!(p["identificacion_catastral"], "CAT-1");

    // The datos geográficos fail their audit: both rejected, the property
    // by compensation naming the cause.
    let lejos = registrar(app, input("CAT-2", NIT, "95")).await;
    let r = registro_final(app, &lejos, within).await;
    assert_eq!(r["estado"], "compensada", "{r}");
    let causa = "datos geográficos: latitud fuera_de_rango";
    assert_eq!(r["motivo"], causa);
    let (p, d) = partes(app, &r).await;
    assert_eq!(p["estado"], "Rechazada");
    assert_eq!(p["motivos_rechazo"], json!([causa]));
    assert_eq!(d["motivos_rechazo"], json!(["latitud fuera_de_rango"]));

    // The property fails (its company is unknown to auditoria): both
    // rejected, the datos geográficos by compensation.
    let ajena = registrar(app, input("CAT-3", "111", "4.61")).await;
    let r = registro_final(app, &ajena, within).await;
    assert_eq!(r["estado"], "compensada", "{r}");
    assert_eq!(r["motivo"], "propiedad: nit desconocido");
    let (p, d) = partes(app, &r).await;
    assert_eq!(p["motivos_rechazo"], json!(["nit desconocido"]));
    assert_eq!(d["motivos_rechazo"], json!(["propiedad: nit desconocido"]));

    // A step that cannot be done: the cadastral id is taken. Nothing was
    // created, nothing to undo; the saga says why.
    let repetida = registrar(app, input("CAT-1", NIT, "4.61")).await;
    let r = registro_final(app, &repetida, within).await;
    assert_eq!(r["estado"], "compensada", "{r}");
    assert!(
        r["motivo"]
            .as_str()
            .is_some_and(|m| m.contains("CAT-1 ya registrada")),
        "{r}"
    );
    assert_eq!(
        app.get(&format!("/propiedades/{repetida}")).await.status(),
        404
    );
    assert!(r["pasos"].as_array().is_some_and(|p| p.len() >= 2), "{r}");

    // Every step and its result are in the saga log and in the BFF's view.
    let view = eventually("the BFF projects the registration", within, || async {
        let q = app.gql(
            "query($id: ID!) { propiedad(id: $id) { estado registro { estado pasos { paso resultado } } datosGeograficos { estado } } }",
            json!({"id": lejos}),
        )
        .await;
        let p = &q["data"]["propiedad"];
        (p["registro"]["estado"] == "compensada" && p["estado"] == "RECHAZADA").then(|| p.clone())
    })
    .await;
    assert_eq!(view["datosGeograficos"]["estado"], "RECHAZADA");
    let sagas = app.get_json("/sagas?estado=compensada").await;
    assert!(sagas["total"].as_i64().is_some_and(|n| n >= 3), "{sagas}");
}

async fn spawn(
    backend: Backend,
    pulsar: Option<&crate::common::pulsar::PulsarEnv>,
    timeout_ms: u64,
    attempts: u32,
) -> Option<TestApp> {
    spawn_configured(backend, pulsar, Role::All, |args| {
        args.saga.timeout_ms = timeout_ms;
        args.saga.max_attempts = attempts;
    })
    .await
}

#[tokio::test]
async fn registration_saga_paths_embedded_sqlite() {
    let app = spawn(Backend::Sqlite, None, 30_000, 5).await.expect("app");
    saga_paths(&app).await;
    app.app.stop().await;
}

#[tokio::test]
async fn registration_saga_paths_embedded_postgres() {
    let Some(app) = spawn(Backend::Postgres, None, 30_000, 5).await else {
        return;
    };
    saga_paths(&app).await;
    app.app.stop().await;
}

#[tokio::test]
async fn registration_saga_paths_on_pulsar() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let Some(app) = spawn(Backend::Postgres, Some(&env), 30_000, 5).await else {
        return;
    };
    saga_paths(&app).await;
    app.app.stop().await;
}

/// Geograficos never answers (every `CrearDatosGeograficos` is poison to
/// it): after the retries the saga eliminates the property it created, and
/// says why. Then a compensation that cannot run (propiedades' table gone)
/// keeps retrying and leaves the saga `fallida`, visible to operators.
#[tokio::test]
async fn unanswered_steps_are_compensated_and_a_stuck_compensation_fails_visibly_sqlite() {
    let app = spawn(Backend::Sqlite, None, 1_000, 2).await.expect("app");
    unanswered_steps(app).await;
}

#[tokio::test]
async fn unanswered_steps_are_compensated_and_a_stuck_compensation_fails_visibly_postgres() {
    let Some(app) = spawn(Backend::Postgres, None, 1_000, 2).await else {
        return;
    };
    unanswered_steps(app).await;
}

#[tokio::test]
async fn unanswered_steps_are_compensated_and_a_stuck_compensation_fails_visibly_on_pulsar() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let Some(app) = spawn(Backend::Postgres, Some(&env), 1_000, 2).await else {
        return;
    };
    unanswered_steps(app).await;
}

/// A 1 s reply deadline and two attempts: long enough that a loaded CI
/// machine answers every step that can be answered, short enough that the
/// ones nobody answers give up in seconds.
async fn unanswered_steps(app: TestApp) {
    compania_conocida(&app).await;
    // A control character in latitud: the BFF would refuse it; a producer
    // on the command topic gets it past, and geograficos dead-letters it.
    let id = propalpes::seedwork::domain::EntityId::new().to_string();
    registrar_en_el_topico(&app, &id, "4.6\u{7}").await;
    let r = registro_final(&app, &id, Duration::from_secs(30)).await;
    assert_eq!(r["estado"], "compensada", "{r}");
    assert_eq!(
        r["motivo"],
        "datos geográficos: sin respuesta tras 2 intentos"
    );
    let p = app.get_json(&format!("/propiedades/{id}")).await;
    assert_eq!(p["eliminada"], true, "{p}");
    let listed = app.get_json("/propiedades").await;
    assert!(
        listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|i| i["id"] != id.as_str()),
        "an eliminated property leaves the listing"
    );

    // Again, but once the property exists propiedades can apply nothing
    // (its table is gone): the compensation retries, then the saga fails.
    let stuck = propalpes::seedwork::domain::EntityId::new().to_string();
    registrar_en_el_topico(&app, &stuck, "4.6\u{7}").await;
    eventually("the property created", Duration::from_secs(10), || async {
        let r = app.get_json(&format!("/registros/{stuck}")).await;
        (r["paso"] == "crear_datos_geograficos").then_some(())
    })
    .await;
    let db = app
        .app
        .propiedades
        .as_ref()
        .expect("propiedades")
        .storage
        .db
        .clone();
    sqlx::query("ALTER TABLE propiedades RENAME TO propiedades_fuera")
        .execute(db.pool())
        .await
        .expect("rename");
    let r = registro_final(&app, &stuck, Duration::from_secs(30)).await;
    assert_eq!(r["estado"], "fallida", "{r}");
    assert!(
        r["ultimo_error"]
            .as_str()
            .is_some_and(|e| e.contains("propiedad: sin respuesta")),
        "{r}"
    );
    let fallidas = app.get_json("/sagas?estado=fallida").await;
    assert!(
        fallidas["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|s| s["id"] == stuck.as_str() && s["saga"] == "registro_propiedad"),
        "{fallidas}"
    );
    // The operations view (the BFF) lists it too.
    eventually("the BFF lists the failed registration", Duration::from_secs(10), || async {
        let q = app.gql(
            "{ registrosPropiedad(estado: \"fallida\", first: 10) { edges { node { idPropiedad estado paso } } } }",
            json!({}),
        )
        .await;
        let edges = q["data"]["registrosPropiedad"]["edges"].as_array().cloned().unwrap_or_default();
        edges.iter().any(|e| e["node"]["idPropiedad"] == stuck.as_str()).then_some(())
    })
    .await;
    sqlx::query("ALTER TABLE propiedades_fuera RENAME TO propiedades")
        .execute(db.pool())
        .await
        .expect("rename back");
    app.app.stop().await;
}

/// A `RegistrarPropiedad` put on `comandos-auditoria` by a producer.
async fn registrar_en_el_topico(app: &TestApp, id: &str, latitud: &str) {
    use propalpes::seedwork::infrastructure::avro::{EnvelopeHeader, Field, Payload};
    let data = Payload::from([
        ("id_propiedad", Field::Text(id.to_owned())),
        ("nombre", Field::Text("Lote".into())),
        ("identificacion_catastral", Field::Text(format!("CAT-{id}"))),
        ("nit", Field::Text(NIT.into())),
        ("latitud", Field::Text(latitud.into())),
        ("longitud", Field::Text("-74.1".into())),
    ]);
    let header = EnvelopeHeader::new("RegistrarPropiedad", "test", id, None);
    let message = app
        .app
        .codec
        .message("comandos-auditoria", id, &header, &data)
        .expect("encode");
    app.publish(std::slice::from_ref(&message)).await;
}

/// A part the rules leave to a person (a latitud that is not a number)
/// holds the registration, with no deadline, until an auditor decides it;
/// approved, both parts are approved and the registration completes.
#[tokio::test]
async fn a_part_in_review_waits_for_the_auditor_then_the_registration_completes() {
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    compania_conocida(&app).await;
    let id = registrar(&app, input("CAT-R", NIT, "norte")).await;
    let r = eventually(
        "the registration waits",
        Duration::from_secs(20),
        || async {
            let r = app.get_json(&format!("/registros/{id}")).await;
            r["pasos"]
                .as_array()?
                .iter()
                .any(|p| p["resultado"] == "auditoria datos geográficos en revisión")
                .then_some(r)
        },
    )
    .await;
    assert_eq!(r["estado"], "en_curso", "{r}");
    let datos = r["id_datos_geograficos"].as_str().expect("id").to_owned();
    let q = "query($id: ID!) { datoGeografico(id: $id) { estado } }";
    eventually("EN_REVISION projected", Duration::from_secs(20), || async {
        let v = app.gql(q, json!({"id": datos})).await;
        (v["data"]["datoGeografico"]["estado"] == "EN_REVISION").then_some(())
    })
    .await;
    let sent = app.gql(
        "mutation($id: ID!) { aprobarRevision(tipo: DATOS_GEOGRAFICOS, id: $id, motivo: \"coordenadas verificadas en el catastro\") { idComando } }",
        json!({"id": datos}),
    )
    .await;
    assert!(sent["errors"].is_null(), "{sent}");
    let r = registro_final(&app, &id, Duration::from_secs(30)).await;
    assert_eq!(r["estado"], "completada", "{r}");
    let (p, d) = partes(&app, &r).await;
    assert_eq!(
        (p["estado"].as_str(), d["estado"].as_str()),
        (Some("Aprobada"), Some("Aprobada"))
    );
    // Its parts are decided together: one is not reopened alone.
    let reabrir = app.gql(
        "mutation($id: ID!) { reabrirAuditoria(tipo: PROPIEDAD, id: $id, motivo: \"dudas\") { idComando } }",
        json!({"id": id}),
    )
    .await;
    assert_eq!(
        reabrir["errors"][0]["extensions"]["code"], "INVALID_TRANSITION",
        "{reabrir}"
    );
}

/// The registrations list pages by keyset like every other list: three
/// registrations walked one page at a time, each once; a cursor that is
/// not one is refused naming `after`.
async fn registrations_page_by_keyset(app: TestApp) {
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(registrar(&app, input(&format!("CAT-PAGE-{i}"), "900", "4.6")).await);
    }
    const PAGINA: &str = "query($after: String) { registrosPropiedad(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { idPropiedad } } } }";
    // The list is ordered by each registration's start, which never moves:
    // it is walked as soon as the three are listed, while their sagas may
    // still advance, and still yields each once.
    const TODAS: &str = "{ registrosPropiedad(first: 10) { totalCount } }";
    eventually(
        "the BFF lists the three",
        Duration::from_secs(60),
        || async {
            let q = app.gql(TODAS, json!({})).await;
            (q["data"]["registrosPropiedad"]["totalCount"] == 3).then_some(())
        },
    )
    .await;
    let mut vistos = Vec::new();
    let mut after = Value::Null;
    loop {
        let q = app.gql(PAGINA, json!({"after": after})).await;
        let lista = &q["data"]["registrosPropiedad"];
        let edges = lista["edges"].as_array().expect("edges");
        assert_eq!(edges.len(), 1, "{q}");
        vistos.push(
            edges[0]["node"]["idPropiedad"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
        if lista["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = lista["pageInfo"]["endCursor"].clone();
        assert!(
            vistos.len() < 3,
            "more pages than registrations: {vistos:?}"
        );
    }
    // Newest start first: every one once.
    vistos.sort();
    ids.sort();
    assert_eq!(vistos, ids);
    let malo = app.gql(PAGINA, json!({"after": "zz"})).await;
    assert_eq!(malo["errors"][0]["extensions"]["field"], "after", "{malo}");
    // A stage that is not one is refused naming `estado`, never answered
    // with an empty page; a known one in any case filters.
    let desconocida = app
        .gql(
            "{ registrosPropiedad(estado: \"terminada\") { totalCount } }",
            json!({}),
        )
        .await;
    let error = &desconocida["errors"][0];
    assert_eq!(
        error["extensions"]["code"], "BAD_USER_INPUT",
        "{desconocida}"
    );
    assert_eq!(error["extensions"]["field"], "estado", "{desconocida}");
    // Once the three have ended, their stage in capitals lists them all.
    const ESTADOS: &str = "{ registrosPropiedad(first: 10) { edges { node { estado } } } }";
    let etapa = eventually("the three ended", Duration::from_secs(60), || async {
        let q = app.gql(ESTADOS, json!({})).await;
        let edges = q["data"]["registrosPropiedad"]["edges"]
            .as_array()
            .cloned()?;
        let estados: Vec<String> = edges
            .iter()
            .filter_map(|e| e["node"]["estado"].as_str().map(str::to_owned))
            .collect();
        let una = estados.first()?.clone();
        (estados.len() == 3 && estados.iter().all(|e| *e == una && e != "en_curso")).then_some(una)
    })
    .await;
    let filtro = format!(
        "{{ registrosPropiedad(estado: \"{}\") {{ totalCount }} }}",
        etapa.to_uppercase()
    );
    let en_mayusculas = app.gql(&filtro, json!({})).await;
    assert_eq!(
        en_mayusculas["data"]["registrosPropiedad"]["totalCount"], 3,
        "{en_mayusculas}"
    );
}

on_both_backends! {
    spawn_app:
    registrations_page_by_keyset_like_every_list => registrations_page_by_keyset;
}
