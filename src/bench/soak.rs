//! `propalpes bench soak --minutes M --rate R`: a steady paced load through
//! the BFF for M minutes, and each minute what an operator watches for
//! leaks: the RSS of each process, rows and bytes of the tables retention
//! owns in each context database, the outbox backlog, and the p99 of
//! create → final in the projection for that minute's creations. At the
//! end: RSS and retained rows of the last minutes against the first ones
//! after the retention windows. Retention follows the environment
//! (`OUTBOX_RETENTION`, `INBOX_RETENTION`, `RETENTION_INTERVAL`), which the
//! services inherit.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use tokio::sync::Mutex;

use super::deployment::{Deployment, Topology};
use super::flow::{FlowMode, infrastructure};
use super::load::{Sent, drive, wait_final};
use super::percentile;
use super::stats::status_kib;
use crate::seedwork::infrastructure::retention::table_sizes;
use crate::seedwork::infrastructure::{Backend, InfraError};
use crate::settings::Settings;

const CONTEXTS: [&str; 4] = ["companias", "geograficos", "auditoria", "bff_web"];

/// One minute's readings.
struct Minute {
    rss_kib: Vec<(String, u64)>,
    /// (context, table, rows, bytes)
    tables: Vec<(&'static str, &'static str, i64, i64)>,
    backlog: i64,
    p99: Option<i64>,
    created: usize,
}

pub async fn soak(
    args: &Settings,
    mode: FlowMode,
    minutes: u64,
    rate: u32,
) -> Result<(), InfraError> {
    let topology = match mode {
        FlowMode::Embedded => Topology::Embedded,
        FlowMode::Distributed => Topology::Distributed {
            infra: infrastructure(args)?,
            instances: 1,
        },
    };
    println!(
        "soak: {minutes} min at {rate} creations/s ({mode:?}); OUTBOX_RETENTION={} INBOX_RETENTION={} RETENTION_INTERVAL={}",
        std::env::var("OUTBOX_RETENTION").unwrap_or_else(|_| args.retention.outbox.to_string()),
        std::env::var("INBOX_RETENTION").unwrap_or_else(|_| args.retention.inbox.to_string()),
        std::env::var("RETENTION_INTERVAL").unwrap_or_else(|_| args.retention.interval.to_string()),
    );
    let deployment = Deployment::start(&topology).await?;
    let outcome = run(&deployment, minutes, rate).await;
    deployment.stop().await;
    let readings = outcome?;
    summarize(&readings);
    Ok(())
}

async fn run(deployment: &Deployment, minutes: u64, rate: u32) -> Result<Vec<Minute>, InfraError> {
    install_default_drivers();
    let mut pools: Vec<(&'static str, AnyPool, Backend)> = Vec::new();
    for context in CONTEXTS {
        let url = deployment.database_url(context);
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        pools.push((
            context,
            AnyPoolOptions::new()
                .max_connections(1)
                .connect(&url)
                .await?,
            backend,
        ));
    }
    let projection = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&deployment.projection_url)
        .await?;
    // The load: one paced minute after another, in the background.
    let finished: Arc<Mutex<Vec<Sent>>> = Arc::default();
    let load = {
        let (bff, finished) = (deployment.bff_url.clone(), finished.clone());
        let per_minute = rate as usize * 60;
        tokio::spawn(async move {
            for minute in 0..minutes as usize {
                let sent = drive(&bff, minute * per_minute, per_minute, Some(rate)).await?;
                finished.lock().await.push(sent);
            }
            Ok::<(), InfraError>(())
        })
    };
    let started = Instant::now();
    let mut readings = Vec::new();
    for minute in 1..=minutes {
        tokio::time::sleep_until((started + Duration::from_secs(60 * minute)).into()).await;
        let done = finished.lock().await.pop();
        let (p99, created) = match done {
            Some(sent) => {
                let finals = wait_final(&projection, &sent, Duration::from_secs(60)).await?;
                let mut latencies: Vec<i64> = finals
                    .iter()
                    .filter_map(|(id, at)| sent.get(id).map(|s| (at - s).max(0)))
                    .collect();
                latencies.sort_unstable();
                (Some(percentile(&latencies, 99.0)), sent.len())
            }
            None => (None, 0),
        };
        let reading = read(deployment, &pools, p99, created).await?;
        print_minute(minute, &reading);
        readings.push(reading);
    }
    load.await.map_err(|e| InfraError::Bus(e.to_string()))??;
    Ok(readings)
}

