//! Typed, layered settings (the shape of zero-to-production's
//! configuration, loaded with `figment`): defaults < a settings file
//! (`propalpes.toml` in the working directory, or the path `--config` /
//! `PROPALPES_CONFIG` names) < environment variables < command-line
//! flags. `propalpes config` prints the effective values with each one's
//! source, secrets redacted; `Settings::validar` refuses, at start, what a
//! deployment must not run with.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The secret used when JWT_SECRET is not set, on the embedded default
/// only (local use): anyone can mint tokens with it.
pub const DEV_JWT_SECRET: &str = "propalpes-local-development-secret";

/// Shortest HS256 secret accepted off the embedded default (RFC 7518 §3.2:
/// a key at least as long as the hash, 256 bits).
pub const MIN_SECRET_BYTES: usize = 32;

/// The default settings file, read when it exists.
pub const DEFAULT_FILE: &str = "propalpes.toml";

/// Every setting of a running PropAlpes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub http: Http,
    pub database: Database,
    pub pulsar: Pulsar,
    pub auth: Auth,
    pub delivery: Delivery,
    pub saga: Saga,
    pub auditoria: Auditoria,
    pub bff: Bff,
    pub log: Log,
    pub shutdown: Shutdown,
    pub retention: Retention,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Http {
    /// Address the HTTP API listens on (port 0 picks a free port).
    pub addr: SocketAddr,
}

