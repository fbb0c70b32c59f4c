use std::sync::Arc;

use chrono::Utc;
use thiserror::Error;

use super::{SagaPolicy, saga_context};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::Reintento;
use crate::seedwork::application::{StoreError, TranslateError, UnitOfWork, UnitOfWorkFactory};

#[derive(Debug, Error)]
pub enum ReintentarSagasVencidasError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

/// Re-sends the command of every saga whose reply is overdue (same command
/// id, so the receiver's inbox applies it once), or fails the saga after
/// its last attempt, one transaction per saga. Run by the saga ticker.
pub struct ReintentarSagasVencidas<S, M> {
    store: Arc<S>,
    messages: Arc<M>,
    policy: SagaPolicy,
}

impl<S, M> ReintentarSagasVencidas<S, M>
where
    S: AuditoriaStore,
    M: SagaMessages,
{
    pub fn new(store: Arc<S>, messages: Arc<M>, policy: SagaPolicy) -> Self {
        Self {
            store,
            messages,
            policy,
        }
    }

    /// Returns how many sagas moved.
    pub async fn run<F>(&self, uows: &F) -> Result<usize, ReintentarSagasVencidasError>
    where
        F: UnitOfWorkFactory<Uow = S::Uow>,
    {
        let ahora = Utc::now();
        let vencidas = self.store.sagas_vencidas(ahora, 100).await?;
        let mut moved = 0;
        for mut saga in vencidas {
            let mut uow = uows.begin().await?;
            let ctx = saga_context(&saga, None);
            match saga.vencer(self.policy.max_intentos, self.policy.timeout(), ahora) {
                Reintento::Reenviar => {
                    tracing::warn!(saga = %saga.id(), intento = saga.intentos(), "no reply in time; re-sending the command");
                    uow.add_message(self.messages.comando(&saga, &ctx)?);
                }
                Reintento::Abandonar => {
                    tracing::error!(saga = %saga.id(), error = ?saga.ultimo_error(), "saga failed");
                }
            }
            match self.store.guardar_saga(&mut uow, &saga).await {
                // Completed or re-sent by someone else meanwhile: theirs wins.
                Err(StoreError::Conflict { .. }) => continue,
                other => other?,
            }
            uow.commit().await?;
            moved += 1;
        }
        Ok(moved)
    }
}
