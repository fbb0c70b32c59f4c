//! The command line (clap): subcommands, and the flags that override the
//! settings (`crate::settings`: defaults < settings file < environment <
//! flags).

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
    pub flags: Flags,
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
    /// Prints the effective settings, each with its source (defaults, the
    /// settings file, the environment, flags), secrets redacted.
    Config {
        /// Print the README's table of every setting instead.
        #[arg(long)]
        table: bool,
    },
    /// Prints the AsyncAPI 3.0 document of every topic (generated from the
    /// contracts and schemas/; asyncapi.yaml is its committed copy).
    Asyncapi,
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
        /// Where the creations enter: `graphql` (the BFF's mutations) or
        /// `comandos` (an outside producer on the command topics;
        /// distributed only).
        #[arg(long, value_enum, default_value = "graphql")]
        entrada: crate::bench::Entrada,
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
        /// Entities of history each database holds before the run, e.g.
        /// `0,1000000,10000000`: one deployment per value, in one sitting.
        #[arg(long, value_delimiter = ',', default_value = "0")]
        history: Vec<i64>,
    },
    /// A steady paced load for M minutes; each minute the RSS of each
    /// process, rows and bytes of the retained tables, the outbox backlog
    /// and the p99 of create → final.
    Soak {
        #[arg(long, value_enum, default_value = "distributed")]
        mode: crate::bench::FlowMode,
        #[arg(long, default_value_t = 30)]
        minutes: u64,
        /// Creations per second.
        #[arg(long, default_value_t = 50)]
        rate: u32,
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

/// Flags that override any other layer of the settings; each names its
/// setting (`propalpes config --table`).
#[derive(Debug, Args, Clone, Default)]
pub struct Flags {
    /// The settings file (default: ./propalpes.toml when it exists).
    #[arg(long, env = "PROPALPES_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// http.addr
    #[arg(long, global = true)]
    pub http_addr: Option<SocketAddr>,
    /// database.url
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// database.data_dir
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// delivery.max_redeliveries
    #[arg(long, global = true)]
    pub max_redeliveries: Option<u32>,
    /// pulsar.url
    #[arg(long, global = true)]
    pub pulsar_url: Option<String>,
    /// pulsar.tenant
    #[arg(long, global = true)]
    pub pulsar_tenant: Option<String>,
    /// pulsar.namespace
    #[arg(long, global = true)]
    pub pulsar_namespace: Option<String>,
    /// saga.timeout_ms
    #[arg(long, global = true)]
    pub saga_timeout_ms: Option<u64>,
    /// saga.max_attempts
    #[arg(long, global = true)]
    pub saga_max_attempts: Option<u32>,
    /// auth.jwt_secret
    #[arg(long, global = true)]
    pub jwt_secret: Option<String>,
    /// auth.jwt_public_key_file
    #[arg(long, global = true)]
    pub jwt_public_key_file: Option<PathBuf>,
    /// auth.anonymous
    #[arg(long, global = true)]
    pub anonymous: Option<bool>,
    /// pulsar.admin_url
    #[arg(long, global = true)]
    pub pulsar_admin_url: Option<String>,
    /// delivery.consumer_lanes
    #[arg(long, global = true)]
    pub consumer_lanes: Option<usize>,
    /// delivery.consumer_batch
    #[arg(long, global = true)]
    pub consumer_batch: Option<usize>,
    /// shutdown.timeout_secs
    #[arg(long, global = true)]
    pub shutdown_timeout: Option<u64>,
    /// auth.service_reads_open
    #[arg(long, global = true)]
    pub service_reads_open: Option<bool>,
    /// auditoria.revision
    #[arg(long, global = true)]
    pub auditoria_revision: Option<String>,
    /// bff.servicios
    #[arg(long, global = true)]
    pub bff_servicios: Option<String>,
    /// bff.allowed_origins
    #[arg(long, global = true)]
    pub bff_allowed_origins: Option<String>,
    /// bff.grafana_url
    #[arg(long, global = true)]
    pub bff_grafana_url: Option<String>,
    /// log.format
    #[arg(long, global = true)]
    pub log_format: Option<String>,
    /// retention.outbox
    #[arg(long, global = true)]
    pub outbox_retention: Option<String>,
    /// retention.inbox
    #[arg(long, global = true)]
    pub inbox_retention: Option<String>,
    /// retention.dead_letters
    #[arg(long, global = true)]
    pub dead_letter_retention: Option<String>,
    /// retention.interval
    #[arg(long, global = true)]
    pub retention_interval: Option<String>,
}

impl Flags {
    /// The flags given, as the settings they override (nested, given only).
    pub fn overrides(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        let mut put = |clave: &str, valor: serde_json::Value| {
            if valor.is_null() {
                return;
            }
            let (grupo, nombre) = clave.split_once('.').unwrap_or(("", clave));
            out.entry(grupo.to_owned())
                .or_insert_with(|| serde_json::json!({}))
                .as_object_mut()
                .map(|g| g.insert(nombre.to_owned(), valor));
        };
        use serde_json::json;
        put("http.addr", json!(self.http_addr.map(|a| a.to_string())));
        put("database.url", json!(self.database_url));
        put("database.data_dir", json!(self.data_dir));
        put("delivery.max_redeliveries", json!(self.max_redeliveries));
        put("pulsar.url", json!(self.pulsar_url));
        put("pulsar.tenant", json!(self.pulsar_tenant));
        put("pulsar.namespace", json!(self.pulsar_namespace));
        put("saga.timeout_ms", json!(self.saga_timeout_ms));
        put("saga.max_attempts", json!(self.saga_max_attempts));
        put("auth.jwt_secret", json!(self.jwt_secret));
        put("auth.jwt_public_key_file", json!(self.jwt_public_key_file));
        put("auth.anonymous", json!(self.anonymous));
        put("pulsar.admin_url", json!(self.pulsar_admin_url));
        put("delivery.consumer_lanes", json!(self.consumer_lanes));
        put("delivery.consumer_batch", json!(self.consumer_batch));
        put("shutdown.timeout_secs", json!(self.shutdown_timeout));
        put("auth.service_reads_open", json!(self.service_reads_open));
        put("auditoria.revision", json!(self.auditoria_revision));
        put("bff.servicios", json!(self.bff_servicios));
        put("bff.allowed_origins", json!(self.bff_allowed_origins));
        put("bff.grafana_url", json!(self.bff_grafana_url));
        put("log.format", json!(self.log_format));
        put("retention.outbox", json!(self.outbox_retention));
        put("retention.inbox", json!(self.inbox_retention));
        put("retention.dead_letters", json!(self.dead_letter_retention));
        put("retention.interval", json!(self.retention_interval));
        serde_json::Value::Object(out)
    }

    /// The effective settings: every layer, these flags last.
    pub fn settings(&self) -> Result<crate::settings::Settings, crate::settings::ConfigError> {
        crate::settings::Settings::load(self.config.as_deref(), &self.overrides())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_has_its_flag() {
        let flags: Vec<&str> = crate::settings::VARIABLES.iter().map(|v| v.flag).collect();
        let cli = <Cli as clap::CommandFactory>::command();
        for flag in flags {
            let name = flag.trim_start_matches("--");
            assert!(
                cli.get_arguments().any(|a| a.get_long() == Some(name)),
                "{flag}"
            );
        }
    }
}
