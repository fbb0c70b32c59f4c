//! A deployment the flow bench drives, started as a user would run it: this
//! binary as child processes, `propalpes all` on the embedded default, or
//! one process per service on Postgres and Apache Pulsar, each deployment
//! with fresh databases and a fresh Pulsar namespace (two deployments on one
//! subscription would split its messages).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use tokio::process::{Child, Command};

use crate::seedwork::infrastructure::{InfraError, PulsarConfig};

/// Where the distributed deployment runs.
#[derive(Debug, Clone)]
pub struct Infrastructure {
    /// Any database URL on the Postgres server (`.../postgres`).
    pub database_server: String,
    pub pulsar_url: String,
    pub pulsar_admin_url: String,
}

#[derive(Debug, Clone)]
pub enum Topology {
    Embedded,
    /// One process per service; `instances` of companias and of auditoria.
    Distributed {
        infra: Infrastructure,
        instances: usize,
    },
}

/// A running service process.
pub struct Service {
    pub role: &'static str,
    pub port: u16,
    child: Child,
}

impl Service {
    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }
}

/// The processes of one deployment and where to look at its results.
pub struct Deployment {
    pub services: Vec<Service>,
    pub bff_url: String,
    /// The BFF's database, whose `registros` the bench watches.
    pub projection_url: String,
    run: String,
    dir: PathBuf,
    /// The base database URL the contexts derive theirs from.
    base: String,
    infra: Option<Infrastructure>,
    /// This deployment's JWT secret, random.
    secret: String,
}

fn infra_error(what: impl std::fmt::Display) -> InfraError {
    InfraError::Bus(what.to_string())
}

fn free_port() -> Result<u16, InfraError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The server part of a Postgres URL (without database and query).
fn server_head(url: &str) -> &str {
    url.split('?')
        .next()
        .and_then(|u| u.rsplit_once('/'))
        .map_or(url, |(head, _)| head)
}

impl Deployment {
    pub async fn start(topology: &Topology) -> Result<Self, InfraError> {
        let run = uuid::Uuid::new_v4().simple().to_string()[..10].to_owned();
        let dir = std::env::temp_dir().join(format!("propalpes-flow-{run}"));
        std::fs::create_dir_all(&dir)?;
        let mut deployment = Self {
            services: Vec::new(),
            bff_url: String::new(),
            projection_url: String::new(),
            run,
            dir,
            base: String::new(),
            infra: None,
            secret: format!(
                "{}{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            ),
        };
        match topology {
            Topology::Embedded => deployment.start_embedded().await?,
            Topology::Distributed { infra, instances } => {
                deployment.start_distributed(infra, *instances).await?
            }
        }
        deployment.wait_ready().await?;
        Ok(deployment)
    }

    async fn start_embedded(&mut self) -> Result<(), InfraError> {
        let base = format!("sqlite://{}/propalpes.db", self.dir.display());
        self.base = base.clone();
        self.projection_url = format!("sqlite://{}/propalpes_bff_web.db", self.dir.display());
        // SQLite has no pg_stat_statements: the process counts its own.
        let counting = ("PROPALPES_COUNT_STATEMENTS", "1".to_owned());
        self.spawn("all", &[("DATABASE_URL", base), counting])?;
        Ok(())
    }

    async fn start_distributed(
        &mut self,
        infra: &Infrastructure,
        instances: usize,
    ) -> Result<(), InfraError> {
        let namespace = format!("bench{}", self.run);
        let created = reqwest::Client::new()
            .put(format!(
                "{}/admin/v2/namespaces/public/{namespace}",
                infra.pulsar_admin_url
            ))
            .json(&serde_json::json!({}))
            .send()
            .await
            .map_err(infra_error)?;
        if !created.status().is_success() {
            return Err(infra_error(format!(
                "cannot create the Pulsar namespace {namespace}: {}",
                created.status()
            )));
        }
        self.infra = Some(infra.clone());
        let base = format!("{}/bench_{}", server_head(&infra.database_server), self.run);
        self.base = base.clone();
        self.projection_url = format!("{base}_bff_web");
        let env = [
            ("DATABASE_URL", base),
            ("PULSAR_URL", infra.pulsar_url.clone()),
            ("PULSAR_NAMESPACE", namespace),
        ];
        // The BFF first: its subscriptions must exist before events flow.
        for role in ["bff", "geograficos"] {
            self.spawn(role, &env)?;
        }
        for _ in 0..instances.max(1) {
            self.spawn("auditoria", &env)?;
            self.spawn("companias", &env)?;
        }
        Ok(())
    }

    fn spawn(&mut self, role: &'static str, env: &[(&str, String)]) -> Result<(), InfraError> {
        let port = free_port()?;
        let exe = std::env::current_exe()?;
        let mut command = Command::new(exe);
        // Only what this deployment sets: not the bench's own PULSAR_URL
        // in an embedded run, say.
        for inherited in [
            "DATABASE_URL",
            "PULSAR_URL",
            "PULSAR_NAMESPACE",
            "PULSAR_TENANT",
            "PULSAR_ADMIN_URL",
        ] {
            command.env_remove(inherited);
        }
        command
            .arg(role)
            .env("HTTP_ADDR", format!("127.0.0.1:{port}"))
            .env("DATA_DIR", &self.dir)
            .env("BFF_ANONYMOUS", "true")
            // A deployment's own secret (off the embedded default the
            // development one is refused); the load goes anonymous anyway.
            .env("JWT_SECRET", &self.secret)
            .env("RUST_LOG", "warn")
            .env("LOG_FORMAT", "text")
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(
                self.dir.join(format!("{role}-{port}.log")),
            )?)
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn()?;
        if role == "bff" || role == "all" {
            self.bff_url = format!("http://127.0.0.1:{port}");
        }
        self.services.push(Service { role, port, child });
        Ok(())
    }