impl Default for Http {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Database {
    /// Base database URL; each context derives its own database from it.
    pub url: Option<String>,
    /// Directory of the embedded SQLite files.
    pub data_dir: PathBuf,
}

impl Default for Database {
    fn default() -> Self {
        Self {
            url: None,
            data_dir: PathBuf::from("data"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pulsar {
    pub url: Option<String>,
    pub tenant: String,
    pub namespace: String,
    pub admin_url: Option<String>,
}

impl Default for Pulsar {
    fn default() -> Self {
        Self {
            url: None,
            tenant: "public".into(),
            namespace: "default".into(),
            admin_url: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Auth {
    pub jwt_secret: Option<Secreto>,
    pub jwt_public_key_file: Option<PathBuf>,
    /// Requests without a token may do everything; unset: on with the
    /// embedded bus, off with Pulsar.
    pub anonymous: Option<bool>,
    pub service_reads_open: bool,
}

impl Default for Auth {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            jwt_public_key_file: None,
            anonymous: None,
            service_reads_open: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Delivery {
    pub max_redeliveries: u32,
    pub consumer_lanes: usize,
    pub consumer_batch: usize,
}

impl Default for Delivery {
    fn default() -> Self {
        Self {
            max_redeliveries: 5,
            consumer_lanes: 4,
            consumer_batch: 256,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Saga {
    pub timeout_ms: u64,
    pub max_attempts: u32,
}

impl Default for Saga {
    fn default() -> Self {
        Self {
            timeout_ms: 30_000,
            max_attempts: 5,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Auditoria {
    pub revision: String,
}

impl Default for Auditoria {
    fn default() -> Self {
        Self {
            revision: "formato_invalido".into(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Bff {
    pub servicios: Option<String>,
    pub allowed_origins: Option<String>,
    pub grafana_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Log {
    pub format: String,
}

impl Default for Log {
    fn default() -> Self {
        Self {
            format: "text".into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Shutdown {
    pub timeout_secs: u64,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self { timeout_secs: 10 }
    }
}

/// How long what grows with traffic is kept (README "Retention").
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Retention {
    /// Sent outbox rows (off the embedded default; there they are the log).
    pub outbox: Duracion,
    /// Inbox rows: the dedupe window.
    pub inbox: Duracion,
    /// Replayed dead letters and the failure counts of dead-lettered messages.
    pub dead_letters: Duracion,
    /// How often each database is pruned.
    pub interval: Duracion,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            outbox: Duracion::from_secs(3_600),
            inbox: Duracion::from_secs(7 * 86_400),
            dead_letters: Duracion::from_secs(30 * 86_400),
            interval: Duracion::from_secs(30),
        }
    }
}

/// A duration written `0s`, `30s`, `5m`, `1h`, `7d` (or `250ms`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duracion(pub std::time::Duration);

impl Duracion {
    pub const fn from_secs(secs: u64) -> Self {
        Self(std::time::Duration::from_secs(secs))
    }
}

impl std::str::FromStr for Duracion {
    type Err = String;

    fn from_str(texto: &str) -> Result<Self, Self::Err> {
        let texto = texto.trim();
        let cifras = texto
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(texto.len());
        let (numero, unidad) = texto.split_at(cifras);
        let n: u64 = numero
            .parse()
            .map_err(|_| format!("`{texto}` is not a duration like 0s, 30s, 5m, 1h or 7d"))?;
        let milis = match unidad {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(format!("`{texto}`: the unit must be ms, s, m, h or d")),
        };
        n.checked_mul(milis)
            .map(|ms| Self(std::time::Duration::from_millis(ms)))
            .ok_or_else(|| format!("`{texto}` is too long"))
    }
}

impl fmt::Display for Duracion {
    /// The largest unit that writes it whole.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_millis();
        let unidades = [
            (86_400_000, "d"),
            (3_600_000, "h"),
            (60_000, "m"),
            (1_000, "s"),
        ];
        match unidades.iter().find(|(u, _)| ms > 0 && ms % u == 0) {
            Some((u, nombre)) => write!(f, "{}{nombre}", ms / u),
            None if ms == 0 => f.write_str("0s"),
            None => write!(f, "{ms}ms"),
        }
    }
}

impl Serialize for Duracion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duracion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let texto = String::deserialize(d)?;
        texto.parse().map_err(serde::de::Error::custom)
    }
}

/// A secret: its text is used, never shown (`Debug` and `Display` say
/// `[redacted]`; `propalpes config` redacts it too).
#[derive(Clone, PartialEq, Eq)]
pub struct Secreto(String);

impl Secreto {
    pub fn new(texto: impl Into<String>) -> Self {
        Self(texto.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secreto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secreto([redacted])")
    }
}

impl fmt::Display for Secreto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// The text itself: the layers carry the value through serde (the printer
/// redacts it).
impl Serialize for Secreto {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secreto {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // An environment value of digits arrives as a number.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Texto {
            S(String),
            U(u64),
            I(i64),
        }
        Ok(Self(match Texto::deserialize(d)? {
            Texto::S(s) => s,
            Texto::U(n) => n.to_string(),
            Texto::I(n) => n.to_string(),
        }))
    }
}

/// One setting: where it lives in the file, its environment variable and
/// flag, and what it is (the README's configuration table is printed from
/// this list, and a test keeps the two equal).
pub struct Variable {
    pub clave: &'static str,
    pub env: &'static str,
    pub flag: &'static str,
    pub secreto: bool,
    pub descripcion: &'static str,
}

const fn var(
    clave: &'static str,
    env: &'static str,
    flag: &'static str,
    descripcion: &'static str,
) -> Variable {
    Variable {
        clave,
        env,
        flag,
        secreto: false,
        descripcion,
    }
}

pub const VARIABLES: &[Variable] = &[
    var(
        "http.addr",
        "HTTP_ADDR",
        "--http-addr",
        "Address the HTTP API listens on (port 0 picks a free port).",
    ),
    var(
        "database.url",
        "DATABASE_URL",
        "--database-url",
        "Base database URL (`sqlite://` or `postgres://`); each context derives its own database: `…/propalpes` → `…/propalpes_companias` (Postgres databases are created if missing). Unset: SQLite files under `database.data_dir`.",
    ),
    var(
        "database.data_dir",
        "DATA_DIR",
        "--data-dir",
        "Directory of the embedded SQLite files.",
    ),
    var(
        "pulsar.url",
        "PULSAR_URL",
        "--pulsar-url",
        "Apache Pulsar service URL (`pulsar://host:6650`). Unset: the embedded in-process bus.",
    ),
    var(
        "pulsar.tenant",
        "PULSAR_TENANT",
        "--pulsar-tenant",
        "Pulsar tenant of the topics.",
    ),
    var(
        "pulsar.namespace",
        "PULSAR_NAMESPACE",
        "--pulsar-namespace",
        "Pulsar namespace of the topics.",
    ),
    var(
        "pulsar.admin_url",
        "PULSAR_ADMIN_URL",
        "--pulsar-admin-url",
        "Pulsar admin REST API (`dlq replay`, the benches). Unset: port 8080 on `pulsar.url`'s host.",
    ),
    Variable {
        clave: "auth.jwt_secret",
        env: "JWT_SECRET",
        flag: "--jwt-secret",
        secreto: true,
        descripcion: "HS256 secret that signs and verifies tokens. Required off the embedded default (at least 32 bytes, not the development secret), unless `auth.jwt_public_key_file` is set.",
    },
    var(
        "auth.jwt_public_key_file",
        "JWT_PUBLIC_KEY_FILE",
        "--jwt-public-key-file",
        "RS256 public key (PEM file) also accepted for tokens.",
    ),
    var(
        "auth.anonymous",
        "BFF_ANONYMOUS",
        "--anonymous",
        "Requests without a token may do everything (local use). Unset: on with the embedded bus, off with Pulsar.",
    ),
    var(
        "auth.service_reads_open",
        "SERVICE_READS_OPEN",
        "--service-reads-open",
        "GETs on the services' APIs need no token (inside the deployment).",
    ),
    var(
        "delivery.max_redeliveries",
        "MAX_REDELIVERIES",
        "--max-redeliveries",
        "Deliveries of a failing message before it is dead-lettered.",
    ),
    var(
        "delivery.consumer_lanes",
        "CONSUMER_LANES",
        "--consumer-lanes",
        "Lanes per subscription: keys in parallel, one key in order.",
    ),
    var(
        "delivery.consumer_batch",
        "CONSUMER_BATCH",
        "--consumer-batch",
        "Most messages a lane applies in one transaction.",
    ),
    var(
        "saga.timeout_ms",
        "SAGA_TIMEOUT_MS",
        "--saga-timeout-ms",
        "How long a saga waits for a reply before re-sending (doubling each time).",
    ),
    var(
        "saga.max_attempts",
        "SAGA_MAX_ATTEMPTS",
        "--saga-max-attempts",
        "Attempts of a saga's command before the saga fails.",
    ),
    var(
        "auditoria.revision",
        "AUDITORIA_REVISION",
        "--auditoria-revision",
        "Findings left to a person (`problema` or `campo:problema`, comma-separated; empty: none).",
    ),
    var(
        "bff.servicios",
        "BFF_SERVICIOS",
        "--bff-servicios",
        "Services in other processes the operations view watches: `nombre=url,…`.",
    ),
    var(
        "bff.allowed_origins",
        "BFF_ALLOWED_ORIGINS",
        "--bff-allowed-origins",
        "Other sites whose pages may call the BFF from a browser (CORS, WebSocket `Origin`), comma-separated. Unset: only the BFF's own page.",
    ),
    var(
        "bff.grafana_url",
        "BFF_GRAFANA_URL",
        "--bff-grafana-url",
        "Grafana's PropAlpes dashboard, linked from the operations view (unset: no link).",
    ),
    var(
        "log.format",
        "LOG_FORMAT",
        "--log-format",
        "`text` or `json`; filter with `RUST_LOG`.",
    ),
    var(
        "retention.outbox",
        "OUTBOX_RETENTION",
        "--outbox-retention",
        "How long a sent outbox row is kept (`0s`, `30s`, `1h`, `7d`; `0s`: deleted once sent). On the embedded default the event topics' rows are the event log and are kept.",
    ),
    var(
        "retention.inbox",
        "INBOX_RETENTION",
        "--inbox-retention",
        "The dedupe window: how long an applied message's id is kept. A message minted longer ago than this is dead-lettered as stale instead of applied.",
    ),
    var(
        "retention.dead_letters",
        "DEAD_LETTER_RETENTION",
        "--dead-letter-retention",
        "How long replayed dead letters and the failure counts of dead-lettered messages are kept.",
    ),
    var(
        "retention.interval",
        "RETENTION_INTERVAL",
        "--retention-interval",
        "How often each database deletes what its retention let go (in batches of 1,000 rows).",
    ),
    var(
        "shutdown.timeout_secs",
        "SHUTDOWN_TIMEOUT",
        "--shutdown-timeout",
        "Seconds from SIGTERM to exit; what was not flushed stays in the outbox.",
    ),
];

/// Where the settings file is: the given path (which must exist), else
/// `propalpes.toml` when there is one.
fn archivo(dado: Option<&Path>) -> Option<PathBuf> {
    match dado {
        Some(path) => Some(path.to_path_buf()),
        None => Path::new(DEFAULT_FILE)
            .exists()
            .then(|| PathBuf::from(DEFAULT_FILE)),
    }
}

/// A setting that could not be read or that a deployment must not run with.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// The layers: defaults, the file, the environment, the flags given.
pub fn figment(config: Option<&Path>, flags: &serde_json::Value) -> Result<Figment, ConfigError> {
    let mut figment = Figment::from(Serialized::defaults(Settings::default()));
    if let Some(path) = archivo(config) {
        if !path.exists() {
            return Err(ConfigError(format!(
                "the settings file {} does not exist",
                path.display()
            )));
        }
        figment = figment.merge(Toml::file_exact(path));
    }
    let entorno = Env::raw().filter_map(|nombre| {
        VARIABLES
            .iter()
            .find(|v| nombre.as_str().eq_ignore_ascii_case(v.env))
            .map(|v| v.clave.into())
    });
    Ok(figment
        .merge(entorno)
        .merge(Serialized::globals(flags.clone())))
}

impl Settings {
    /// The effective settings from every layer.
    pub fn load(config: Option<&Path>, flags: &serde_json::Value) -> Result<Self, ConfigError> {
        figment(config, flags)?
            .extract()
            .map_err(|e| ConfigError(format!("settings: {e}")))
    }

    /// The embedded default: no broker, and listening on loopback only.
    pub fn is_embedded_local(&self) -> bool {
        self.pulsar.url.is_none() && self.http.addr.ip().is_loopback()
    }

    /// What a deployment must not run with. Off the embedded default (a
    /// Pulsar bus, or an address other than loopback) tokens must be
    /// signed with a secret of its own: the development secret is public.
    pub fn validar(&self) -> Result<(), ConfigError> {
        self.validar_retencion()?;
        if self.is_embedded_local() {
            return Ok(());
        }
        let por_que = if self.pulsar.url.is_some() {
            "PULSAR_URL is set".to_owned()
        } else {
            format!("HTTP_ADDR {} is not loopback", self.http.addr)
        };
        match &self.auth.jwt_secret {
            None if self.auth.jwt_public_key_file.is_some() => Ok(()),
            None => Err(ConfigError(format!(
                "JWT_SECRET (auth.jwt_secret) or JWT_PUBLIC_KEY_FILE (auth.jwt_public_key_file) must be set off the embedded default ({por_que})"
            ))),
            Some(s) if s.expose() == DEV_JWT_SECRET => Err(ConfigError(format!(
                "JWT_SECRET (auth.jwt_secret) is the public development secret; set a secret of this deployment's own ({por_que})"
            ))),
            Some(s) if s.expose().len() < MIN_SECRET_BYTES => Err(ConfigError(format!(
                "JWT_SECRET (auth.jwt_secret) must be at least {MIN_SECRET_BYTES} bytes, got {} ({por_que})",
                s.expose().len()
            ))),
            Some(_) => Ok(()),
        }
    }

    /// A dedupe window shorter than a minute would dead-letter ordinary
    /// redeliveries as stale; a pruning interval under 100 ms would prune in
    /// a hot loop.
    fn validar_retencion(&self) -> Result<(), ConfigError> {
        if self.retention.inbox.0 < std::time::Duration::from_secs(60) {
            return Err(ConfigError(format!(
                "INBOX_RETENTION (retention.inbox) is {}: the dedupe window must be at least 1m \
                 (longer than any redelivery and any saga re-send can come late)",
                self.retention.inbox
            )));
        }
        if self.retention.interval.0 < std::time::Duration::from_millis(100) {
            return Err(ConfigError(format!(
                "RETENTION_INTERVAL (retention.interval) is {}: at least 100ms",
                self.retention.interval
            )));
        }
        Ok(())
    }

    /// The secret tokens are signed with: the configured one, or on the
    /// embedded default the development one.
    pub fn jwt_secret(&self) -> &str {
        self.auth
            .jwt_secret
            .as_ref()
            .map_or(DEV_JWT_SECRET, Secreto::expose)
    }

    pub fn anonymous_allowed(&self) -> bool {
        self.auth.anonymous.unwrap_or(self.pulsar.url.is_none())
    }

    pub fn pulsar_admin_url(&self) -> String {
        if let Some(url) = &self.pulsar.admin_url {
            return url.trim_end_matches('/').to_owned();
        }
        let host = self
            .pulsar
            .url
            .as_deref()
            .and_then(|u| u.split("://").nth(1))
            .and_then(|rest| rest.split(':').next())
            .unwrap_or("127.0.0.1");
        format!("http://{host}:8080")
    }

    pub fn consumer_settings(&self) -> crate::seedwork::infrastructure::ConsumerSettings {
        crate::seedwork::infrastructure::ConsumerSettings {
            lanes: self.delivery.consumer_lanes.max(1),
            max_batch: self.delivery.consumer_batch.max(1),
            dedupe_window: Some(self.retention.inbox.0),
        }
    }

    /// What each context database keeps. On the embedded bus the event
    /// topics' sent outbox rows are the event log and are kept.
    pub fn retention_policy(&self) -> crate::seedwork::infrastructure::RetentionPolicy {
        let kept_topics = match self.pulsar.url {
            Some(_) => Vec::new(),
            None => crate::contracts::topics::EVENT_LOG
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
        };
        crate::seedwork::infrastructure::RetentionPolicy {
            outbox: self.retention.outbox.0,
            inbox: self.retention.inbox.0,
            dead_letters: self.retention.dead_letters.0,
            kept_topics,
        }
    }

    pub fn base_database_url(&self) -> String {
        self.database.url.clone().unwrap_or_else(|| {
            format!("sqlite://{}/propalpes.db", self.database.data_dir.display())
        })
    }

    /// Settings for tests: a database, a free port, a secret of test size.
    pub fn for_tests(database_url: &str, data_dir: &Path, jwt_secret: &str) -> Self {
        let mut s = Self::default();
        s.http.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        s.database.url = Some(database_url.to_owned());
        s.database.data_dir = data_dir.to_path_buf();
        s.auth.jwt_secret = Some(Secreto::new(jwt_secret));
        s.auth.anonymous = Some(true);
        s.delivery.max_redeliveries = 2;
        s
    }
}

/// Each setting's effective value and where it came from, as a settings
/// file (TOML) whose comments name the sources; secrets redacted.
pub fn describir(settings: &Settings, config: Option<&Path>, flags: &serde_json::Value) -> String {
    let valores = serde_json::to_value(settings).unwrap_or_default();
    let en_archivo = archivo(config)
        .and_then(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .and_then(|(p, t)| t.parse::<toml::Table>().ok().map(|t| (p, t)));
    let mut out = String::from("# The effective settings, each with its source.\n");
    let mut seccion = "";
    for v in VARIABLES {
        let (grupo, nombre) = v.clave.split_once('.').unwrap_or(("", v.clave));
        if grupo != seccion {
            out.push_str(&format!("\n[{grupo}]\n"));
            seccion = grupo;
        }
        let valor = &valores[grupo][nombre];
        let texto = match valor {
            serde_json::Value::Null => "# (unset)".to_owned(),
            _ if v.secreto => "\"[redacted]\"".to_owned(),
            otro => otro.to_string(),
        };
        let fuente = if !flags[grupo][nombre].is_null() {
            format!("flag {}", v.flag)
        } else if std::env::var_os(v.env).is_some() {
            format!("env {}", v.env)
        } else if let Some((path, _)) = en_archivo
            .as_ref()
            .filter(|(_, t)| t.get(grupo).and_then(|g| g.get(nombre)).is_some())
        {
            format!("file {}", path.display())
        } else {
            "default".to_owned()
        };
        if valor.is_null() {
            out.push_str(&format!("# {nombre} = (unset)  # {fuente}\n"));
        } else {
            out.push_str(&format!("{nombre} = {texto}  # {fuente}\n"));
        }
    }
    out
}

/// The README's configuration table.
pub fn tabla() -> String {
    let defaults = serde_json::to_value(Settings::default()).unwrap_or_default();
    let mut out = String::from(
        "| setting (`propalpes.toml`) | env | flag | default | what |\n|---|---|---|---|---|\n",
    );
    for v in VARIABLES {
        let (grupo, nombre) = v.clave.split_once('.').unwrap_or(("", v.clave));
        let defecto = match &defaults[grupo][nombre] {
            serde_json::Value::Null => "unset".to_owned(),
            serde_json::Value::String(s) => format!("`{s}`"),
            otro => format!("`{otro}`"),
        };
        out.push_str(&format!(
            "| `{}` | `{}` | `{}` | {defecto} | {} |\n",
            v.clave, v.env, v.flag, v.descripcion
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pulsar() -> Settings {
        let mut s = Settings::default();
        s.pulsar.url = Some("pulsar://broker:6650".into());
        s
    }

    #[test]
    fn the_embedded_default_on_loopback_starts_with_nothing_set() {
        assert!(Settings::default().validar().is_ok());
        assert_eq!(Settings::default().jwt_secret(), DEV_JWT_SECRET);
    }

    #[test]
    fn off_the_embedded_default_a_secret_of_its_own_is_required() {
        let sin = pulsar().validar().unwrap_err().to_string();
        assert!(
            sin.contains("JWT_SECRET") && sin.contains("PULSAR_URL"),
            "{sin}"
        );
        let mut dev = pulsar();
        dev.auth.jwt_secret = Some(Secreto::new(DEV_JWT_SECRET));
        assert!(
            dev.validar()
                .unwrap_err()
                .to_string()
                .contains("development")
        );
        let mut corto = pulsar();
        corto.auth.jwt_secret = Some(Secreto::new("x".repeat(31)));
        assert!(
            corto
                .validar()
                .unwrap_err()
                .to_string()
                .contains("32 bytes")
        );
        let mut bueno = pulsar();
        bueno.auth.jwt_secret = Some(Secreto::new("x".repeat(32)));
        assert!(bueno.validar().is_ok());
        let mut clave = pulsar();
        clave.auth.jwt_public_key_file = Some("key.pem".into());
        assert!(clave.validar().is_ok());
        let mut expuesto = Settings::default();
        expuesto.http.addr = "0.0.0.0:8080".parse().unwrap();
        assert!(
            expuesto
                .validar()
                .unwrap_err()
                .to_string()
                .contains("not loopback")
        );
    }

    #[test]
    fn layers_override_in_order_and_secrets_never_print() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.toml");
        std::fs::write(
            &file,
            "[saga]\nmax_attempts = 9\ntimeout_ms = 100\n[auth]\njwt_secret = \"from-the-file-0123456789abcdef0123\"\n",
        )
        .unwrap();
        let flags = serde_json::json!({"saga": {"timeout_ms": 7}});
        let s = Settings::load(Some(&file), &flags).unwrap();
        assert_eq!(s.saga.max_attempts, 9, "the file over the default");
        assert_eq!(s.saga.timeout_ms, 7, "a flag over the file");
        assert_eq!(s.delivery.consumer_lanes, 4, "the default");
        assert!(!format!("{s:?}").contains("from-the-file"));
        let shown = describir(&s, Some(&file), &flags);
        assert!(!shown.contains("from-the-file"), "{shown}");
        assert!(
            shown.contains("jwt_secret = \"[redacted]\"  # file"),
            "{shown}"
        );
        assert!(
            shown.contains("timeout_ms = 7  # flag --saga-timeout-ms"),
            "{shown}"
        );
        assert!(shown.contains("max_attempts = 9  # file"), "{shown}");
        assert!(shown.contains("consumer_lanes = 4  # default"), "{shown}");
    }

    #[test]
    fn a_dedupe_window_under_a_minute_is_refused() {
        let mut s = Settings::default();
        s.retention.inbox = "30s".parse().unwrap();
        let error = s.validar().unwrap_err().to_string();
        assert!(error.contains("INBOX_RETENTION"), "{error}");
        s.retention.inbox = "5m".parse().unwrap();
        s.retention.interval = "0s".parse().unwrap();
        assert!(
            s.validar()
                .unwrap_err()
                .to_string()
                .contains("RETENTION_INTERVAL")
        );
        s.retention.interval = "100ms".parse().unwrap();
        assert!(s.validar().is_ok());
    }

    #[test]
    fn durations_are_written_with_their_unit() {
        let parse = |t: &str| t.parse::<Duracion>().map(|d| d.0.as_millis());
        assert_eq!(parse("0s"), Ok(0));
        assert_eq!(parse("30s"), Ok(30_000));
        assert_eq!(parse("5m"), Ok(300_000));
        assert_eq!(parse("1h"), Ok(3_600_000));
        assert_eq!(parse("7d"), Ok(604_800_000));
        assert_eq!(parse("250ms"), Ok(250));
        assert!(parse("7").is_err(), "a unit is required");
        assert!(parse("1w").is_err());
        assert!(parse("-1s").is_err());
        assert_eq!(Duracion::from_secs(7 * 86_400).to_string(), "7d");
        assert_eq!(Duracion::from_secs(90).to_string(), "90s");
        assert_eq!(Duracion::from_secs(0).to_string(), "0s");
        let figment = figment(None, &serde_json::json!({"retention": {"inbox": "2d"}})).unwrap();
        let s: Settings = figment.extract().unwrap();
        assert_eq!(s.retention.inbox, Duracion::from_secs(2 * 86_400));
        let bad = figment::Figment::from(Serialized::defaults(Settings::default()))
            .merge(Serialized::globals(
                serde_json::json!({"retention": {"outbox": "soon"}}),
            ))
            .extract::<Settings>();
        assert!(bad.unwrap_err().to_string().contains("soon"));
    }

    #[test]
    fn an_unknown_setting_in_the_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.toml");
        std::fs::write(&file, "[saga]\nmax_attempt = 9\n").unwrap();
        let e = Settings::load(Some(&file), &serde_json::json!({})).unwrap_err();
        assert!(e.to_string().contains("max_attempt"), "{e}");
    }

    #[test]
    fn the_readme_table_is_the_settings_table() {
        let readme =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
                .unwrap();
        assert!(
            readme.contains(&tabla()),
            "README.md's configuration table differs from `propalpes config --table`"
        );
    }

    #[test]
    fn the_compose_settings_file_loads_and_needs_its_secret() {
        let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/propalpes.toml");
        let s = Settings::load(Some(&file), &serde_json::json!({})).unwrap();
        assert_eq!(s.pulsar.url.as_deref(), Some("pulsar://pulsar:6650"));
        assert_eq!(s.auth.anonymous, Some(false));
        assert!(s.validar().is_err(), "JWT_SECRET comes from .env");
    }

    #[test]
    fn every_setting_is_listed_once_with_its_variable() {
        let defaults = serde_json::to_value(Settings::default()).unwrap();
        let mut claves = Vec::new();
        for (grupo, campos) in defaults.as_object().unwrap() {
            for campo in campos.as_object().unwrap().keys() {
                claves.push(format!("{grupo}.{campo}"));
            }
        }
        let mut listadas: Vec<String> = VARIABLES.iter().map(|v| v.clave.to_owned()).collect();
        claves.sort();
        listadas.sort();
        assert_eq!(claves, listadas);
    }
}
