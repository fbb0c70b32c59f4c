//! Command line and environment configuration (clap).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "propalpes",
    version,
    about = "PropAlpes: registers real-estate companies and properties, audits them for missing data",
    long_about = "PropAlpes runs its bounded contexts (companias, ...) as CQRS services that talk \
through Avro messages. Without a subcommand it runs `all` on the embedded default: SQLite files \
under ./data and an in-process bus, nothing else to install."
)]
pub struct Cli {
    #[command(flatten)]
    pub runtime: RuntimeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand, Clone, PartialEq, Eq)]
pub enum Command {
    /// Every context and its HTTP API in one process (the default).
    All,
    /// Only the companias context: its HTTP API, command consumer and outbox relay.
    Companias,
    /// Only the geograficos context: its HTTP API, command consumer and outbox relay.
    Geograficos,
    /// Only the propiedades context: its HTTP API, command consumer and outbox relay.
    Propiedades,
    /// Only the auditoria context: event consumers, audit saga, its HTTP API.
    Auditoria,
    /// Only bff_web: GraphQL, projections, the web UI.
    Bff,
    /// Mints a JWT for local use, signed with JWT_SECRET.
    Token {
        /// operador (may create) or auditor (may approve/reject); repeatable.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long, default_value = "local-user")]
        subject: String,
        /// Lifetime in seconds.
        #[arg(long, default_value_t = 8 * 3600)]
        ttl_secs: i64,
    },
    /// Benchmarks that print their numbers.
    Bench {
        #[command(subcommand)]
        target: BenchTarget,
    },
    /// Message contracts: `schemas check` validates every schema version.
    Schemas {
        #[command(subcommand)]
        action: SchemasAction,
    },
    /// The BFF's read models: `projections rebuild` drops and replays them.
    Projections {
        #[command(subcommand)]
        action: ProjectionsAction,
    },
    /// Inspect and replay dead-lettered messages.
    Dlq {
        #[command(subcommand)]
        action: DlqAction,
    },
}

#[derive(Debug, Subcommand, Clone, PartialEq, Eq)]
pub enum ProjectionsAction {
    /// Drops the BFF's projections and replays every event topic from the
    /// earliest message (needs PULSAR_URL). Stop the BFF first.
    Rebuild,
}

#[derive(Debug, Subcommand, Clone, PartialEq, Eq)]
pub enum SchemasAction {
    /// Validates every schemas/<topic>/vN.avsc and checks vN against vN-1
    /// under FULL compatibility; exits non-zero on a breaking change.
    Check {
        /// The schema directory.
        #[arg(long, default_value = "schemas")]
        dir: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand, Clone, PartialEq, Eq)]
pub enum BenchTarget {
    /// The whole audit flow, created through the BFF until every record is
    /// final in its projection: entities/s, create→final percentiles,
    /// commits per entity, CPU and memory, beside the raw commit rate of the
    /// databases measured in the same run.
    Flow {
        /// `embedded` (propalpes all on SQLite) or `distributed` (one process
        /// per service on DATABASE_URL's Postgres and PULSAR_URL).
        #[arg(long, value_enum, default_value = "embedded")]
        mode: crate::bench::FlowMode,
        #[arg(long, default_value_t = 3000)]
        entities: usize,
        /// Creations per second (latency below saturation); a burst from 64
        /// concurrent clients without it (throughput).
        #[arg(long)]
        rate: Option<u32>,
        /// Distributed: also run K companias and K auditoria processes on
        /// the same subscriptions, and print the ratio to one instance.
        #[arg(long, default_value_t = 1)]
        instances: usize,
        /// Creations before the measured ones.
        #[arg(long, default_value_t = 300)]
        warmup: usize,
        /// Seconds to watch the processes idle after the run (0: skip).
        #[arg(long, default_value_t = 10)]
        idle_secs: u64,
    },
    /// Raw commit rates of an aggregate row + an outbox row per transaction:
    /// SQLite (as the embedded default), and Postgres at 1/8/32 connections
    /// on DATABASE_URL's server when it is a postgres:// URL.
    Baseline,
    /// Messages/s and commit→consume latency through the outbox relay on
    /// Pulsar (PULSAR_URL), beside the raw rate of the pulsar crate producer.
    Transport {
        #[arg(long, default_value_t = 5000)]
        messages: usize,
        /// Commits per second of the paced run, which measures latency below
        /// saturation (the drain run measures throughput).
        #[arg(long, default_value_t = 500)]
        rate: u32,
    },
}

#[derive(Debug, Subcommand, Clone, PartialEq, Eq)]
pub enum DlqAction {
    /// Lists the dead letters of a topic: id, type, error, attempts.
    List {
        /// The original topic, e.g. comandos-companias.
        #[arg(long)]
        topic: String,
    },
    /// Re-publishes the dead letters present now to their original topic
    /// (all, or one by id), follows them, prints how many were applied,
    /// failed again or are still waiting, and exits.
    Replay {
        #[arg(long)]
        topic: String,
        /// Envelope id of the one message to replay.
        #[arg(long)]
        id: Option<String>,
        /// List what would be replayed and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// How long to follow the replayed letters before reporting.
        #[arg(long, default_value_t = 30)]
        wait_secs: u64,
    },
}

#[derive(Debug, Args, Clone)]
pub struct RuntimeArgs {
    /// Address the HTTP API listens on (port 0 picks a free port).
    #[arg(
        long,
        env = "HTTP_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub http_addr: SocketAddr,