    async fn wait_ready(&self) -> Result<(), InfraError> {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(90);
        for service in &self.services {
            loop {
                let ready = http
                    .get(format!("http://127.0.0.1:{}/ready", service.port))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                if ready {
                    break;
                }
                if Instant::now() > deadline {
                    return Err(infra_error(format!(
                        "{} on :{} never became ready (log in {})",
                        service.role,
                        service.port,
                        self.dir.display()
                    )));
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Ok(())
    }

    /// The distributed deployment's Postgres server and its databases'
    /// common prefix (`bench_<run>`).
    pub fn postgres(&self) -> Option<(String, String)> {
        self.infra
            .as_ref()
            .map(|infra| (infra.database_server.clone(), format!("bench_{}", self.run)))
    }

    /// The database of one context (as the services derive it).
    pub fn database_url(&self, context: &str) -> String {
        use crate::seedwork::infrastructure::{DatabaseUrl, context_database_url};
        match self.base.parse::<DatabaseUrl>() {
            Ok(base) => context_database_url(&base, context).as_str().to_owned(),
            Err(_) => self.base.clone(),
        }
    }

    pub fn pids(&self) -> Vec<u32> {
        self.services.iter().map(Service::pid).collect()
    }

    /// Transactions committed so far across the processes, from their
    /// `propalpes_db_commits_total` counters.
    pub async fn commits(&self) -> f64 {
        self.counter_total("propalpes_db_commits_total").await
    }

    /// Statements run so far, where the processes count them
    /// (`PROPALPES_COUNT_STATEMENTS`, the embedded deployment).
    pub async fn statements_counted(&self) -> f64 {
        self.counter_total("propalpes_db_statements_total").await
    }

    /// The sum of a counter across the processes' `/metrics`.
    async fn counter_total(&self, name: &str) -> f64 {
        let http = reqwest::Client::new();
        let mut total = 0.0;
        for service in &self.services {
            let Ok(response) = http
                .get(format!("http://127.0.0.1:{}/metrics", service.port))
                .send()
                .await
            else {
                continue;
            };
            let text = response.text().await.unwrap_or_default();
            total += text
                .lines()
                .filter(|l| l.starts_with(name))
                .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
                .sum::<f64>();
        }
        total
    }

    /// Each process's `/metrics` text, by role and port.
    pub async fn metrics(&self) -> Vec<(String, String)> {
        let http = reqwest::Client::new();
        let mut all = Vec::new();
        for service in &self.services {
            let text = match http
                .get(format!("http://127.0.0.1:{}/metrics", service.port))
                .send()
                .await
            {
                Ok(response) => response.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            all.push((format!("{} :{}", service.role, service.port), text));
        }
        all
    }

    /// Where an outside producer reaches this deployment's topics (none
    /// embedded: its bus is inside the process).
    pub fn pulsar(&self) -> Option<PulsarConfig> {
        self.infra.as_ref().map(|infra| PulsarConfig {
            url: infra.pulsar_url.clone(),
            tenant: "public".to_owned(),
            namespace: format!("bench{}", self.run),
        })
    }

    /// SIGTERM to every process, then cleans up databases and namespace.
    pub async fn stop(mut self) {
        for service in &self.services {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &service.pid().to_string()])
                .status();
        }
        for service in &mut self.services {
            let exited = tokio::time::timeout(Duration::from_secs(15), service.child.wait()).await;
            if exited.is_err() {
                let _ = service.child.kill().await;
            }
        }
        if let Some(infra) = &self.infra {
            drop_databases(&infra.database_server, &self.run).await;
            let _ = reqwest::Client::new()
                .delete(format!(
                    "{}/admin/v2/namespaces/public/bench{}?force=true",
                    infra.pulsar_admin_url, self.run
                ))
                .send()
                .await;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Drops the run's databases (`bench_<run>_*`).
async fn drop_databases(server: &str, run: &str) {
    install_default_drivers();
    let Ok(admin) = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&format!("{}/postgres", server_head(server)))
        .await
    else {
        return;
    };
    let names: Vec<String> =
        // `name` cast to text: the Any driver decodes no `name`.
        sqlx::query_scalar("SELECT CAST(datname AS TEXT) FROM pg_database WHERE datname LIKE $1")
            .bind(format!("bench_{run}%"))
            .fetch_all(&admin)
            .await
            .unwrap_or_default();
    for name in names {
        // The simple protocol: DROP DATABASE runs in no transaction block.
        let drop = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
        )));
        if let Err(error) = drop.execute(&admin).await {
            eprintln!("cannot drop the bench database {name}: {error}");
        }
    }
}
