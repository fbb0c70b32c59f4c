//! The distributed topology as local processes: companias ×2, geograficos,
//! auditoria ×2 and bff, each its own OS process, on one Postgres server
//! (a database per context) and the Apache Pulsar test broker. 500 commands
//! go through the BFF; every entity ends in a final state exactly once.

use std::time::{Duration, Instant};

use crate::common::eventually;
use crate::common::pulsar::pulsar_env;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

struct Service {
    name: &'static str,
    port: u16,
    child: Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Waits until the process `name` on `port` answers /ready with 200.
async fn wait_ready(http: &reqwest::Client, name: &str, port: u16) {
    let url = format!("http://127.0.0.1:{port}/ready");
    eventually(
        &format!("{name} on :{port} to become ready"),
        Duration::from_secs(30),
        || async {
            let r = http.get(&url).send().await.ok()?;
            (r.status() == 200).then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn five_hundred_commands_through_the_bff_across_processes() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let Some(server) = crate::common::postgres_url() else {
        return;
    };
    let (head, _) = server.rsplit_once('/').expect("url");
    let database = format!(
        "{head}/d{}",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    );
    let http = reqwest::Client::new();

    let started = Instant::now();
    let mut services = Vec::new();
    for name in [
        "companias",
        "companias",
        "geograficos",
        "auditoria",
        "auditoria",
        "bff",
    ] {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_propalpes"))
            .arg(name)
            .env("HTTP_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", &database)
            .env("PULSAR_URL", &env.url)
            .env("JWT_SECRET", crate::common::TEST_JWT_SECRET)
            .env("PULSAR_NAMESPACE", &env.namespace)
            .env("BFF_ANONYMOUS", "true")
            .env("SAGA_TIMEOUT_MS", "20000")
            .env("RUST_LOG", "warn")
            .kill_on_drop(true)
            .spawn()
            .expect("spawn");
        services.push(Service { name, port, child });
    }
    for s in &services {
        wait_ready(&http, s.name, s.port).await;
    }
    let ready_after = started.elapsed();
    let idle: Vec<(&str, u64)> = services
        .iter()
        .map(|s| (s.name, rss_kib(s.child.id().unwrap_or(0))))
        .collect();

    let bff = services.iter().find(|s| s.name == "bff").expect("bff").port;
    let url = format!("http://127.0.0.1:{bff}/graphql");
    let sent = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..500 {
        let (http, url) = (http.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let body = if i % 2 == 0 {
                let email = if i % 4 == 0 { String::new() } else { format!("c{i}@andes.co") };
                json!({"query": "mutation($i: CrearCompaniaInput!) { crearCompania(input: $i) { estado } }",
                       "variables": {"i": {"nombre": format!("C{i}"), "email": email, "identificacion": "9"}}})
            } else {
                let lat = if i % 3 == 0 { "95" } else { "4.6" };
                json!({"query": "mutation($i: CrearDatosGeograficosInput!) { crearDatosGeograficos(input: $i) { estado } }",
                       "variables": {"i": {"nombrePropiedad": format!("P{i}"), "latitud": lat, "longitud": "-74"}}})
            };
            let r: Value = http.post(&url).json(&body).send().await.expect("post").json().await.expect("json");
            assert!(r["errors"].is_null(), "{r}");
        }));
    }
    for t in tasks {
        t.await.expect("mutation");
    }

    let companias = services
        .iter()
        .find(|s| s.name == "companias")
        .expect("companias")
        .port;
    let geograficos = services
        .iter()
        .find(|s| s.name == "geograficos")
        .expect("geograficos")
        .port;
    let auditoria = services
        .iter()
        .find(|s| s.name == "auditoria")
        .expect("auditoria")
        .port;
    let get = |port: u16, path: &str| {
        let http = http.clone();
        let url = format!("http://127.0.0.1:{port}{path}");
        async move {
            http.get(url)
                .send()
                .await
                .expect("get")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    eventually("500 sagas completed", Duration::from_secs(120), || async {
        let completed = get(auditoria, "/sagas?estado=completada&page_size=1").await;
        (completed["total"] == 500).then_some(())
    })
    .await;
    let all_final_after = sent.elapsed();
    assert_eq!(
        get(auditoria, "/auditorias?page_size=1").await["total"],
        500,
        "one audit per entity"
    );
    assert_eq!(
        get(auditoria, "/sagas?estado=pendiente&page_size=1").await["total"],
        0
    );
    for (port, path) in [(companias, "/companias"), (geograficos, "/geograficos")] {
        let page = get(port, &format!("{path}?page_size=500")).await;
        assert_eq!(page["total"], 250);
        for item in page["items"].as_array().expect("items") {
            assert_ne!(item["estado"], "Pendiente", "{item}");
            assert_eq!(item["version"], 2, "created once, decided once: {item}");
        }
    }
    let loaded: Vec<(&str, u64)> = services
        .iter()
        .map(|s| (s.name, rss_kib(s.child.id().unwrap_or(0))))
        .collect();

    // SIGTERM: each process stops taking work, flushes and exits 0.
    for s in &mut services {
        if let Some(pid) = s.child.id() {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(pid.to_string())
                .status()
                .await;
        }
    }
    for s in &mut services {
        let status = tokio::time::timeout(Duration::from_secs(30), s.child.wait())
            .await
            .expect("exits")
            .expect("status");
        assert!(status.success(), "{} exited with {status}", s.name);
    }
    println!(
        "[distributed] 6 processes ready in {:.1}s; 500 commands all final in {:.1}s",
        ready_after.as_secs_f64(),
        all_final_after.as_secs_f64()
    );
    for ((name, idle), (_, loaded)) in idle.iter().zip(&loaded) {
        println!(
            "[distributed] {name:<12} RSS idle {:>6} KiB, after 500 commands {:>6} KiB",
            idle, loaded
        );
    }
}

/// One `propalpes <name>` process on the shared database and namespace.
fn spawn_process(
    name: &'static str,
    database: &str,
    env: &crate::common::pulsar::PulsarEnv,
) -> Service {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_propalpes"))
        .arg(name)
        .env("HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("DATABASE_URL", database)
        .env("PULSAR_URL", &env.url)
        .env("JWT_SECRET", crate::common::TEST_JWT_SECRET)
        .env("PULSAR_NAMESPACE", &env.namespace)
        .env("BFF_ANONYMOUS", "true")
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    Service { name, port, child }
}

/// The geograficos process is killed (SIGKILL) before a registration
/// reaches it: the saga waits at its second step; once geograficos is back
/// the command waiting on its topic is applied and the saga completes.
#[tokio::test]
async fn a_registration_finishes_after_the_geograficos_process_returns() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let Some(server) = crate::common::postgres_url() else {
        return;
    };
    let (head, _) = server.rsplit_once('/').expect("url");
    let database = format!(
        "{head}/k{}",
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    );
    let http = reqwest::Client::new();
    let mut services: Vec<Service> = [
        "companias",
        "geograficos",
        "propiedades",
        "auditoria",
        "bff",
    ]
    .into_iter()
    .map(|name| spawn_process(name, &database, &env))
    .collect();
    for s in &services {
        wait_ready(&http, s.name, s.port).await;
    }
    let port = |name: &str| services.iter().find(|s| s.name == name).expect(name).port;
    let (bff, auditoria) = (port("bff"), port("auditoria"));
    let gql = |query: Value| {
        let http = http.clone();
        async move {
            http.post(format!("http://127.0.0.1:{bff}/graphql"))
                .json(&query)
                .send()
                .await
                .expect("post")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let get = |path: String| {
        let http = http.clone();
        async move {
            http.get(format!("http://127.0.0.1:{auditoria}{path}"))
                .send()
                .await
                .expect("get")
                .json::<Value>()
                .await
                .unwrap_or(Value::Null)
        }
    };
    let compania = gql(json!({"query": "mutation { crearCompania(input: {nombre: \"Andes\", email: \"a@andes.co\", identificacion: \"900777\"}) { idEntidad } }"})).await;
    let compania = compania["data"]["crearCompania"]["idEntidad"]
        .as_str()
        .expect("id")
        .to_owned();
    crate::common::eventually("the company audited", Duration::from_secs(30), || async {
        get(format!("/auditorias/{compania}")).await["id_entidad"]
            .is_string()
            .then_some(())
    })
    .await;

    let geo = services
        .iter_mut()
        .find(|s| s.name == "geograficos")
        .expect("geo");
    geo.child.kill().await.expect("kill geograficos");
    let registro = gql(json!({"query": "mutation { registrarPropiedad(input: {nombre: \"Lote K\", identificacionCatastral: \"CAT-K\", nit: \"900777\", latitud: \"4.6\", longitud: \"-74.1\"}) { idEntidad } }"})).await;
    let id = registro["data"]["registrarPropiedad"]["idEntidad"]
        .as_str()
        .expect("id")
        .to_owned();
    eventually(
        "the saga waits at step 2",
        Duration::from_secs(30),
        || async {
            (get(format!("/registros/{id}")).await["paso"] == "crear_datos_geograficos")
                .then_some(())
        },
    )
    .await;
    // Not a wait for something: a second passes to show the saga does not
    // give up on a context that is down while it waits.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(get(format!("/registros/{id}")).await["estado"], "en_curso");

    services.retain(|s| s.name != "geograficos");
    let back = spawn_process("geograficos", &database, &env);
    wait_ready(&http, back.name, back.port).await;
    services.push(back);
    let done = eventually("the saga completes", Duration::from_secs(60), || async {
        let r = get(format!("/registros/{id}")).await;
        (r["estado"] != "en_curso" && r["estado"].is_string()).then_some(r)
    })
    .await;
    assert_eq!(done["estado"], "completada", "{done}");
}
