//! Replays asked of the embedded bus from another process (`propalpes dlq
//! replay`, the operations view): the request recorded on the letters, and
//! what became of them — applied, refused by the context they command,
//! failed again, or still waiting for the process that subscribes.

use std::time::{Duration, Instant};

use sqlx::Row;

use super::sql_unit_of_work::now_millis;
use super::{EmbeddedBus, store_error};
use crate::contracts::topics;
use crate::seedwork::application::{CAUSATION_PROPERTY, Message, StoreError};

/// How long a refusal may take to follow the delivery it answers (written
/// with the command's inbox row, published by the relay just after).
const REFUSAL_SETTLE: Duration = Duration::from_secs(1);

/// The letters one `dlq replay` asked for.
#[derive(Debug, Clone)]
pub struct ReplayRequest {
    pub topic: String,
    pub requested_at: i64,
    pub letters: Vec<RequestedLetter>,
}

#[derive(Debug, Clone)]
pub struct RequestedLetter {
    pub seq: i64,
    pub id: String,
    pub subscription: String,
}

/// What became of a replay request's letters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplayStatus {
    /// Delivered, and the subscriber took them.
    pub applied: usize,
    /// Delivered and taken, but refused by the context they command (its
    /// `ComandoRechazado` answer was seen): they will never apply.
    pub refused: usize,
    /// Delivered, failed again and dead-lettered anew.
    pub failed_again: usize,
    /// Not replayed yet (no running process with their subscription).
    pub waiting: usize,
}

impl EmbeddedBus {
    /// Marks dead letters of `topic` (one, or all when `id` is None) for
    /// replay; the process holding their subscription replays them (its
    /// replayer, or `replay_requested`). Returns the request to follow.
    pub async fn request_replay(
        &self,
        topic: &str,
        id: Option<&str>,
    ) -> Result<ReplayRequest, StoreError> {
        let at = now_millis();
        let rows = sqlx::query(
            "UPDATE dead_letters SET replay_requested_at = $1 \
             WHERE topic = $2 AND replayed_at IS NULL AND ($3 = '' OR id = $3) RETURNING seq, id, subscription",
        )
        .bind(at)
        .bind(topic)
        .bind(id.unwrap_or(""))
        .fetch_all(self.dead_letters.pool())
        .await
        .map_err(store_error)?;
        let mut request = ReplayRequest {
            topic: topic.to_owned(),
            requested_at: at,
            letters: Vec::with_capacity(rows.len()),
        };
        for row in &rows {
            request.letters.push(RequestedLetter {
                seq: row.try_get("seq").map_err(store_error)?,
                id: row.try_get("id").map_err(store_error)?,
                subscription: row.try_get("subscription").map_err(store_error)?,
            });
        }
        Ok(request)
    }

