//! The composition root: opens each context's database, picks the bus,
//! starts relays and consumers, and serves every HTTP route.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;

use crate::auditoria::application::SagaPolicy;
use crate::auditoria::infrastructure::AuditoriaModule;
use crate::bff_web::infrastructure::BffModule;
use crate::companias::infrastructure::CompaniasModule;
use crate::config::Command;
use crate::contracts::services;
use crate::geograficos::infrastructure::GeograficosModule;
use crate::propiedades::infrastructure::PropiedadesModule;
use crate::seedwork::api::{Gate, ReadinessCheck, health_routes};
use crate::seedwork::application::{Authenticator, MessageBus};
use crate::seedwork::infrastructure::avro::{AvroCodec, SchemaRegistry};
use crate::seedwork::infrastructure::{
    AuthConfig, Database, DatabaseUrl, EmbeddedBus, InfraError, Pruner, PulsarBus, PulsarConfig,
    RecordModule, RecordWiring, RetryPolicy, context_database_url,
};
use crate::settings::Settings;
use crate::{auditoria, bff_web};

/// Largest request body accepted (a command is a few hundred bytes).
const BODY_LIMIT: usize = 256 * 1024;

/// Which contexts this process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    All,
    Companias,
    Geograficos,
    Propiedades,
    Auditoria,
    Bff,
}

impl Role {
    pub fn of(command: &Command) -> Option<Self> {
        match command {
            Command::All => Some(Role::All),
            Command::Companias => Some(Role::Companias),
            Command::Geograficos => Some(Role::Geograficos),
            Command::Propiedades => Some(Role::Propiedades),
            Command::Auditoria => Some(Role::Auditoria),
            Command::Bff => Some(Role::Bff),
            Command::Dlq { .. }
            | Command::Bench { .. }
            | Command::Schemas { .. }
            | Command::Token { .. }
            | Command::Projections { .. }
            | Command::Config { .. }
            | Command::Asyncapi => None,
        }
    }
}

/// The bus this process uses: Pulsar when `PULSAR_URL` is set, else the
/// embedded in-process bus.
#[derive(Clone)]
pub struct Buses {
    pub bus: Arc<dyn MessageBus>,
    pub embedded: Option<Arc<EmbeddedBus>>,
    pub pulsar: Option<Arc<PulsarBus>>,
}

impl Buses {
    pub async fn connect(
        args: &Settings,
        registry: Arc<SchemaRegistry>,
    ) -> Result<Self, InfraError> {
        let policy = RetryPolicy {
            max_redeliveries: args.delivery.max_redeliveries,
            ..RetryPolicy::default()
        };
        if let Some(url) = &args.pulsar.url {
            let config = PulsarConfig {
                url: url.clone(),
                tenant: args.pulsar.tenant.clone(),
                namespace: args.pulsar.namespace.clone(),
            };
            let pulsar = Arc::new(
                PulsarBus::connect(config, registry, policy)
                    .await
                    .map_err(|e| InfraError::Bus(e.to_string()))?
                    .with_settings(args.consumer_settings()),
            );
            return Ok(Self {
                bus: pulsar.clone(),
                embedded: None,
                pulsar: Some(pulsar),
            });
        }
        let base: DatabaseUrl = args.base_database_url().parse()?;
        // The embedded bus keeps its dead letters in a database of its own.
        let dead_letters = Database::connect(
            &context_database_url(&base, "bus"),
            &sqlx::migrate::Migrator::with_migrations(Vec::new()),
        )
        .await?;
        let embedded = Arc::new(
            EmbeddedBus::new(dead_letters, policy).with_settings(args.consumer_settings()),
        );
        Ok(Self {
            bus: embedded.clone(),
            embedded: Some(embedded),
            pulsar: None,
        })
    }
}

/// A started process: its address, bus and contexts.
pub struct RunningApp {
    pub addr: SocketAddr,
    pub buses: Buses,
    pub codec: Arc<AvroCodec>,
    pub companias: Option<CompaniasModule>,
    pub geograficos: Option<GeograficosModule>,
    pub propiedades: Option<PropiedadesModule>,
    pub auditoria: Option<AuditoriaModule>,
    pub bff: Option<BffModule>,
    /// DataLoader batches the BFF ran (one per page of records with audits).
    pub bff_loader_batches: Option<Arc<std::sync::atomic::AtomicUsize>>,
    shutdown: CancellationToken,
    server: JoinHandle<std::io::Result<()>>,
    replayer: Option<JoinHandle<()>>,
    pruners: Vec<JoinHandle<()>>,
}

