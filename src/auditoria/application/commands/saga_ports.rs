//! What a saga step's handler works with, and how a step fails. Each step
//! names them for its use case (`type RegistrarResultadoHandler<S, M> =
//! SagaPorts<S, M>`, `type RegistrarResultadoError = FalloDeSaga`): its
//! `CommandHandler` impl holds its own rules, while the ports, the failures
//! and their verdict on a topic are written once, here.

use std::sync::Arc;

use thiserror::Error;

use super::SagaPolicy;
use crate::auditoria::application::{Auditorias, SagaMessages};
use crate::auditoria::domain::{Auditoria, TipoEntidad, TransicionAuditoria};
use crate::seedwork::application::{
    CommandContext, FalloComando, HandleError, StoreError, TranslateError, UnitOfWork,
};
use crate::seedwork::domain::AggregateRoot;

/// Saves an audit a step changed and stages its `AuditoriaCompletada`
/// events in the same unit of work (the outbox rows commit with it).
pub(super) async fn guardar_auditoria<S, M, E>(
    store: &S,
    messages: &M,
    uow: &mut S::Uow,
    auditoria: &mut Auditoria,
    ctx: &CommandContext,
) -> Result<(), E>
where
    S: Auditorias,
    M: SagaMessages,
    E: From<StoreError> + From<TranslateError>,
{
    store.guardar_auditoria(uow, auditoria).await?;
    for event in auditoria.take_events() {
        uow.add_message(messages.auditoria_completada(&event, ctx)?);
    }
    Ok(())
}

/// The audits', sagas' and registrations' store, the commands and events a
/// step sends, and how long a saga waits for a reply.
pub struct SagaPorts<S, M> {
    pub(super) store: Arc<S>,
    pub(super) messages: Arc<M>,
    pub(super) policy: SagaPolicy,
}

impl<S, M> SagaPorts<S, M> {
    pub fn new(store: Arc<S>, messages: Arc<M>, policy: SagaPolicy) -> Self {
        Self {
            store,
            messages,
            policy,
        }
    }
}

/// Why a step of a saga (an audit, a reply, a refusal, a compensation, a
/// retry) was not taken: the store failed, or a message could not be
/// encoded.
#[derive(Debug, Error)]
pub enum FalloDeSaga {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

/// Why an auditor's review (decide, reopen) was not applied.
#[derive(Debug, Error)]
pub enum FalloDeRevision {
    #[error("no audit of {0} {1}")]
    NoEncontrada(TipoEntidad, String),
    /// A registration decides its two parts together: one part alone is
    /// reviewed only while the registration waits on it.
    #[error("{0} {1} is part of a property registration that is not waiting on it")]
    ParteDeRegistro(TipoEntidad, String),
    #[error(transparent)]
    TransicionInvalida(#[from] TransicionAuditoria),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

/// A step from a topic: an outage waits; a message that cannot be encoded
/// never will be (poison).
impl From<FalloDeSaga> for HandleError {
    fn from(error: FalloDeSaga) -> Self {
        match error {
            FalloDeSaga::Store(e) => e.into(),
            FalloDeSaga::Encoding(_) => HandleError::Poison(error.to_string()),
        }
    }
}

/// A review from `comandos-revisiones`: an outage waits; a transition the
/// audit refuses is answered to its sender; an audit that is not there, or
/// is a part its registration does not wait on, never will be (poison).
impl From<FalloDeRevision> for FalloComando {
    fn from(error: FalloDeRevision) -> Self {
        match error {
            FalloDeRevision::Store(e) => e.into(),
            FalloDeRevision::TransicionInvalida(e) => FalloComando::Rechazo {
                motivo: e.to_string(),
                estado_actual: None,
            },
            FalloDeRevision::NoEncontrada(..)
            | FalloDeRevision::ParteDeRegistro(..)
            | FalloDeRevision::Encoding(_) => HandleError::Poison(error.to_string()).into(),
        }
    }
}
