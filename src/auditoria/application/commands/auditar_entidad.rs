use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use thiserror::Error;

use super::{SagaPolicy, saga_context};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{Auditoria, Saga, TipoEntidad};
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, StoreError, TranslateError, UnitOfWork,
};
use crate::seedwork::domain::{AggregateRoot, EntityId};

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

#[derive(Debug, Error)]
pub enum AuditarEntidadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

/// Audits the record and starts its saga in the caller's transaction: the
/// audit, the saga row, `AuditoriaCompletada` and the `AprobarX` or
/// `RechazarX` command commit together.
pub struct AuditarEntidadHandler<S, M> {
    store: Arc<S>,
    messages: Arc<M>,
    policy: SagaPolicy,
}

impl<S, M> AuditarEntidadHandler<S, M> {
    pub fn new(store: Arc<S>, messages: Arc<M>, policy: SagaPolicy) -> Self {
        Self {
            store,
            messages,
            policy,
        }
    }
}

#[async_trait]
impl<S, M> CommandHandler<AuditarEntidad> for AuditarEntidadHandler<S, M>
where
    S: AuditoriaStore,
    M: SagaMessages,
{
    type Uow = S::Uow;
    type Error = AuditarEntidadError;

    async fn handle(
        &self,
        uow: &mut S::Uow,
        command: AuditarEntidad,
        ctx: &CommandContext,
    ) -> Result<Option<EntityId>, AuditarEntidadError> {
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