impl RunningApp {
    /// Stops taking requests, then flushes and stops the relays.
    pub async fn stop(self) {
        self.shutdown.cancel();
        // Deliveries waiting out an outage give up waiting (their rows stay
        // in the outbox, their messages unacknowledged).
        if let Some(embedded) = &self.buses.embedded {
            embedded.shutdown();
        }
        let _ = self.server.await;
        if let Some(replayer) = self.replayer {
            let _ = replayer.await;
        }
        for pruner in self.pruners {
            let _ = pruner.await;
        }
        // Finish in-flight messages before the relays flush.
        if let Some(pulsar) = &self.buses.pulsar {
            pulsar.shutdown().await;
        }
        if let Some(c) = self.companias {
            c.shutdown().await;
        }
        if let Some(g) = self.geograficos {
            g.shutdown().await;
        }
        if let Some(p) = self.propiedades {
            p.shutdown().await;
        }
        if let Some(a) = self.auditoria {
            a.shutdown().await;
        }
        if let Some(b) = self.bff {
            b.shutdown().await;
        }
    }

    /// Waits for Ctrl-C or SIGTERM, then stops cleanly within `limit`
    /// whatever is down: what could not be flushed by then stays in the
    /// outbox for the next start.
    pub async fn run_until_signal(self, limit: Duration) {
        shutdown_signal().await;
        tracing::info!(?limit, "shutting down");
        if tokio::time::timeout(limit, self.stop()).await.is_err() {
            tracing::warn!(
                ?limit,
                "shutdown did not finish in time (a dependency is down); \
                 exiting with what was not published left in the outbox"
            );
        }
    }
}

struct DatabaseCheck {
    name: String,
    db: Database,
}

#[async_trait]
impl ReadinessCheck for DatabaseCheck {
    fn name(&self) -> &str {
        &self.name
    }

    async fn ready(&self) -> bool {
        self.db.ping().await
    }
}

/// What `start` assembles: the routes and readiness checks of each context.
struct Mounted {
    router: Router,
    checks: Vec<Arc<dyn ReadinessCheck>>,
    openapi: utoipa::openapi::OpenApi,
    gate: Gate,
}

impl Mounted {
    fn new(gate: Gate) -> Self {
        Self {
            router: Router::new(),
            checks: Vec::new(),
            openapi: crate::seedwork::api::openapi::health_openapi(),
            gate,
        }
    }

    /// A context's own API: every write needs a token with its role.
    fn mount_service(&mut self, routes: Router, name: &str, db: &Database) {
        let routes = self.gate.protect(routes);
        self.mount(routes, name, db);
    }

    fn document(&mut self, doc: utoipa::openapi::OpenApi) {
        self.openapi.merge(doc);
    }

    fn mount(&mut self, routes: Router, name: &str, db: &Database) {
        self.router = std::mem::take(&mut self.router).merge(routes);
        self.checks.push(Arc::new(DatabaseCheck {
            name: format!("{name}_db"),
            db: db.clone(),
        }));
    }
}

/// What every context starts from.
struct Startup<'a> {
    args: &'a Settings,
    base: DatabaseUrl,
    bus: Arc<dyn MessageBus>,
    codec: Arc<AvroCodec>,
}

impl Startup<'_> {
    fn database(&self, context: &str) -> DatabaseUrl {
        context_database_url(&self.base, context)
    }
}

/// Starts a record context and mounts its routes (behind the gate) and
/// its OpenAPI document.
async fn start_record<W: RecordWiring>(
    runs: bool,
    mounted: &mut Mounted,
    s: &Startup<'_>,
    routes: fn(Arc<W::Service>) -> Router,
    openapi: fn() -> utoipa::openapi::OpenApi,
) -> Result<Option<RecordModule<W>>, InfraError> {
    if !runs {
        return Ok(None);
    }
    let module =
        RecordModule::<W>::start(&s.database(W::SERVICE), s.bus.clone(), s.codec.clone()).await?;
    mounted.mount_service(
        routes(module.service.clone()),
        W::SERVICE,
        &module.storage.db,
    );
    mounted.document(openapi());
    Ok(Some(module))
}

