use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{Duration, Utc};
use thiserror::Error;

use super::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{Auditoria, Reintento, Saga, TipoEntidad};
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, StoreError, TranslateError, UnitOfWork,
    UnitOfWorkFactory,
};
use crate::seedwork::domain::{AggregateRoot, EntityId, Estado};

#[derive(Debug, Error)]
pub enum AuditoriaError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

/// How long the saga waits for a reply and how often it re-sends.
#[derive(Debug, Clone, Copy)]
pub struct SagaPolicy {
    pub timeout: std::time::Duration,
    pub max_intentos: u32,
}

impl SagaPolicy {
    fn timeout(&self) -> Duration {
        Duration::from_std(self.timeout).unwrap_or(Duration::seconds(30))
    }
}

/// The context of the saga's command: its own id on every (re-)send, in
/// the conversation of the record that started the saga.
fn saga_context(saga: &Saga, causation_id: Option<&str>) -> CommandContext {
    CommandContext {
        command_id: saga.id_comando.clone(),
        correlation_id: saga.correlation_id.clone(),
        causation_id: causation_id.map(str::to_owned),
    }
}

/// Audit a record that was just created (from its `...Creada` event).
#[derive(Debug, Clone)]
pub struct AuditarEntidad {
    pub tipo: TipoEntidad,
    pub id_entidad: String,
    pub campos: BTreeMap<String, String>,
}

impl Command for AuditarEntidad {
    const NAME: &'static str = "AuditarEntidad";
    /// The audit's id, or None when the record had been audited already.
    type Output = Option<EntityId>;
}

/// The source context reports a record's final state (its `...Aprobada` or
/// `...Rechazada` event): the saga waiting for it is done.
#[derive(Debug, Clone)]
pub struct RegistrarResultado {
    pub tipo: TipoEntidad,
    pub id_entidad: String,
    pub estado: Estado,
}

impl Command for RegistrarResultado {
    const NAME: &'static str = "RegistrarResultado";
    type Output = ();
}

pub struct AuditoriaCommands<S, M> {
    store: S,
    messages: M,
    policy: SagaPolicy,
}

impl<S, M> AuditoriaCommands<S, M>
where
    S: AuditoriaStore,
    M: SagaMessages,
{
    pub fn new(store: S, messages: M, policy: SagaPolicy) -> Self {
        Self {
            store,
            messages,
            policy,
        }
    }

    /// Re-sends the command of every overdue saga, or fails it after its
    /// last attempt, one transaction per saga. Returns how many sagas moved.
    pub async fn reintentar_vencidas<F>(&self, uows: &F) -> Result<usize, AuditoriaError>
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
                    tracing::warn!(saga = %saga.id, intento = saga.intentos, "no reply in time; re-sending the command");
                    uow.add_message(self.messages.comando(&saga, &ctx)?);
                }
                Reintento::Abandonar => {
                    tracing::error!(saga = %saga.id, error = ?saga.ultimo_error, "saga failed");
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

#[async_trait]
impl<S, M> CommandHandler<AuditarEntidad> for AuditoriaCommands<S, M>
where
    S: AuditoriaStore,
    M: SagaMessages,
{
    type Uow = S::Uow;
    type Error = AuditoriaError;

    async fn handle(
        &self,
        uow: &mut S::Uow,
        command: AuditarEntidad,
        ctx: &CommandContext,
    ) -> Result<Option<EntityId>, AuditoriaError> {
        // The same record announced twice (another event id): one audit, one saga.
        if self
            .store
            .auditada(uow, command.tipo, &command.id_entidad)
            .await?
        {
            return Ok(None);
        }
        let ahora = Utc::now();
        let campos = command.campos;
        let mut auditoria = Auditoria::realizar(
            EntityId::new(),
            command.tipo,
            &command.id_entidad,
            &|c| campos.get(c).cloned(),
            ahora,
        );
        let saga = Saga::iniciar(
            &auditoria,
            uuid::Uuid::now_v7().to_string(),
            &ctx.correlation_id,
            self.policy.timeout(),
            ahora,
        );
        self.store.guardar_auditoria(uow, &auditoria).await?;
        self.store.guardar_saga(uow, &saga).await?;
        for event in auditoria.take_events() {
            uow.add_message(self.messages.auditoria_completada(&event, ctx)?);
        }
        let saga_ctx = saga_context(&saga, Some(&ctx.command_id));
        uow.add_message(self.messages.comando(&saga, &saga_ctx)?);
        Ok(Some(auditoria.id()))
    }
}

#[async_trait]
impl<S, M> CommandHandler<RegistrarResultado> for AuditoriaCommands<S, M>
where
    S: AuditoriaStore,
    M: SagaMessages,
{
    type Uow = S::Uow;
    type Error = AuditoriaError;

    async fn handle(
        &self,
        uow: &mut S::Uow,
        command: RegistrarResultado,
        _ctx: &CommandContext,
    ) -> Result<(), AuditoriaError> {
        // A manual decision on a record the audit never saw has no saga.
        if let Some(mut saga) = self
            .store
            .saga_de(uow, command.tipo, &command.id_entidad)
            .await?
        {
            if saga.completar(command.estado, Utc::now()) {
                self.store.guardar_saga(uow, &saga).await?;
            }
        }
        Ok(())
    }
}
