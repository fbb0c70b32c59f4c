//! `propalpes bench flow`: the whole audit flow as users run it. N records
//! are created through the BFF (a third incomplete, so both verdicts
//! happen) and timed until each is final in the BFF's projection; the
//! raw commit rate of the databases, measured in the same run, is printed
//! beside it. `--mode embedded` runs `propalpes all` (SQLite, in-process
//! bus); `--mode distributed` one process per service on Postgres and
//! Apache Pulsar, and with `--instances K` also K companias and K auditoria
//! processes on the same subscriptions.

use std::collections::HashMap;
use std::time::Duration;

use sqlx::any::{AnyPoolOptions, install_default_drivers};

use super::baseline::{self, Baseline};
use super::deployment::{Deployment, Infrastructure, Topology};
use super::load::{Sent, drive, wait_final};
use super::percentile;
use super::producer::Producer;
use super::stats::{cpu_seconds, cpu_seconds_of, machine_ticks, status_kib};
use crate::seedwork::infrastructure::InfraError;
use crate::settings::Settings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FlowMode {
    Embedded,
    Distributed,
}

/// Where the creations enter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Entrada {
    /// The BFF's GraphQL mutations, from 64 concurrent clients.
    Graphql,
    /// An outside producer's `Crear…` records on the command topics
    /// (distributed only: the embedded bus is inside its process).
    Comandos,
}

#[derive(Debug, Clone)]
pub struct FlowOptions {
    pub mode: FlowMode,
    pub entrada: Entrada,
    pub entities: usize,
    /// Creations per second (paced); a burst without it.
    pub rate: Option<u32>,
    /// companias and auditoria processes of the scaled-out run (distributed).
    pub instances: usize,
    /// Creations before the measured ones (topics, caches, JIT of the broker).
    pub warmup: usize,
    /// How long to watch the processes idle after the run.
    pub idle_secs: u64,
    /// Entities of history in the databases before the run; a deployment
    /// per value.
    pub history: Vec<i64>,
}