async fn start_auditoria(
    mounted: &mut Mounted,
    s: &Startup<'_>,
) -> Result<AuditoriaModule, InfraError> {
    let policy = SagaPolicy {
        timeout: Duration::from_millis(s.args.saga.timeout_ms),
        max_intentos: s.args.saga.max_attempts.max(1),
    };
    let revision = crate::auditoria::domain::ReglasRevision::parse(&s.args.auditoria.revision)
        .map_err(|e| InfraError::Config(e.to_string()))?;
    let module = AuditoriaModule::start(
        &s.database(services::AUDITORIA),
        s.bus.clone(),
        s.codec.clone(),
        policy,
        revision,
    )
    .await?;
    mounted.mount_service(
        auditoria::api::router(module.queries.clone()),
        services::AUDITORIA,
        &module.storage.db,
    );
    mounted.document(auditoria::api::openapi());
    Ok(module)
}

type BffStarted = (BffModule, Arc<std::sync::atomic::AtomicUsize>);

async fn start_bff(
    mounted: &mut Mounted,
    s: &Startup<'_>,
    buses: &Buses,
    auth: Arc<dyn Authenticator>,
    base_local: Arc<std::sync::OnceLock<String>>,
) -> Result<BffStarted, InfraError> {
    let module = BffModule::start(
        &s.database(services::BFF_WEB),
        s.bus.clone(),
        s.codec.clone(),
        auth,
    )
    .await?;
    let operaciones = operaciones_bff(mounted, s, buses, &module.storage.db, base_local);
    let schema = bff_web::api::build_schema(
        Arc::new(module.proyecciones.clone()),
        module.commands.clone(),
        module.cambios.clone(),
        module.auth.clone(),
        Arc::new(operaciones),
    );
    let (routes, batches) = bff_web::api::router(
        schema,
        module.auth.clone(),
        Arc::new(module.proyecciones.clone()),
        bff_web::api::Origenes::parse(s.args.bff.allowed_origins.as_deref().unwrap_or_default()),
    );
    mounted.mount(routes, services::BFF_WEB, &module.storage.db);
    Ok((module, batches))
}

/// The operations view of this process's contexts (their database checks,
/// this process's metrics) and of those `BFF_SERVICIOS` names.
fn operaciones_bff(
    mounted: &Mounted,
    s: &Startup<'_>,
    buses: &Buses,
    bff_db: &Database,
    base_local: Arc<std::sync::OnceLock<String>>,
) -> bff_web::infrastructure::OperacionesAdapter {
    use bff_web::infrastructure::{BusObservado, OperacionesAdapter, ServicioLocal};
    let mut locales: Vec<ServicioLocal> = mounted
        .checks
        .iter()
        .filter_map(|check| {
            let nombre = check.name().strip_suffix("_db")?.to_owned();
            Some(ServicioLocal {
                nombre,
                check: check.clone(),
            })
        })
        .collect();
    locales.push(ServicioLocal {
        nombre: services::BFF_WEB.to_owned(),
        check: Arc::new(DatabaseCheck {
            name: format!("{}_db", services::BFF_WEB),
            db: bff_db.clone(),
        }),
    });
    let bus = match (&buses.pulsar, &buses.embedded) {
        (Some(pulsar), _) => BusObservado::Pulsar {
            bus: pulsar.clone(),
            admin: s.args.pulsar_admin_url(),
        },
        (None, Some(embedded)) => BusObservado::Embebido(embedded.clone()),
        (None, None) => unreachable!("a bus is always configured"),
    };
    let remotos = bff_web::infrastructure::servicios_remotos(
        s.args.bff.servicios.as_deref().unwrap_or_default(),
    );
    OperacionesAdapter::new(
        locales,
        base_local,
        remotos,
        crate::telemetry_metrics::render,
        bus,
        s.codec.clone(),
        bff_web::infrastructure::SqlDescartes::new(bff_db.clone()),
    )
    .con_grafana(s.args.bff.grafana_url.clone())
}

fn authenticator(args: &Settings) -> Result<Arc<dyn Authenticator>, InfraError> {
    // Off the embedded default `validar` refused to start without a
    // secret of the deployment's own; locally the development one is fine.
    let anonymous = args.anonymous_allowed();
    if anonymous && !args.is_embedded_local() {
        tracing::warn!(
            "anonymous access is ON off the embedded default: GraphQL and the services' HTTP APIs take writes without a token; set BFF_ANONYMOUS=false to require tokens"
        );
    } else if anonymous {
        tracing::info!(
            "anonymous access is on (local use): requests without a token may do everything"
        );
    }
    let pem = args
        .auth
        .jwt_public_key_file
        .as_ref()
        .map(std::fs::read_to_string)
        .transpose()?;
    let secret = match (&args.auth.jwt_secret, &pem) {
        // Tokens come from an identity provider alone: no HS256 secret
        // anyone knows.
        (None, Some(_)) => uuid::Uuid::new_v4().simple().to_string().repeat(2),
        _ => args.jwt_secret().to_owned(),
    };
    let config = AuthConfig::new(&secret, pem.as_deref(), anonymous)
        .map_err(|e| InfraError::Config(e.to_string()))?;
    Ok(Arc::new(config))
}

