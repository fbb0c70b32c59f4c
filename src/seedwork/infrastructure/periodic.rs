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
