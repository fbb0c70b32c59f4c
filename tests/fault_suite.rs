//! The fault suite: the four services as separate processes on Postgres
//! and the Apache Pulsar test broker, a steady load of creations through
//! the BFF (with tokens), and one fault after another:
//! (a) each service killed (-9) and restarted, (b) the broker restarted,
//! (c) one context's database refusing connections for 20 s, (d) a
//! consumer paused (SIGSTOP) for 10 s. Once quiet, it counts from the
//! databases and the topics: every accepted command has exactly one effect,
//! one audit, one final state, one projection row; nothing in any DLQ;
//! no outbox row unsent; every saga completada. It prints the counts and
//! the recovery time after each fault.
//!
//! Runs when PROPALPES_FAULT_SUITE=1 (scripts/test sets it and runs this
//! binary on its own, with --nocapture); PROPALPES_FAULT_SUITE_LONG=1 runs
//! every fault three times. Its own test binary: it restarts the broker.
mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::pulsar::{PulsarEnv, pulsar_env};
use common::{TEST_JWT_SECRET, postgres_url};
use propalpes::seedwork::domain::Rol;
use serde_json::{Value, json};
use sqlx::PgPool;
use tokio::process::{Child, Command};

/// The seed of the load's choices (which records are incomplete).
const SEED: u64 = 20_261_126;
/// Creations per second of the steady load.
const RATE: u64 = 40;
/// Every this many ticks, a burst of `BURST` creations at once.
const BURST_EVERY: u64 = 20;
const BURST: u64 = 16;

struct Service {
    role: &'static str,
    port: u16,
    child: Option<Child>,
}

/// What the load had accepted: entity id → (tipo, command id).
type Accepted = Arc<Mutex<HashMap<String, (&'static str, String)>>>;

struct Deployment {
    services: Vec<Service>,
    database: String,
    env: PulsarEnv,
    server: String,
    logs: tempfile::TempDir,
    http: reqwest::Client,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

impl Deployment {
    fn spawn(&self, role: &str, port: u16) -> Child {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.logs.path().join(format!("{role}-{port}.log")))
            .expect("log file");
        Command::new(env!("CARGO_BIN_EXE_propalpes"))
            .arg(role)
            .env("HTTP_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", &self.database)
            .env("PULSAR_URL", &self.env.url)
            .env("PULSAR_NAMESPACE", &self.env.namespace)
            .env("PULSAR_ADMIN_URL", &self.env.admin)
            .env("JWT_SECRET", TEST_JWT_SECRET)
            .env("BFF_ANONYMOUS", "false")
            .env("MAX_REDELIVERIES", "2")
            // Retention prunes while the faults happen: sent outbox rows at
            // once, inbox rows after three minutes (longer than any
            // redelivery here takes), every second.
            .env("OUTBOX_RETENTION", "0s")
            .env("INBOX_RETENTION", "3m")
            .env("RETENTION_INTERVAL", "1s")
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("spawn")
    }

    async fn start(env: PulsarEnv, server: String) -> Self {
        let (head, _) = server.rsplit_once('/').expect("url");
        let database = format!(
            "{head}/f{}",
            &uuid::Uuid::new_v4().simple().to_string()[..10]
        );
        let mut deployment = Self {
            services: Vec::new(),
            database,
            env,
            server,
            logs: tempfile::tempdir().expect("tempdir"),
            http: reqwest::Client::new(),
        };
        for role in ["bff", "companias", "geograficos", "auditoria"] {
            let port = free_port();
            let child = deployment.spawn(role, port);
            deployment.services.push(Service {
                role,
                port,
                child: Some(child),
            });
        }
        for i in 0..deployment.services.len() {
            deployment.wait_ready(i).await;
        }
        deployment
    }

    async fn wait_ready(&self, i: usize) {
        let port = self.services[i].port;
        for _ in 0..600 {
            let ready = self
                .http
                .get(format!("http://127.0.0.1:{port}/ready"))
                .send()
                .await
                .is_ok_and(|r| r.status() == 200);
            if ready {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "{} on :{port} never became ready (logs in {})",
            self.services[i].role,
            self.logs.path().display()
        );
    }

    fn index(&self, role: &str) -> usize {
        self.services
            .iter()
            .position(|s| s.role == role)
            .expect("role")
    }

    fn pid(&self, role: &str) -> u32 {
        self.services[self.index(role)]
            .child
            .as_ref()
            .and_then(Child::id)
            .expect("running")
    }

    fn bff_url(&self) -> String {
        format!("http://127.0.0.1:{}/graphql", self.services[0].port)
    }

    /// A context's own database (`<base>_<context>`).
    fn database_of(&self, context: &str) -> String {
        format!("{}_{context}", self.database)
    }

    async fn pool(&self, context: &str) -> PgPool {
        PgPool::connect(&self.database_of(context))
            .await
            .expect("connect")
    }

    async fn kill_and_restart(&mut self, role: &str) {
        let i = self.index(role);
        let port = self.services[i].port;
        if let Some(mut child) = self.services[i].child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        self.services[i].child = Some(self.spawn(role, port));
        self.wait_ready(i).await;
    }

    async fn refuse_connections(&self, context: &str, refuse: bool) {
        let admin = PgPool::connect(&self.server).await.expect("admin");
        let name = self
            .database_of(context)
            .rsplit('/')
            .next()
            .expect("name")
            .to_owned();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS {}",
            !refuse
        )))
        .execute(&admin)
        .await
        .expect("alter database");
        if refuse {
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            )
            .bind(&name)
            .execute(&admin)
            .await
            .expect("terminate");
        }
    }
}

