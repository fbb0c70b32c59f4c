use std::sync::Arc;

use chrono::Utc;

use super::auditar_entidad::ejecutar;
use super::saga_ports::{FalloDeSaga, SagaPorts};
use super::{SagaPolicy, saga_context};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{RegistroPropiedad, Reintento, Saga};
use crate::seedwork::application::{CommandContext, StoreError, UnitOfWork, UnitOfWorkFactory};

/// Its failures, in `saga_ports`.
pub type ReintentarSagasVencidasError = FalloDeSaga;

/// Re-sends the command of every saga whose reply is overdue (same command
/// id, so the receiver's inbox applies it once), or gives up after the
/// last attempt: a decision saga fails (and with it the registration it
/// belongs to); a registration compensates a creation it gave up on, or
/// fails when a compensation cannot run. One transaction per saga. Run by
/// the saga ticker. Not a command of a topic: its own type over the saga
/// steps' ports.
pub struct ReintentarSagasVencidas<S, M>(SagaPorts<S, M>);

/// Whether a commit went through; a conflict (saves may be checked only
/// when the unit of work commits) means someone else moved the saga or
/// registration meanwhile, and theirs wins.
fn committed(outcome: Result<(), StoreError>) -> Result<bool, StoreError> {
    match outcome {
        Ok(()) => Ok(true),
        Err(StoreError::Conflict { .. }) => Ok(false),
        Err(error) => Err(error),
    }
}

impl<S, M> ReintentarSagasVencidas<S, M> {
    pub fn new(store: Arc<S>, messages: Arc<M>, policy: SagaPolicy) -> Self {
        Self(SagaPorts::new(store, messages, policy))
    }
}

impl<S, M> ReintentarSagasVencidas<S, M>
where
    S: AuditoriaStore,
    M: SagaMessages,
{
    /// Returns how many sagas moved.
    pub async fn run<F>(&self, uows: &F) -> Result<usize, ReintentarSagasVencidasError>
    where
        F: UnitOfWorkFactory<Uow = S::Uow>,
    {
        let ahora = Utc::now();
        let mut moved = 0;
        for saga in self.0.store.sagas_vencidas(ahora, 100).await? {
            let mut uow = uows.begin().await?;
            if self.vencer_saga(&mut uow, saga).await? && committed(uow.commit().await)? {
                moved += 1;
            }
        }
        for registro in self.0.store.registros_vencidos(ahora, 100).await? {
            let mut uow = uows.begin().await?;
            if self.vencer_registro(&mut uow, registro).await? && committed(uow.commit().await)? {
                moved += 1;
            }
        }
        Ok(moved)
    }

    /// Whether the saga moved (false: someone else moved it meanwhile).
    async fn vencer_saga(
        &self,
        uow: &mut S::Uow,
        mut saga: Saga,
    ) -> Result<bool, ReintentarSagasVencidasError> {
        let ahora = Utc::now();
        let ctx = saga_context(&saga, None);
        match saga.vencer(&self.0.policy.reintentos(), ahora) {
            Reintento::Reenviar => {
                tracing::warn!(saga = %saga.id(), intento = saga.intentos(), "no reply in time; re-sending the command");
                uow.add_message(self.0.messages.comando(&saga, &ctx)?);
            }
            Reintento::Abandonar => {
                tracing::error!(saga = %saga.id(), error = ?saga.ultimo_error(), "saga failed");
                let registro = self
                    .0
                    .store
                    .registro_de(uow, saga.tipo_entidad(), saga.id_entidad())
                    .await?;
                if let Some(mut registro) = registro {
                    let error = saga.ultimo_error().unwrap_or("decision failed").to_owned();
                    if registro.decision_fallida(&error, ahora) {
                        self.guardar_registro(uow, &registro, Vec::new(), &ctx)
                            .await?;
                    }
                }
            }
        }
        match self.0.store.guardar_saga(uow, &saga).await {
            // Completed or re-sent by someone else meanwhile: theirs wins.
            Err(StoreError::Conflict { .. }) => Ok(false),
            other => other.map(|()| true).map_err(Into::into),
        }
    }

    async fn vencer_registro(
        &self,
        uow: &mut S::Uow,
        mut registro: RegistroPropiedad,
    ) -> Result<bool, ReintentarSagasVencidasError> {
        let acciones = registro.vencer(
            &self.0.policy.reintentos(),
            uuid::Uuid::now_v7().to_string(),
            Utc::now(),
        );
        tracing::warn!(registro = %registro.id(), paso = registro.paso().as_str(), estado = %registro.estado(), "registration step overdue");
        let ctx = CommandContext::new_root_correlated(Some(&registro.id().to_string()));
        match self.guardar_registro(uow, &registro, acciones, &ctx).await {
            Err(ReintentarSagasVencidasError::Store(StoreError::Conflict { .. })) => Ok(false),
            other => other.map(|()| true),
        }
    }

    async fn guardar_registro(
        &self,
        uow: &mut S::Uow,
        registro: &RegistroPropiedad,
        acciones: Vec<crate::auditoria::domain::AccionDeRegistro>,
        ctx: &CommandContext,
    ) -> Result<(), ReintentarSagasVencidasError> {
        ejecutar(
            self.0.store.as_ref(),
            self.0.messages.as_ref(),
            uow,
            registro,
            acciones,
            ctx,
            self.0.policy,
        )
        .await
    }
}