struct BrokerCheck(Arc<PulsarBus>);

#[async_trait]
impl ReadinessCheck for BrokerCheck {
    fn name(&self) -> &str {
        "pulsar"
    }

    async fn ready(&self) -> bool {
        self.0.connected().await
    }
}

/// Latency histogram per route (the matched pattern, not the raw path).
async fn record_latency(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().to_string();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    metrics::histogram!(
        "propalpes_http_request_duration_seconds",
        "method" => method,
        "path" => path,
        "status" => response.status().as_u16().to_string()
    )
    .record(started.elapsed().as_secs_f64());
    response
}

impl Role {
    fn runs(self, context: Role) -> bool {
        self == Role::All || self == context
    }
}

/// Every route of this process: the contexts' own, health and readiness,
/// the OpenAPI document and Swagger UI, metrics; latency metered per route.
fn http_router(mut mounted: Mounted, buses: &Buses, registry: Arc<SchemaRegistry>) -> Router {
    crate::telemetry_metrics::handle();
    if let Some(pulsar) = &buses.pulsar {
        mounted.checks.push(Arc::new(BrokerCheck(pulsar.clone())));
    }
    let openapi = Arc::new(crate::seedwork::api::openapi::document_json(
        &mounted.openapi,
    ));
    let router = mounted
        .router
        .merge(health_routes(mounted.checks))
        .merge(crate::seedwork::api::asset_routes())
        .route(
            "/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move {
                    (
                        [(axum::http::header::CONTENT_TYPE, "application/json")],
                        doc.as_str().to_owned(),
                    )
                }
            }),
        )
        .route(
            "/docs",
            axum::routing::get(|| async {
                axum::response::Html(crate::seedwork::api::openapi::SWAGGER_UI)
            }),
        )
        .merge(crate::asyncapi::rutas(registry))
        .route(
            "/metrics",
            axum::routing::get(|| async { crate::telemetry_metrics::render() }),
        )
        .route_layer(axum::middleware::from_fn(record_latency));
    crate::seedwork::api::bounded(router, BODY_LIMIT)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http())
}

/// The contexts one process runs: those its role names.
struct Contexts {
    companias: Option<CompaniasModule>,
    geograficos: Option<GeograficosModule>,
    propiedades: Option<PropiedadesModule>,
    auditoria: Option<AuditoriaModule>,
    bff: Option<BffModule>,
    bff_loader_batches: Option<Arc<std::sync::atomic::AtomicUsize>>,
}

impl Contexts {
    /// Each running context's database, and the embedded bus's dead
    /// letters: what the pruners keep small.
    fn databases<'a>(&'a self, buses: &'a Buses) -> Vec<(&'static str, &'a Database)> {
        let records = [
            (
                services::COMPANIAS,
                self.companias.as_ref().map(|m| &m.storage.db),
            ),
            (
                services::GEOGRAFICOS,
                self.geograficos.as_ref().map(|m| &m.storage.db),
            ),
            (
                services::PROPIEDADES,
                self.propiedades.as_ref().map(|m| &m.storage.db),
            ),
            (
                services::AUDITORIA,
                self.auditoria.as_ref().map(|m| &m.storage.db),
            ),
            (services::BFF_WEB, self.bff.as_ref().map(|m| &m.storage.db)),
            (
                "bus",
                buses.embedded.as_ref().map(|b| b.dead_letter_database()),
            ),
        ];
        records
            .into_iter()
            .filter_map(|(name, db)| db.map(|db| (name, db)))
            .collect()
    }
}

