use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// Runs `pass` every `every` until cancelled (the first pass after one
/// interval). A pass that fails only logs: the next one tries again.
pub async fn every<F, Fut, E>(
    what: &'static str,
    every: Duration,
    cancel: CancellationToken,
    pass: F,
) where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        if let Err(error) = pass().await {
            tracing::warn!(%error, "{what} failed; will try again");
        }
    }
}

/// Runs `pass` (a count that reads every row, for a gauge) until cancelled,
/// pausing after each pass `cost_ratio` times as long as it took, and at
/// least `every`: however many rows there are, metering costs the database
/// at most 1 / (1 + `cost_ratio`) of a core; with more history the gauges
/// refresh less often.
pub async fn metered<F, Fut, E>(
    what: &'static str,
    every: Duration,
    cost_ratio: u32,
    cancel: CancellationToken,
    pass: F,
) where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let mut pause = every;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(pause) => {}
        }
        let started = std::time::Instant::now();
        if let Err(error) = pass().await {
            tracing::warn!(%error, "{what} failed; will try again");
        }
        pause = (started.elapsed() * cost_ratio).max(every);
    }
}
