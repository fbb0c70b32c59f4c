//! Benchmarks that print their numbers (never asserted in tests):
//! `bench transport` (the outbox relay on Pulsar beside the crate alone),
//! `bench baseline` (raw commit rates of the databases), and `bench flow`
//! (the whole audit flow, embedded or one process per service, beside the
//! baseline measured in the same run).

mod baseline;
mod deployment;
mod flow;
mod history;
mod load;
mod producer;
mod soak;
mod statements;
mod stats;
mod transport;

pub use baseline::baseline;
pub use flow::{Entrada, FlowMode, FlowOptions, flow};
pub use soak::soak;
pub use transport::transport;

/// The `p`th percentile of sorted values.
pub(crate) fn percentile(sorted: &[i64], p: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}