fn signal(pid: u32, sig: &str) {
    let status = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success(), "kill {sig} {pid}");
}

fn restart_broker() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pulsar");
    let status = std::process::Command::new("bash")
        .arg(script)
        .arg("restart")
        .status()
        .expect("run scripts/pulsar");
    assert!(status.success(), "scripts/pulsar restart failed");
}

/// A small deterministic generator (the suite is seeded).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// What became of one request of the load.
enum Outcome {
    Accepted,
    /// Refused, or never reached the BFF: nothing was committed.
    Refused,
    /// Sent but unanswered (the BFF died mid-request): committed or not,
    /// the BFF's `comandos` table says.
    InDoubt,
}

/// Creations at `RATE` per second through the BFF until `stop`.
fn steady_load(
    url: String,
    accepted: Accepted,
    stop: tokio_util::sync::CancellationToken,
) -> tokio::task::JoinHandle<(u64, u64, u64)> {
    tokio::spawn(async move {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        let token = common::token(&[Rol::Operador]);
        let mut rng = Lcg(SEED);
        let mut ticker = tokio::time::interval(Duration::from_millis(1000 / RATE));
        let (mut sent, mut refused, mut in_doubt) = (0u64, 0u64, 0u64);
        let mut ticks = 0u64;
        let mut in_flight = tokio::task::JoinSet::new();
        while !stop.is_cancelled() {
            ticker.tick().await;
            // Every BURST_EVERY-th tick sends BURST at once: they share the
            // BFF's group commits, so a kill can land in a group.
            ticks += 1;
            let burst = if ticks % BURST_EVERY == 0 { BURST } else { 1 };
            for _ in 0..burst {
                sent += 1;
                let incomplete = rng.next() % 3 == 0;
                let (tipo, body) = if rng.next() % 2 == 0 {
                    (
                        "Compania",
                        json!({"query": "mutation($i: CrearCompaniaInput!) { crearCompania(input: $i) { idComando idEntidad } }",
                               "variables": {"i": {"nombre": format!("F{sent}"),
                                   "email": if incomplete { String::new() } else { format!("f{sent}@andes.co") },
                                   "identificacion": format!("{sent}")}}}),
                    )
                } else {
                    (
                        "DatosGeograficos",
                        json!({"query": "mutation($i: CrearDatosGeograficosInput!) { crearDatosGeograficos(input: $i) { idComando idEntidad } }",
                               "variables": {"i": {"nombrePropiedad": format!("P{sent}"),
                                   "latitud": if incomplete { "95" } else { "4.6" }, "longitud": "-74.1"}}}),
                    )
                };
                let (http, url, token, accepted) =
                    (http.clone(), url.clone(), token.clone(), accepted.clone());
                in_flight.spawn(async move {
                    let response =
                        match http.post(&url).bearer_auth(&token).json(&body).send().await {
                            Ok(response) => response,
                            // Never reached the BFF.
                            Err(e) if e.is_connect() => return Outcome::Refused,
                            // Sent, no answer (the BFF killed mid-request): it may
                            // have committed the command or not.
                            Err(_) => return Outcome::InDoubt,
                        };
                    let Ok(value) = response.json::<Value>().await else {
                        return Outcome::InDoubt;
                    };
                    let Some(result) = value["data"].as_object().and_then(|d| d.values().next())
                    else {
                        return Outcome::Refused;
                    };
                    let (Some(entity), Some(command)) =
                        (result["idEntidad"].as_str(), result["idComando"].as_str())
                    else {
                        return Outcome::Refused;
                    };
                    accepted
                        .lock()
                        .expect("lock")
                        .insert(entity.to_owned(), (tipo, command.to_owned()));
                    Outcome::Accepted
                });
            }
            while let Some(done) = in_flight.try_join_next() {
                match done.unwrap_or(Outcome::InDoubt) {
                    Outcome::Accepted => {}
                    Outcome::Refused => refused += 1,
                    Outcome::InDoubt => in_doubt += 1,
                }
            }
        }
        while let Some(done) = in_flight.join_next().await {
            match done.unwrap_or(Outcome::InDoubt) {
                Outcome::Accepted => {}
                Outcome::Refused => refused += 1,
                Outcome::InDoubt => in_doubt += 1,
            }
        }
        (sent, refused, in_doubt)
    })
}

