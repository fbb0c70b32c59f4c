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
    /// Re-publishes dead letters to their original topic (all, or one by id).
    Replay {
        #[arg(long)]
        topic: String,
        /// Envelope id of the one message to replay.
        #[arg(long)]
        id: Option<String>,
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

    pub fn base_database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/propalpes.db", self.data_dir.display()))
    }
}