async fn read(
    deployment: &Deployment,
    pools: &[(&'static str, AnyPool, Backend)],
    p99: Option<i64>,
    created: usize,
) -> Result<Minute, InfraError> {
    let mut tables = Vec::new();
    let mut backlog = 0;
    for (context, pool, backend) in pools {
        let sizes = table_sizes(pool, *backend)
            .await
            .map_err(|e| InfraError::Bus(e.to_string()))?;
        for size in sizes {
            tables.push((*context, size.table, size.rows, size.bytes));
        }
        let pending: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(pool)
            .await?;
        backlog += pending;
    }
    let rss_kib = deployment
        .services
        .iter()
        .map(|s| {
            (
                format!("{} :{}", s.role, s.port),
                status_kib(s.pid(), "VmRSS"),
            )
        })
        .collect();
    Ok(Minute {
        rss_kib,
        tables,
        backlog,
        p99,
        created,
    })
}

fn print_minute(minute: u64, m: &Minute) {
    let rss: Vec<String> = m
        .rss_kib
        .iter()
        .map(|(role, kib)| format!("{role} {} MB", kib / 1024))
        .collect();
    println!(
        "minute {minute:>3}: {} created, p99 {} ms, outbox backlog {}; RSS {}",
        m.created,
        m.p99.map_or_else(|| "-".to_owned(), |p| p.to_string()),
        m.backlog,
        rss.join(", ")
    );
    let tables: Vec<String> = m
        .tables
        .iter()
        .filter(|(_, table, _, _)| matches!(*table, "outbox" | "inbox"))
        .map(|(context, table, rows, bytes)| {
            format!("{context}.{table} {rows} rows/{} kB", bytes / 1024)
        })
        .collect();
    println!("            {}", tables.join(", "));
}

/// RSS and retained rows: the mean of the last third against the middle
/// third (after the retention windows have filled).
fn summarize(readings: &[Minute]) {
    let n = readings.len();
    if n < 3 {
        return;
    }
    let middle = &readings[n / 3..2 * n / 3];
    let last = &readings[2 * n / 3..];
    let mean =
        |ms: &[Minute], f: &dyn Fn(&Minute) -> f64| ms.iter().map(f).sum::<f64>() / ms.len() as f64;
    let rss = |m: &Minute| m.rss_kib.iter().map(|(_, k)| *k as f64).sum::<f64>();
    let rows = |m: &Minute| {
        m.tables
            .iter()
            .filter(|(_, t, _, _)| matches!(*t, "outbox" | "inbox"))
            .map(|(_, _, r, _)| *r as f64)
            .sum::<f64>()
    };
    let (rss_mid, rss_last) = (mean(middle, &rss), mean(last, &rss));
    let (rows_mid, rows_last) = (mean(middle, &rows), mean(last, &rows));
    println!(
        "soak summary: RSS (all processes) {:.0} MB in the middle third, {:.0} MB in the last ({:+.1} %); \
         outbox + inbox rows {:.0} then {:.0} ({:+.1} %)",
        rss_mid / 1024.0,
        rss_last / 1024.0,
        100.0 * (rss_last - rss_mid) / rss_mid.max(1.0),
        rows_mid,
        rows_last,
        100.0 * (rows_last - rows_mid) / rows_mid.max(1.0)
    );
}