    /// Base database URL; each context gets its own database derived from it
    /// (`.../propalpes` → `.../propalpes_companias`). `sqlite://` or `postgres://`.
    /// Defaults to SQLite files under --data-dir.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Directory of the embedded SQLite files (created if missing).
    #[arg(long, env = "DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Deliveries of a failing message before it goes to the dead-letter store.
    #[arg(long, env = "MAX_REDELIVERIES", default_value_t = 5, global = true)]
    pub max_redeliveries: u32,

    /// Apache Pulsar service URL (pulsar://host:6650). Without it the
    /// in-process embedded bus is used.
    #[arg(long, env = "PULSAR_URL", global = true)]
    pub pulsar_url: Option<String>,

    /// Pulsar tenant of the topics.
    #[arg(long, env = "PULSAR_TENANT", default_value = "public", global = true)]
    pub pulsar_tenant: String,

    /// Pulsar namespace of the topics.
    #[arg(
        long,
        env = "PULSAR_NAMESPACE",
        default_value = "default",
        global = true
    )]
    pub pulsar_namespace: String,

    /// How long the audit saga waits for the source context's reply before
    /// re-sending its command (doubling each time), in milliseconds.
    #[arg(long, env = "SAGA_TIMEOUT_MS", default_value_t = 30_000, global = true)]
    pub saga_timeout_ms: u64,

    /// Attempts of a saga's command before the saga is marked failed.
    #[arg(long, env = "SAGA_MAX_ATTEMPTS", default_value_t = 5, global = true)]
    pub saga_max_attempts: u32,

    /// HS256 secret that signs and verifies the BFF's JWTs.
    #[arg(long, env = "JWT_SECRET", default_value = DEV_JWT_SECRET, hide_default_value = true, global = true)]
    pub jwt_secret: String,

    /// Optional RS256 public key (PEM file) also accepted for JWTs.
    #[arg(long, env = "JWT_PUBLIC_KEY_FILE", global = true)]
    pub jwt_public_key_file: Option<PathBuf>,

    /// Lets requests without a token do everything (local use only). On by
    /// default on the embedded bus, off with PULSAR_URL.
    #[arg(long, env = "BFF_ANONYMOUS", global = true)]
    pub anonymous: Option<bool>,

    /// The Pulsar admin REST API (namespaces, subscription positions).
    /// Defaults to port 8080 on PULSAR_URL's host.
    #[arg(long, env = "PULSAR_ADMIN_URL", global = true)]
    pub pulsar_admin_url: Option<String>,

    /// Lanes per subscription: messages of different keys are applied in
    /// parallel, one key's in order.
    #[arg(long, env = "CONSUMER_LANES", default_value_t = 4, global = true)]
    pub consumer_lanes: usize,

    /// Most messages a lane applies in one transaction.
    #[arg(long, env = "CONSUMER_BATCH", default_value_t = 256, global = true)]
    pub consumer_batch: usize,

    /// Seconds a stopping process (SIGTERM) waits for in-flight work before
    /// it exits anyway; what was not flushed stays in the outbox.
    #[arg(long, env = "SHUTDOWN_TIMEOUT", default_value_t = 10, global = true)]
    pub shutdown_timeout: u64,

    /// Whether the services' own HTTP reads (GET) are open without a token
    /// inside the deployment; writes always need one unless anonymous access
    /// is on.
    #[arg(long, env = "SERVICE_READS_OPEN", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub service_reads_open: bool,

    /// The review table: findings the rules leave to a person (the record
    /// waits EnRevision for an auditor) when they are its only findings.
    /// Comma-separated problems or `campo:problema`; empty: none.
    #[arg(
        long,
        env = "AUDITORIA_REVISION",
        default_value = "formato_invalido",
        global = true
    )]
    pub auditoria_revision: String,

    /// Services in other processes the BFF's operations view watches:
    /// `companias=http://companias:8080,auditoria=http://auditoria:8080`
    /// (their /ready and /metrics). The contexts of this process are always
    /// watched.
    #[arg(long, env = "BFF_SERVICIOS", global = true)]
    pub bff_servicios: Option<String>,

    /// Other sites whose pages may call the BFF from a browser (CORS and
    /// the WebSocket's Origin), comma-separated: `https://admin.example.com`.
    /// None by default: only the BFF's own page.
    #[arg(long, env = "BFF_ALLOWED_ORIGINS", global = true)]
    pub bff_allowed_origins: Option<String>,

    /// `text` or `json` logs; filter them with RUST_LOG.
    #[arg(long, env = "LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: String,
}

/// The secret used when JWT_SECRET is not set: fine on a laptop, logged as
/// a warning, never for a shared deployment.
pub const DEV_JWT_SECRET: &str = "propalpes-local-development-secret";

impl RuntimeArgs {
    pub fn anonymous_allowed(&self) -> bool {
        self.anonymous.unwrap_or(self.pulsar_url.is_none())
    }

    pub fn pulsar_admin_url(&self) -> String {
        if let Some(url) = &self.pulsar_admin_url {
            return url.trim_end_matches('/').to_owned();
        }
        let host = self
            .pulsar_url
            .as_deref()
            .and_then(|u| u.split("://").nth(1))
            .and_then(|rest| rest.split(':').next())
            .unwrap_or("127.0.0.1");
        format!("http://{host}:8080")
    }

    pub fn consumer_settings(&self) -> crate::seedwork::infrastructure::ConsumerSettings {
        crate::seedwork::infrastructure::ConsumerSettings {
            lanes: self.consumer_lanes.max(1),
            max_batch: self.consumer_batch.max(1),
        }
    }

    pub fn base_database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/propalpes.db", self.data_dir.display()))
    }
}
