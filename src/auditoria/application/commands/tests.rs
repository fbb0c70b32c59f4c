//! The saga's command handlers against in-memory ports: no database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::*;
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{
    Auditoria, AuditoriaCompletada, Decision, EstadoSaga, Saga, SagaSnapshot, TipoEntidad,
};
use crate::seedwork::application::testing::{MemoryUnitOfWork, MemoryUnitOfWorkFactory};
use crate::seedwork::application::{CommandContext, Message, StoreError, TranslateError, dispatch};
use crate::seedwork::domain::Estado;

/// Audits and sagas in memory; writes staged until commit.
#[derive(Clone, Default)]
struct MemoryAuditorias {
    audits: Arc<Mutex<Vec<(TipoEntidad, String)>>>,
    sagas: Arc<Mutex<HashMap<String, SagaSnapshot>>>,
}

#[async_trait]
impl AuditoriaStore for MemoryAuditorias {
    type Uow = MemoryUnitOfWork;

    async fn auditada(
        &self,
        _uow: &mut MemoryUnitOfWork,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<bool, StoreError> {
        let audits = self.audits.lock().expect("lock");
        Ok(audits.iter().any(|(t, id)| *t == tipo && id == id_entidad))
    }

    async fn guardar_auditoria(
        &self,
        uow: &mut MemoryUnitOfWork,
        a: &Auditoria,
    ) -> Result<(), StoreError> {
        let (audits, row) = (
            self.audits.clone(),
            (a.tipo_entidad(), a.id_entidad().to_owned()),
        );
        uow.stage(move || audits.lock().expect("lock").push(row));
        Ok(())
    }

    async fn saga_de(
        &self,
        _uow: &mut MemoryUnitOfWork,
        _tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<Option<Saga>, StoreError> {
        let sagas = self.sagas.lock().expect("lock");
        Ok(sagas.get(id_entidad).cloned().map(Saga::restore))
    }

    async fn guardar_saga(
        &self,
        uow: &mut MemoryUnitOfWork,
        saga: &Saga,
    ) -> Result<(), StoreError> {
        let mut stored = saga.snapshot().clone();
        stored.version += 1;
        let sagas = self.sagas.clone();
        uow.stage(move || {
            sagas
                .lock()
                .expect("lock")
                .insert(stored.id_entidad.clone(), stored);
        });
        Ok(())
    }

    async fn sagas_vencidas(
        &self,
        ahora: DateTime<Utc>,
        _limit: i64,
    ) -> Result<Vec<Saga>, StoreError> {
        let sagas = self.sagas.lock().expect("lock");
        Ok(sagas
            .values()
            .filter(|s| s.estado == EstadoSaga::Pendiente && s.proximo_intento <= ahora)
            .cloned()
            .map(Saga::restore)
            .collect())
    }
}

/// Messages named after what they are: the event, or the saga's command
/// (with the saga's command id, as the receiver's inbox needs).
struct NamedSagaMessages;

impl SagaMessages for NamedSagaMessages {
    fn auditoria_completada(
        &self,
        e: &AuditoriaCompletada,
        _ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        Ok(message(
            uuid::Uuid::now_v7().to_string(),
            "AuditoriaCompletada",
            &e.id_entidad,
        ))
    }

    fn comando(&self, saga: &Saga, ctx: &CommandContext) -> Result<Message, TranslateError> {
        let kind = match saga.decision() {
            Decision::Aprobar => "Aprobar",
            Decision::Rechazar => "Rechazar",
        };
        Ok(message(ctx.command_id.clone(), kind, saga.id_entidad()))
    }
}

fn message(id: String, kind: &str, key: &str) -> Message {
    Message {
        id,
        topic: "test".into(),
        key: key.to_owned(),
        message_type: kind.to_owned(),
        schema_version: 1,
        properties: Default::default(),
        payload: Vec::new(),
        redelivery_count: 0,
    }
}

fn policy(timeout_ms: u64) -> SagaPolicy {
    SagaPolicy {
        timeout: std::time::Duration::from_millis(timeout_ms),
        max_intentos: 3,
    }
}

fn auditar(id: &str, email: &str) -> AuditarEntidad {
    AuditarEntidad {
        tipo: TipoEntidad::Compania,
        id_entidad: id.to_owned(),
        campos: [
            ("nombre", "Andes"),
            ("email", email),
            ("identificacion", "900123"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
    }
}

#[tokio::test]
async fn auditar_entidad_commits_the_audit_its_event_the_saga_and_its_command_once() {
    let (uows, store) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryAuditorias::default(),
    );
    let handler = AuditarEntidadHandler::new(
        Arc::new(store.clone()),
        Arc::new(NamedSagaMessages),
        policy(30_000),
    );
    let first = dispatch(
        &uows,
        &handler,
        auditar("c-1", ""),
        CommandContext::new_root(),
    )
    .await
    .expect("audit");
    assert!(first.is_some());
    let again = dispatch(
        &uows,
        &handler,
        auditar("c-1", ""),
        CommandContext::new_root(),
    )
    .await
    .expect("announced again");
    assert_eq!(again, None, "one audit, one saga per record");
    assert_eq!(uows.committed_types(), ["AuditoriaCompletada", "Rechazar"]);
    let saga = store.sagas.lock().expect("lock")["c-1"].clone();
    assert_eq!(saga.decision, Decision::Rechazar);
    assert_eq!(saga.motivos, ["email faltante"]);
}

#[tokio::test]
async fn registrar_resultado_completes_the_saga_and_notes_a_different_outcome() {
    let (uows, store) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryAuditorias::default(),
    );
    let auditar_h = AuditarEntidadHandler::new(
        Arc::new(store.clone()),
        Arc::new(NamedSagaMessages),
        policy(30_000),
    );
    let registrar_h = RegistrarResultadoHandler::new(Arc::new(store.clone()));
    dispatch(
        &uows,
        &auditar_h,
        auditar("c-2", "a@andes.co"),
        CommandContext::new_root(),
    )
    .await
    .expect("audit");
    let manual = RegistrarResultado {
        tipo: TipoEntidad::Compania,
        id_entidad: "c-2".into(),
        estado: Estado::Rechazada,
    };
    dispatch(&uows, &registrar_h, manual, CommandContext::new_root())
        .await
        .expect("result");
    let saga = store.sagas.lock().expect("lock")["c-2"].clone();
    assert_eq!(saga.estado, EstadoSaga::Completada);
    assert!(saga.ultimo_error.is_some_and(|e| e.contains("Rechazada")));
}

#[tokio::test]
async fn an_overdue_saga_resends_its_command_with_the_same_id_then_fails() {
    let (uows, store) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryAuditorias::default(),
    );
    let auditar_h = AuditarEntidadHandler::new(
        Arc::new(store.clone()),
        Arc::new(NamedSagaMessages),
        policy(0),
    );
    dispatch(
        &uows,
        &auditar_h,
        auditar("c-3", "a@andes.co"),
        CommandContext::new_root(),
    )
    .await
    .expect("audit");
    let reintentos = ReintentarSagasVencidas::new(
        Arc::new(store.clone()),
        Arc::new(NamedSagaMessages),
        policy(0),
    );
    for _ in 0..3 {
        reintentos.run(&uows).await.expect("retry pass");
    }
    let committed = uows.committed.lock().expect("lock");
    let sent: Vec<&Message> = committed
        .messages
        .iter()
        .filter(|m| m.message_type == "Aprobar")
        .collect();
    assert_eq!(sent.len(), 3, "the first send and two re-sends");
    assert!(sent.iter().all(|m| m.id == sent[0].id), "one command id");
    let saga = store.sagas.lock().expect("lock")["c-3"].clone();
    assert_eq!(saga.estado, EstadoSaga::Fallida);
}