/// Starts the contexts `role` names, each mounting its routes.
async fn start_contexts(
    role: Role,
    mounted: &mut Mounted,
    s: &Startup<'_>,
    buses: &Buses,
    auth: Arc<dyn Authenticator>,
    base_local: &Arc<std::sync::OnceLock<String>>,
) -> Result<Contexts, InfraError> {
    use crate::{companias as c, geograficos as g, propiedades as p};
    let companias = start_record(
        role.runs(Role::Companias),
        mounted,
        s,
        c::api::router,
        c::api::openapi,
    )
    .await?;
    let geograficos = start_record(
        role.runs(Role::Geograficos),
        mounted,
        s,
        g::api::router,
        g::api::openapi,
    )
    .await?;
    let propiedades = start_record(
        role.runs(Role::Propiedades),
        mounted,
        s,
        p::api::router,
        p::api::openapi,
    )
    .await?;
    let auditoria = match role.runs(Role::Auditoria) {
        true => Some(start_auditoria(mounted, s).await?),
        false => None,
    };
    let (bff, bff_loader_batches) = match role.runs(Role::Bff) {
        true => {
            let (module, batches) = start_bff(mounted, s, buses, auth, base_local.clone()).await?;
            (Some(module), Some(batches))
        }
        false => (None, None),
    };
    Ok(Contexts {
        companias,
        geograficos,
        propiedades,
        auditoria,
        bff,
        bff_loader_batches,
    })
}

/// Starts the contexts `role` names on the configured databases and bus,
/// then serves their routes.
pub async fn start(args: &Settings, role: Role) -> Result<RunningApp, InfraError> {
    args.validar()
        .map_err(|e| InfraError::Config(e.to_string()))?;
    let registry = Arc::new(SchemaRegistry::embedded()?);
    let codec = Arc::new(AvroCodec::new(registry.clone()));
    let registry_http = registry.clone();
    let buses = Buses::connect(args, registry).await?;
    let startup = Startup {
        args,
        base: args.base_database_url().parse()?,
        bus: buses.bus.clone(),
        codec: codec.clone(),
    };
    let auth = authenticator(args)?;
    // This process's URL, for the operations view (known once it listens).
    let base_local = Arc::new(std::sync::OnceLock::new());
    let mut mounted = Mounted::new(Gate::new(auth.clone(), args.auth.service_reads_open));
    let contexts = start_contexts(role, &mut mounted, &startup, &buses, auth, &base_local).await?;
    let base = startup.base.clone();
    let router = http_router(mounted, &buses, registry_http);
    let (listener, addr) = bind(args, &base_local).await?;
    let shutdown = CancellationToken::new();
    let token = shutdown.clone();
    let server = tokio::spawn(crate::seedwork::api::serve(listener, router, token));
    // `propalpes dlq replay` runs in another process than the embedded
    // subscribers; this process picks its requests up.
    let replayer = buses
        .embedded
        .as_ref()
        .map(|bus| bus.spawn_replayer(shutdown.clone(), Duration::from_secs(1)));
    let databases = contexts.databases(&buses);
    let pruners = spawn_pruners(args, databases.into_iter(), &shutdown);
    tracing::info!(%addr, ?role, database = %base.as_str(), "PropAlpes listening on http://{addr}");
    let Contexts {
        companias,
        geograficos,
        propiedades,
        auditoria,
        bff,
        bff_loader_batches,
    } = contexts;
    Ok(RunningApp {
        addr,
        buses,
        codec,
        companias,
        geograficos,
        propiedades,
        auditoria,
        bff,
        bff_loader_batches,
        shutdown,
        server,
        replayer,
        pruners,
    })
}

/// Binds the HTTP address; this process's own URL is known from then on
/// (the operations view reads its auditoria over HTTP like another's).
async fn bind(
    args: &Settings,
    base_local: &std::sync::OnceLock<String>,
) -> Result<(TcpListener, std::net::SocketAddr), InfraError> {
    let listener = TcpListener::bind(args.http.addr).await?;
    let addr = listener.local_addr()?;
    let propia = match addr.ip() {
        ip if ip.is_unspecified() => std::net::SocketAddr::from(([127, 0, 0, 1], addr.port())),
        _ => addr,
    };
    let _ = base_local.set(format!("http://{propia}"));
    Ok((listener, addr))
}

/// One pruner per database this process owns (retention).
fn spawn_pruners<'a>(
    args: &Settings,
    databases: impl Iterator<Item = (&'static str, &'a Database)>,
    shutdown: &CancellationToken,
) -> Vec<tokio::task::JoinHandle<()>> {
    databases
        .map(|(service, db)| {
            Pruner::new(service, db.clone(), args.retention_policy())
                .spawn(args.retention.interval.0, shutdown.clone())
        })
        .collect()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    // Give in-flight requests a moment before the relays flush.
    tokio::time::sleep(Duration::from_millis(50)).await;
}