    /// Where a replay request stands: how many of its letters wait, how
    /// many were replayed but failed again (dead-lettered anew since), and
    /// how many the context they command refused.
    pub async fn replay_status(&self, request: &ReplayRequest) -> Result<ReplayStatus, StoreError> {
        let Some(first) = request.letters.iter().map(|l| l.seq).min() else {
            return Ok(ReplayStatus::default());
        };
        // Two queries whatever the request's size: the topic's letters from
        // the first requested one on, unreplayed or written since the request.
        let rows = sqlx::query(
            "SELECT seq, id, subscription, replayed_at, created_at, refused_at FROM dead_letters \
             WHERE topic = $1 AND seq >= $2 \
             AND (replayed_at IS NULL OR created_at >= $3 OR refused_at >= $3)",
        )
        .bind(&request.topic)
        .bind(first)
        .bind(request.requested_at)
        .fetch_all(self.dead_letters.pool())
        .await
        .map_err(store_error)?;
        let mut unreplayed = std::collections::HashSet::new();
        let mut anew = std::collections::HashSet::new();
        let mut refused = std::collections::HashSet::new();
        for row in &rows {
            let seq: i64 = row.try_get("seq").map_err(store_error)?;
            let replayed_at: Option<i64> = row.try_get("replayed_at").map_err(store_error)?;
            if replayed_at.is_none() {
                unreplayed.insert(seq);
            }
            let refused_at: Option<i64> = row.try_get("refused_at").map_err(store_error)?;
            if refused_at.is_some_and(|at| at >= request.requested_at) {
                refused.insert(seq);
            }
            let created_at: i64 = row.try_get("created_at").map_err(store_error)?;
            if created_at >= request.requested_at {
                let id: String = row.try_get("id").map_err(store_error)?;
                let subscription: String = row.try_get("subscription").map_err(store_error)?;
                anew.insert((seq, id, subscription));
            }
        }
        let mut status = ReplayStatus::default();
        for letter in &request.letters {
            if unreplayed.contains(&letter.seq) {
                status.waiting += 1;
            } else if anew.iter().any(|(seq, id, subscription)| {
                *seq > letter.seq && *id == letter.id && *subscription == letter.subscription
            }) {
                status.failed_again += 1;
            } else if refused.contains(&letter.seq) {
                status.refused += 1;
            } else {
                status.applied += 1;
            }
        }
        Ok(status)
    }

    /// Follows `request` until none of its letters waits or `wait` is over,
    /// then a moment more when some were taken: their refusals, if any,
    /// reach the bus just after the deliveries they answer.
    pub async fn follow_replay(
        &self,
        request: &ReplayRequest,
        wait: Duration,
    ) -> Result<ReplayStatus, StoreError> {
        let deadline = Instant::now() + wait;
        let mut status = self.replay_status(request).await?;
        while status.waiting > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
            status = self.replay_status(request).await?;
        }
        if status.applied > 0 {
            tokio::time::sleep(REFUSAL_SETTLE).await;
            status = self.replay_status(request).await?;
        }
        Ok(status)
    }

    /// Marks the letters asked to be replayed that a published refusal
    /// (`ComandoRechazado`, naming the command as its causation) answers:
    /// one statement for the run. Best effort: the refusal is delivered
    /// whatever becomes of the mark.
    pub(super) async fn note_refusals(&self, messages: &[Message]) {
        let refused: Vec<&str> = messages
            .iter()
            .filter(|m| m.topic == topics::RECHAZOS_COMANDOS)
            .filter_map(|m| m.properties.get(CAUSATION_PROPERTY))
            .map(String::as_str)
            .collect();
        if refused.is_empty() {
            return;
        }
        if let Err(error) = self.mark_refused(&refused).await {
            tracing::warn!(%error, "refusals of replayed letters not recorded");
        }
    }

    /// Marks the letters asked to be replayed among `ids`; reads first
    /// (through the partial index of such letters), so a saga's ordinary
    /// refusals never take the write lock.
    async fn mark_refused(&self, ids: &[&str]) -> Result<(), sqlx::Error> {
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let asked = format!(
            "SELECT seq FROM dead_letters WHERE replay_requested_at IS NOT NULL \
             AND refused_at IS NULL AND id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(asked));
        for id in ids {
            query = query.bind(id.to_string());
        }
        let rows = query.fetch_all(self.dead_letters.pool()).await?;
        let seqs: Vec<i64> = rows
            .iter()
            .map(|row| row.try_get("seq"))
            .collect::<Result<_, _>>()?;
        if seqs.is_empty() {
            return Ok(());
        }
        let placeholders: Vec<String> = (2..seqs.len() + 2).map(|i| format!("${i}")).collect();
        let mark = format!(
            "UPDATE dead_letters SET refused_at = $1 WHERE seq IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(mark)).bind(now_millis());
        for seq in seqs {
            query = query.bind(seq);
        }
        query.execute(self.dead_letters.pool()).await?;
        Ok(())
    }
}
