//! The flow bench's load: creations through the public entry point (the
//! BFF's GraphQL mutations), a burst from concurrent clients or a paced
//! stream, and the wait until every record is final in the BFF projection.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sqlx::AnyPool;
use tokio::sync::Mutex;

use crate::seedwork::infrastructure::InfraError;

/// Concurrent clients of a burst.
const CLIENTS: usize = 64;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The `i`th creation: companies and properties in turn, every third one
/// incomplete (blank email, latitude out of range) so both verdicts occur.
fn creation(i: usize) -> Value {
    let incomplete = i % 3 == 0;
    if i % 2 == 0 {
        json!({
            "query": "mutation($i: CrearCompaniaInput!) { crearCompania(input: $i) { idEntidad } }",
            "variables": {"i": {
                "nombre": format!("Inmobiliaria {i}"),
                "email": if incomplete { String::new() } else { format!("contacto{i}@andes.co") },
                "identificacion": format!("900{i:06}"),
            }}
        })
    } else {
        json!({
            "query": "mutation($i: CrearDatosGeograficosInput!) { crearDatosGeograficos(input: $i) { idEntidad } }",
            "variables": {"i": {
                "nombrePropiedad": format!("Lote {i}"),
                "latitud": if incomplete { "95".to_owned() } else { "4.6".to_owned() },
                "longitud": "-74.08",
            }}
        })
    }
}

/// When each created record was sent, by its id.
pub type Sent = HashMap<String, i64>;

async fn send(http: &reqwest::Client, url: &str, i: usize) -> Result<(String, i64), InfraError> {
    let at = now_ms();
    let response: Value = http
        .post(url)
        .json(&creation(i))
        .send()
        .await
        .map_err(|e| InfraError::Bus(e.to_string()))?
        .json()
        .await
        .map_err(|e| InfraError::Bus(e.to_string()))?;
    let id = response["data"]
        .as_object()
        .and_then(|d| d.values().next())
        .and_then(|m| m["idEntidad"].as_str())
        .ok_or_else(|| InfraError::Bus(format!("mutation refused: {response}")))?;
    Ok((id.to_owned(), at))
}

/// Sends `n` creations (numbered from `first`): as fast as `CLIENTS`
/// concurrent clients go, or at `rate` per second.
pub async fn drive(
    bff_url: &str,
    first: usize,
    n: usize,
    rate: Option<u32>,
) -> Result<Sent, InfraError> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS * 2)
        .build()
        .map_err(|e| InfraError::Bus(e.to_string()))?;
    let url = format!("{bff_url}/graphql");
    let sent = Arc::new(Mutex::new(Sent::with_capacity(n)));
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    let workers = match rate {
        Some(_) => n,
        None => CLIENTS.min(n),
    };
    for worker in 0..workers {
        let (http, url, sent, next) = (http.clone(), url.clone(), sent.clone(), next.clone());
        if let Some(rate) = rate {
            // Paced: the worker-th request leaves at worker / rate seconds.
            let due = started + Duration::from_secs_f64(worker as f64 / f64::from(rate.max(1)));
            tasks.push(tokio::spawn(async move {
                tokio::time::sleep_until(due.into()).await;
                let (id, at) = send(&http, &url, first + worker).await?;
                sent.lock().await.insert(id, at);
                Ok::<(), InfraError>(())
            }));
            continue;
        }
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    return Ok(());
                }
                let (id, at) = send(&http, &url, first + i).await?;
                sent.lock().await.insert(id, at);
            }
        }));
    }
    for task in tasks {
        task.await.map_err(|e| InfraError::Bus(e.to_string()))??;
    }
    let sent = std::mem::take(&mut *sent.lock().await);
    Ok(sent)
}

/// The records created since `$1` (ms), through the index on (tipo,
/// fecha_creacion): the run's own, not the history before it.
const SINCE: &str =
    "FROM registros WHERE tipo IN ('Compania', 'DatosGeograficos') AND fecha_creacion >= $1";

/// Waits until every record of `sent` is final (Aprobada, Rechazada or
/// EnRevision) in the projection; returns the time each became final
/// (projection clock, ms), or an error after `timeout`. Counts only the
/// records created since the first of them was sent, so the cost of the
/// wait does not grow with the history the projection holds.
pub async fn wait_final(
    projection: &AnyPool,
    sent: &Sent,
    timeout: Duration,
) -> Result<HashMap<String, i64>, InfraError> {
    let deadline = Instant::now() + timeout;
    let expected = sent.len() as i64;
    let since = sent.values().min().copied().unwrap_or(0) - 1_000;
    loop {
        let count = format!("SELECT COUNT(*) {SINCE} AND estado <> 'Pendiente'");
        let finals: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count))
            .bind(since)
            .fetch_one(projection)
            .await
            .unwrap_or(0);
        if finals >= expected {
            break;
        }
        if Instant::now() > deadline {
            return Err(InfraError::Bus(format!(
                "only {finals} of {expected} records final after {timeout:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let select = format!("SELECT id, proyectado_en {SINCE}");
    let rows: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(select))
        .bind(since)
        .fetch_all(projection)
        .await
        .map_err(InfraError::Database)?;
    Ok(rows
        .into_iter()
        .filter(|(id, _)| sent.contains_key(id))
        .collect())
}