/// What one deployment did.
struct FlowResult {
    label: String,
    entities: usize,
    seconds: f64,
    latencies: Vec<i64>,
    commits: f64,
    cpu: f64,
    /// Share of the whole machine busy during the run (every process:
    /// ours, the broker, the database, the load generator).
    machine_busy: f64,
    /// CPU seconds of the others in the run: PostgreSQL, the JVM (the
    /// broker), the load generator (this process).
    others: [(&'static str, f64); 3],
    peak_rss_kib: u64,
    idle: Vec<(String, f64, u64)>,
    /// Where the time went, per process (means from its histograms).
    stages: Vec<String>,
    /// CPU seconds of each PropAlpes process during the run.
    per_process: Vec<(String, f64)>,
    /// What the services ran on PostgreSQL (distributed).
    statements: Option<super::statements::Statements>,
    /// Statements the processes counted themselves (embedded, SQLite).
    counted_statements: f64,
}

impl FlowResult {
    fn rate(&self) -> f64 {
        self.entities as f64 / self.seconds.max(1e-9)
    }

    fn print(&self, reference: Option<(f64, &str)>) {
        let l = &self.latencies;
        println!("{}:", self.label);
        print!(
            "  {} entities in {:.2} s: {:.0} entities/s",
            self.entities,
            self.seconds,
            self.rate()
        );
        match reference {
            Some((raw, what)) => println!(" = {:.1} % of {what}", 100.0 * self.rate() / raw),
            None => println!(),
        }
        println!(
            "  create -> final in the BFF projection: p50 {} ms, p95 {} ms, p99 {} ms, max {} ms",
            percentile(l, 50.0),
            percentile(l, 95.0),
            percentile(l, 99.0),
            l.last().copied().unwrap_or(0)
        );
        println!(
            "  {:.2} commits per entity; {:.2} CPU s per 1,000 entities; peak RSS {} MB (PropAlpes processes); \
             machine {:.0} % busy",
            self.commits / self.entities as f64,
            self.cpu * 1000.0 / self.entities as f64,
            self.peak_rss_kib / 1024,
            self.machine_busy * 100.0
        );
        self.print_cpu();
        self.print_statements();
        for stage in &self.stages {
            println!("  {stage}");
        }
        for (role, cpu, rss) in &self.idle {
            println!("  idle {role}: {cpu:.2} % of a core, RSS {} MB", rss / 1024);
        }
    }

    /// Where an entity's CPU went: each process, PostgreSQL, the broker.
    fn print_cpu(&self) {
        let others: Vec<String> = self
            .others
            .iter()
            .map(|(what, cpu)| format!("{what} {:.2}", cpu * 1000.0 / self.entities as f64))
            .collect();
        println!(
            "  CPU s per 1,000 entities elsewhere: {}",
            others.join(", ")
        );
        let per_entity = |cpu: f64| cpu * 1000.0 / self.entities as f64;
        let processes: Vec<String> = self
            .per_process
            .iter()
            .map(|(role, cpu)| format!("{role} {:.2}", per_entity(*cpu)))
            .collect();
        let everything = self.cpu + self.others[0].1 + self.others[1].1;
        println!(
            "  CPU ms per entity: {} (PropAlpes {:.2}, PostgreSQL {:.2}, the broker {:.2}; all {:.2})",
            processes.join(", "),
            per_entity(self.cpu),
            per_entity(self.others[0].1),
            per_entity(self.others[1].1),
            per_entity(everything)
        );
    }

    /// Statements per entity, and the costliest ones.
    fn print_statements(&self) {
        match &self.statements {
            Some(statements) => {
                let by: Vec<String> = statements
                    .by_database
                    .iter()
                    .map(|(db, n)| format!("{db} {:.1}", *n as f64 / self.entities as f64))
                    .collect();
                println!(
                    "  statements per entity (pg_stat_statements, BEGIN/COMMIT included): {:.1} = {}",
                    statements.total() as f64 / self.entities as f64,
                    by.join(", ")
                );
                for (calls, text) in &statements.top {
                    println!(
                        "    {:>6.2} per entity  {text}",
                        *calls as f64 / self.entities as f64
                    );
                }
                println!(
                    "  the statements that took the server longest (execution time per entity):"
                );
                for (ms, text) in &statements.slowest {
                    println!("    {:>6.3} ms  {text}", ms / self.entities as f64);
                }
            }
            None => println!(
                "  statements per entity (counted by the process, BEGIN/COMMIT apart: see commits): {:.1}",
                self.counted_statements / self.entities as f64
            ),
        }
    }
}

pub(crate) fn infrastructure(args: &Settings) -> Result<Infrastructure, InfraError> {
    let missing = |what: &str| InfraError::Bus(format!("--mode distributed needs {what}"));
    let pulsar_url = args
        .pulsar
        .url
        .clone()
        .ok_or_else(|| missing("PULSAR_URL"))?;
    Ok(Infrastructure {
        database_server: args
            .database
            .url
            .clone()
            .filter(|u| u.starts_with("postgres"))
            .ok_or_else(|| missing("DATABASE_URL (postgres://…)"))?,
        pulsar_admin_url: args.pulsar_admin_url(),
        pulsar_url,
    })
}

/// The deployments a run measures: embedded, or one instance each and,
/// with `--instances K`, K companias and K auditoria.
fn topologies(args: &Settings, options: &FlowOptions) -> Result<Vec<Topology>, InfraError> {
    if options.entrada == Entrada::Comandos && options.mode == FlowMode::Embedded {
        return Err(InfraError::Bus(
            "--entrada comandos needs --mode distributed: the embedded bus is inside its process"
                .into(),
        ));
    }
    if options.mode == FlowMode::Embedded {
        return Ok(vec![Topology::Embedded]);
    }
    let infra = infrastructure(args)?;
    let mut runs = vec![Topology::Distributed {
        infra: infra.clone(),
        instances: 1,
    }];
    if options.instances > 1 {
        runs.push(Topology::Distributed {
            infra,
            instances: options.instances,
        });
    }
    Ok(runs)
}

pub async fn flow(args: &Settings, options: FlowOptions) -> Result<(), InfraError> {
    let topologies = topologies(args, &options)?;
    let postgres = match options.mode {
        FlowMode::Distributed => args.database.url.as_deref(),
        FlowMode::Embedded => None,
    };
    let raw = baseline::measure(postgres).await?;
    raw.print();
    if options.mode == FlowMode::Distributed {
        println!(
            "  (the services use the same PostgreSQL; Pulsar as configured at PULSAR_URL — the test broker \
             of scripts/pulsar writes its journal without fsync unless started by scripts/bench)"
        );
    }
    let mut results = Vec::new();
    let history = match options.history.as_slice() {
        [] => vec![0],
        values => values.to_vec(),
    };
    for topology in &topologies {
        let mut by_history = Vec::new();
        for &entities in &history {
            let result = run(topology, &options, entities).await?;
            result.print(reference(&raw, topology));
            by_history.push((entities, result.rate(), percentile(&result.latencies, 99.0)));
            if entities == history[0] {
                results.push(result);
            }
        }
        print_history(&by_history);
    }
    if let [one, scaled] = results.as_slice() {
        println!(
            "scale-out: {} instances = {:.2} x one instance",
            options.instances,
            scaled.rate() / one.rate().max(1e-9)
        );
    }
    Ok(())
}

/// Rate and p99 by the history the databases held, against the first.
fn print_history(runs: &[(i64, f64, i64)]) {
    let [(first, base, _), ..] = runs else {
        return;
    };
    if runs.len() < 2 {
        return;
    }
    println!("cost of history (same sitting):");
    for (entities, rate, p99) in runs {
        println!(
            "  {entities:>11} entities of history: {rate:.0} entities/s ({:.0} % of the rate at {first}), p99 {p99} ms",
            100.0 * rate / base.max(1e-9)
        );
    }
}

fn others_cpu() -> [(&'static str, f64); 3] {
    [
        ("PostgreSQL", cpu_seconds_of("postgres")),
        ("JVM (Pulsar)", cpu_seconds_of("java")),
        ("load generator", cpu_seconds(std::process::id())),
    ]
}

/// What a run's throughput is compared with.
fn reference<'a>(raw: &'a Baseline, topology: &Topology) -> Option<(f64, &'a str)> {
    match topology {
        Topology::Embedded => raw.sqlite.map(|r| (r, "raw SQLite (1 connection)")),
        Topology::Distributed { .. } => raw
            .postgres_at(8)
            .map(|r| (r, "raw PostgreSQL (8 connections)")),
    }
}

fn label(topology: &Topology, options: &FlowOptions, history: i64) -> String {
    let mut pace = options
        .rate
        .map_or_else(|| "burst".to_owned(), |r| format!("paced at {r}/s"));
    if history > 0 {
        pace.push_str(&format!(", {history} entities of history"));
    }
    if options.entrada == Entrada::Comandos {
        pace.push_str(", an outside producer on the command topics");
    }
    match topology {
        Topology::Embedded => format!("embedded (propalpes all, SQLite), {pace}"),
        Topology::Distributed { instances, .. } => format!(
            "distributed (one process per service, Postgres + Pulsar), {instances} companias + {instances} auditoria, {pace}"
        ),
    }
}

async fn run(
    topology: &Topology,
    options: &FlowOptions,
    history: i64,
) -> Result<FlowResult, InfraError> {
    let deployment = Deployment::start(topology).await?;
    let embedded = matches!(topology, Topology::Embedded);
    for context in super::history::Contexto::TODOS {
        let url = deployment.database_url(context.nombre());
        if let Err(error) = super::history::prefill(&url, context, embedded, history).await {
            deployment.stop().await;
            return Err(error);
        }
    }
    let outcome = measure(&deployment, topology, options, history).await;
    deployment.stop().await;
    outcome
}

/// A measured load: when each creation was sent and became final, and
/// the processes' counters before it.
struct Carga {
    sent: Sent,
    finals: HashMap<String, i64>,
    pids: Vec<u32>,
    statements: Option<super::statements::ServerStatements>,
    before: Lectura,
}

/// Who sends the creations: GraphQL clients of the BFF, or an outside
/// producer on the command topics.
enum Cargador<'a> {
    Graphql(&'a str),
    Comandos(Producer),
}

impl<'a> Cargador<'a> {
    async fn abrir(deployment: &'a Deployment, entrada: Entrada) -> Result<Self, InfraError> {
        match entrada {
            Entrada::Graphql => Ok(Self::Graphql(&deployment.bff_url)),
            Entrada::Comandos => {
                let config = deployment.pulsar().ok_or_else(|| {
                    InfraError::Bus("--entrada comandos needs --mode distributed".into())
                })?;
                Ok(Self::Comandos(Producer::connect(config).await?))
            }
        }
    }

    async fn enviar(&self, first: usize, n: usize, rate: Option<u32>) -> Result<Sent, InfraError> {
        match self {
            Self::Graphql(bff_url) => drive(bff_url, first, n, rate).await,
            Self::Comandos(producer) => producer.drive(first, n, rate).await,
        }
    }

    /// The warm-up, then the measured creations until each is final, with
    /// what the deployment had consumed before them.
    async fn cargar(
        &self,
        deployment: &Deployment,
        projection: &sqlx::AnyPool,
        options: &FlowOptions,
        timeout: Duration,
    ) -> Result<Carga, InfraError> {
        if options.warmup > 0 {
            let warm = self.enviar(0, options.warmup, None).await?;
            wait_final(projection, &warm, timeout).await?;
        }
        let pids = deployment.pids();
        let statements = server_statements(deployment).await;
        let before = Lectura::tomar(deployment, &pids).await;
        let sent = self
            .enviar(options.warmup, options.entities, options.rate)
            .await?;
        let finals = wait_final(projection, &sent, timeout).await?;
        Ok(Carga {
            sent,
            finals,
            pids,
            statements,
            before,
        })
    }

    async fn cerrar(self) {
        if let Self::Comandos(producer) = self {
            producer.close().await;
        }
    }
}

async fn measure(
    deployment: &Deployment,
    topology: &Topology,
    options: &FlowOptions,
    history: i64,
) -> Result<FlowResult, InfraError> {
    install_default_drivers();
    let projection = AnyPoolOptions::new()
        .max_connections(2)
        .connect(&deployment.projection_url)
        .await?;
    let timeout = Duration::from_secs(120 + options.entities as u64 / 20);
    let entrada = Cargador::abrir(deployment, options.entrada).await?;
    // Closed whatever the load came to: a producer's connection is not
    // left behind on an error.
    let carga = entrada
        .cargar(deployment, &projection, options, timeout)
        .await;
    entrada.cerrar().await;
    let Carga {
        sent,
        finals,
        pids,
        statements,
        before,
    } = carga?;
    let run = Lectura::tomar(deployment, &pids).await.menos(&before);
    let per_process = deployment
        .services
        .iter()
        .zip(run.cpu_each)
        .map(|(s, cpu)| (s.role.to_owned(), cpu))
        .collect();
    let statements = match statements {
        Some(server) => server.finish().await,
        None => None,
    };
    let (seconds, latencies) = latencias(&sent, &finals);
    let peak_rss_kib = pids.iter().map(|p| status_kib(*p, "VmHWM")).sum();
    let stages = stages(&deployment.metrics().await);
    let idle = idle(deployment, options.idle_secs).await;
    Ok(FlowResult {
        label: label(topology, options, history),
        entities: sent.len(),
        seconds,
        latencies,
        commits: run.commits,
        cpu: run.cpu,
        machine_busy: run.machine_busy,
        others: run.others,
        peak_rss_kib,
        idle,
        stages,
        per_process,
        statements,
        counted_statements: run.counted,
    })
}

/// pg_stat_statements of the deployment's PostgreSQL, from now on (none
/// on SQLite).
async fn server_statements(deployment: &Deployment) -> Option<super::statements::ServerStatements> {
    let (server, prefix) = deployment.postgres()?;
    super::statements::ServerStatements::start(&server, &prefix).await
}

/// The run's length (first creation sent → last entity final) and each
/// entity's create → final latency, sorted.
fn latencias<K: std::hash::Hash + Eq>(
    sent: &HashMap<K, i64>,
    finals: &HashMap<K, i64>,
) -> (f64, Vec<i64>) {
    let first_sent = sent.values().min().copied().unwrap_or(0);
    let last_final = finals.values().max().copied().unwrap_or(first_sent);
    let mut latencies: Vec<i64> = finals
        .iter()
        .filter_map(|(id, at)| sent.get(id).map(|sent_at| (at - sent_at).max(0)))
        .collect();
    latencies.sort_unstable();
    ((last_final - first_sent) as f64 / 1000.0, latencies)
}

/// The counters a run is measured by, read before and after it.
struct Lectura {
    cpu_each: Vec<f64>,
    commits: f64,
    counted: f64,
    machine: (u64, u64),
    others: [(&'static str, f64); 3],
}

/// What the run added to each counter.
struct Consumo {
    /// CPU seconds of each PropAlpes process, in `pids`' order.
    cpu_each: Vec<f64>,
    cpu: f64,
    commits: f64,
    counted: f64,
    machine_busy: f64,
    others: [(&'static str, f64); 3],
}

impl Lectura {
    async fn tomar(deployment: &Deployment, pids: &[u32]) -> Self {
        Self {
            cpu_each: pids.iter().map(|p| cpu_seconds(*p)).collect(),
            commits: deployment.commits().await,
            counted: deployment.statements_counted().await,
            machine: machine_ticks(),
            others: others_cpu(),
        }
    }

    fn menos(&self, before: &Self) -> Consumo {
        let cpu_each: Vec<f64> = self
            .cpu_each
            .iter()
            .zip(&before.cpu_each)
            .map(|(a, b)| a - b)
            .collect();
        Consumo {
            cpu: cpu_each.iter().sum(),
            cpu_each,
            commits: self.commits - before.commits,
            counted: self.counted - before.counted,
            machine_busy: (self.machine.0 - before.machine.0) as f64
                / (self.machine.1 - before.machine.1).max(1) as f64,
            others: [0, 1, 2].map(|i| (self.others[i].0, self.others[i].1 - before.others[i].1)),
        }
    }
}
/// The histograms that say where an entity's time goes, as means per
/// process and label set: consume lag (publish → handled), consumer batch
/// size and time, relay batch size and publish time. They include the
/// warm-up.
fn stages(metrics: &[(String, String)]) -> Vec<String> {
    const STAGES: [(&str, &str, f64); 5] = [
        ("propalpes_consume_lag_seconds", "consume lag", 1000.0),
        (
            "propalpes_consumer_batch_messages",
            "messages per consumer batch",
            1.0,
        ),
        ("propalpes_consumer_batch_seconds", "consumer batch", 1000.0),
        (
            "propalpes_relay_batch_messages",
            "messages per relay batch",
            1.0,
        ),
        ("propalpes_relay_publish_seconds", "relay publish", 1000.0),
    ];
    let mut lines = Vec::new();
    for (process, text) in metrics {
        for (metric, what, scale) in STAGES {
            let mut sums: std::collections::BTreeMap<String, (f64, f64)> = Default::default();
            for line in text.lines() {
                let Some(rest) = line.strip_prefix(metric) else {
                    continue;
                };
                let (kind, rest) = if let Some(r) = rest.strip_prefix("_sum") {
                    (0, r)
                } else if let Some(r) = rest.strip_prefix("_count") {
                    (1, r)
                } else {
                    continue;
                };
                let Some((labels, value)) = rest.rsplit_once(' ') else {
                    continue;
                };
                let value: f64 = value.parse().unwrap_or(0.0);
                let entry = sums.entry(labels.to_owned()).or_default();
                if kind == 0 {
                    entry.0 += value;
                } else {
                    entry.1 += value;
                }
            }
            for (labels, (sum, count)) in sums {
                if count > 0.0 {
                    let unit = if scale > 1.0 { " ms" } else { "" };
                    lines.push(format!(
                        "{process} {what} {labels}: mean {:.1}{unit} over {count}",
                        sum / count * scale
                    ));
                }
            }
        }
    }
    lines
}

/// CPU (% of a core) and RSS of each process, watched while nothing
/// happens, after a moment to settle.
async fn idle(deployment: &Deployment, secs: u64) -> Vec<(String, f64, u64)> {
    if secs == 0 {
        return Vec::new();
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let before: Vec<f64> = deployment
        .services
        .iter()
        .map(|s| cpu_seconds(s.pid()))
        .collect();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    deployment
        .services
        .iter()
        .zip(before)
        .map(|(s, cpu)| {
            let used = cpu_seconds(s.pid()) - cpu;
            (
                format!("{} :{}", s.role, s.port),
                100.0 * used / secs as f64,
                status_kib(s.pid(), "VmRSS"),
            )
        })
        .collect()
}