/// Seconds until every record accepted so far is final in the BFF's
/// projection (the recovery after a fault).
async fn recovery(bff: &PgPool, accepted: &Accepted, limit: Duration) -> f64 {
    let started = Instant::now();
    let ids: Vec<String> = accepted.lock().expect("lock").keys().cloned().collect();
    loop {
        let finals: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM registros WHERE estado <> 'Pendiente' AND id = ANY($1)",
        )
        .bind(&ids)
        .fetch_one(bff)
        .await
        .unwrap_or(0);
        if finals as usize >= ids.len() {
            return started.elapsed().as_secs_f64();
        }
        if started.elapsed() > limit {
            panic!(
                "only {finals} of {} records final {limit:?} after the fault",
                ids.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Sent outbox rows that retention should have pruned by now.
const OLD_SENT: &str = "SELECT COUNT(*) FROM outbox WHERE sent_at < \
    (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT - 10000";

/// How many of `ids` the BFF's `comandos` table holds.
async fn count_ids(pool: &PgPool, ids: &[String]) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM comandos WHERE id = ANY($1)")
        .bind(ids)
        .fetch_one(pool)
        .await
        .expect("count ids")
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .expect(sql)
}

/// Messages that ever reached `<topic>-DLQ` (0 when it was never created).
async fn dead_lettered(deployment: &Deployment, topic: &str) -> i64 {
    let response = deployment
        .env
        .admin_get(&format!(
            "/admin/v2/persistent/public/{}/{topic}-DLQ/stats",
            deployment.env.namespace
        ))
        .await;
    if response.status() == 404 {
        return 0;
    }
    let stats: Value = response.json().await.expect("stats");
    stats["msgInCounter"].as_i64().unwrap_or(0)
}

#[tokio::test]
async fn faults_lose_nothing_duplicate_nothing_and_dead_letter_nothing() {
    if std::env::var("PROPALPES_FAULT_SUITE").as_deref() != Ok("1") {
        eprintln!("SKIPPED: set PROPALPES_FAULT_SUITE=1 (scripts/test does)");
        return;
    }
    let (Some(env), Some(server)) = (pulsar_env().await, postgres_url()) else {
        return;
    };
    let rounds = if std::env::var("PROPALPES_FAULT_SUITE_LONG").as_deref() == Ok("1") {
        3
    } else {
        1
    };
    let suite_started = Instant::now();
    let mut deployment = Deployment::start(env, server).await;
    let bff = deployment.pool("bff_web").await;
    let accepted: Accepted = Arc::default();
    let stop = tokio_util::sync::CancellationToken::new();
    let load = steady_load(deployment.bff_url(), accepted.clone(), stop.clone());
    let settle = Duration::from_secs(120);
    let mut recoveries: Vec<(String, f64)> = Vec::new();
    tokio::time::sleep(Duration::from_secs(3)).await;

    for round in 1..=rounds {
        for role in ["companias", "geograficos", "auditoria", "bff"] {
            deployment.kill_and_restart(role).await;
            recoveries.push((
                format!("round {round}: kill -9 {role}, restarted"),
                recovery(&bff, &accepted, settle).await,
            ));
        }
        restart_broker();
        recoveries.push((
            format!("round {round}: broker restarted"),
            recovery(&bff, &accepted, settle).await,
        ));
        deployment.refuse_connections("companias", true).await;
        tokio::time::sleep(Duration::from_secs(20)).await;
        deployment.refuse_connections("companias", false).await;
        recoveries.push((
            format!("round {round}: companias database refused connections for 20 s"),
            recovery(&bff, &accepted, settle).await,
        ));
        let auditoria = deployment.pid("auditoria");
        signal(auditoria, "-STOP");
        tokio::time::sleep(Duration::from_secs(10)).await;
        signal(auditoria, "-CONT");
        recoveries.push((
            format!("round {round}: auditoria paused (SIGSTOP) for 10 s"),
            recovery(&bff, &accepted, settle).await,
        ));
    }
    stop.cancel();
    let (sent, refused, in_doubt) = load.await.expect("load");
    let quiet = recovery(&bff, &accepted, settle).await;
    // The relays mark what they published a moment after it is consumed.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let accepted = accepted.lock().expect("lock").clone();
    // Every command the BFF committed, including those whose answer was
    // lost when it was killed: each must have exactly one effect.
    let companias = count(
        &bff,
        "SELECT COUNT(*) FROM comandos WHERE tipo = 'CrearCompania'",
    )
    .await;
    let geograficos = count(
        &bff,
        "SELECT COUNT(*) FROM comandos WHERE tipo = 'CrearDatosGeograficos'",
    )
    .await;
    let committed = companias + geograficos;
    let accepted_ids: Vec<String> = accepted.values().map(|(_, c)| c.clone()).collect();
    let accepted_known = count_ids(&bff, &accepted_ids).await;
    let companias_db = deployment.pool("companias").await;
    let geograficos_db = deployment.pool("geograficos").await;
    let auditoria_db = deployment.pool("auditoria").await;
    let counts: Vec<(&str, i64, i64)> = vec![
        ("accepted commands the BFF has", accepted_known, accepted.len() as i64),
        ("companies stored (one per committed)", count(&companias_db, "SELECT COUNT(*) FROM companias").await, companias),
        ("properties stored (one per committed)", count(&geograficos_db, "SELECT COUNT(*) FROM datos_geograficos").await, geograficos),
        ("records still Pendiente in their context",
            count(&companias_db, "SELECT COUNT(*) FROM companias WHERE estado = 'Pendiente'").await
                + count(&geograficos_db, "SELECT COUNT(*) FROM datos_geograficos WHERE estado = 'Pendiente'").await, 0),
        ("audits", count(&auditoria_db, "SELECT COUNT(*) FROM auditorias").await, committed),
        ("records audited more than once", count(&auditoria_db,
            "SELECT COUNT(*) FROM (SELECT id_entidad FROM auditorias GROUP BY id_entidad HAVING COUNT(*) > 1) d").await, 0),
        ("sagas", count(&auditoria_db, "SELECT COUNT(*) FROM sagas").await, committed),
        ("sagas not completada", count(&auditoria_db, "SELECT COUNT(*) FROM sagas WHERE estado <> 'completada'").await, 0),
        ("projection rows", count(&bff, "SELECT COUNT(*) FROM registros").await, committed),
        ("projection rows not final", count(&bff, "SELECT COUNT(*) FROM registros WHERE estado = 'Pendiente'").await, 0),
        ("BFF commands not PROCESADO", count(&bff, "SELECT COUNT(*) FROM comandos WHERE estado <> 'PROCESADO'").await, 0),
        ("outbox rows unsent", count(&companias_db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").await
            + count(&geograficos_db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").await
            + count(&auditoria_db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").await
            + count(&bff, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").await, 0),
        ("sent outbox rows older than 10 s (OUTBOX_RETENTION=0s prunes them)",
            count(&companias_db, OLD_SENT).await + count(&geograficos_db, OLD_SENT).await
            + count(&auditoria_db, OLD_SENT).await + count(&bff, OLD_SENT).await, 0),
    ];
    let mut dlq = 0;
    for topic in [
        "comandos-companias",
        "comandos-geograficos",
        "eventos-companias",
        "eventos-geograficos",
        "eventos-auditoria",
    ] {
        dlq += dead_lettered(&deployment, topic).await;
    }

    println!(
        "fault suite (seed {SEED}, {RATE}/s, {rounds} round(s)): {sent} creations sent, {} accepted, {refused} refused while the BFF was down, {in_doubt} unanswered ({} of them committed)",
        accepted.len(),
        committed - accepted.len() as i64
    );
    for (fault, seconds) in &recoveries {
        println!("fault suite: {fault}: every accepted record final {seconds:.1} s later");
    }
    println!("fault suite: quiet {quiet:.1} s after the load stopped");
    for (what, got, want) in &counts {
        println!("fault suite: {what}: {got} (expected {want})");
    }
    println!("fault suite: dead letters on every DLQ: {dlq} (expected 0)");
    println!(
        "fault suite: took {:.0} s",
        suite_started.elapsed().as_secs_f64()
    );
    for (what, got, want) in &counts {
        assert_eq!(got, want, "{what}");
    }
    assert_eq!(dlq, 0, "nothing dead-lettered");
    let unanswered_committed = committed - accepted.len() as i64;
    assert!(
        (0..=in_doubt as i64).contains(&unanswered_committed),
        "{unanswered_committed} commands committed without an accepted answer, {in_doubt} requests unanswered"
    );
    assert!(accepted.len() as u64 > sent / 2, "the load ran");
}
