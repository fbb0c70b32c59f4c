//! Runs of messages as sets (issue #21), on SQLite and Postgres: a run's
//! aggregates are preloaded into the unit of work's identity map and
//! written at commit with one statement per table; a second message of a
//! key sees the first one's change; a row whose version moved fails the
//! run, which is then applied one message per transaction and ends right;
//! concurrent creations share transactions, each answered on its own.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_trait::async_trait;
use serde_json::json;

use crate::common::{Backend, TestApp, fresh_database_url, spawn_app};
use propalpes::companias::domain::{Compania, DatosCompania};
use propalpes::companias::infrastructure::{MIGRATIONS, SqlCompaniaRepository};
use propalpes::seedwork::application::Repository;
use propalpes::seedwork::application::{
    HandleError, InTransactions, Message, MessageHandler, TransactionalHandler, UnitOfWork,
};
use propalpes::seedwork::domain::EntityId;
use propalpes::seedwork::infrastructure::{ContextStorage, SqlUnitOfWork};

/// `crear` or `aprobar` the company keyed by the message; each applied
/// message writes one outbox row. The first time it applies to `moved`,
/// another transaction bumps that company's version behind its back.
struct Companias {
    storage: ContextStorage,
    moved: Option<EntityId>,
    moved_once: AtomicBool,
}

fn id_of(message: &Message) -> EntityId {
    EntityId::parse("key", &message.key).expect("key")
}

#[async_trait]
impl TransactionalHandler for Companias {
    type Uow = SqlUnitOfWork;
    type Effect = ();

    async fn preload(&self, uow: &mut SqlUnitOfWork, run: &[&Message]) -> Result<(), HandleError> {
        let ids: Vec<EntityId> = run.iter().map(|m| id_of(m)).collect();
        Ok(SqlCompaniaRepository::default()
            .precargar(uow, &ids)
            .await?)
    }

    async fn apply(&self, uow: &mut SqlUnitOfWork, message: &Message) -> Result<(), HandleError> {
        let id = id_of(message);
        let now = chrono::Utc::now();
        let compania = match message.message_type.as_str() {
            "crear" => {
                let datos = DatosCompania::new("A", "", "").expect("datos");
                Compania::registrar(id, datos, now)
            }
            _ => {
                let mut c = SqlCompaniaRepository::default()
                    .cargar(uow, id)
                    .await?
                    .ok_or_else(|| HandleError::Retryable(format!("{id} not there yet")))?;
                c.aprobar(None, now)
                    .map_err(|e| HandleError::Poison(e.to_string()))?;
                c
            }
        };
        SqlCompaniaRepository::default()
            .guardar(uow, &compania)
            .await?;
        if self.moved == Some(id) && !self.moved_once.swap(true, Ordering::SeqCst) {
            sqlx::query("UPDATE companias SET version = version + 1 WHERE id = $1")
                .bind(id.to_string())
                .execute(self.storage.db.pool())
                .await
                .expect("bump behind the run's back");
        }
        let mut event = message.clone();
        event.id = format!("evento-{}", message.id);
        event.topic = "eventos-companias".into();
        uow.add_message(event);
        Ok(())
    }
}

fn message(n: usize, tipo: &str, id: EntityId) -> Message {
    Message {
        id: format!("m-{n}-{}", uuid::Uuid::now_v7()),
        topic: "comandos-companias".into(),
        key: id.to_string(),
        message_type: tipo.into(),
        schema_version: 1,
        properties: Default::default(),
        payload: Vec::new(),
        redelivery_count: 0,
    }
}

async fn storage(backend: Backend) -> Option<(ContextStorage, tempfile::TempDir)> {
    propalpes::telemetry::init_for_tests();
    let dir = tempfile::tempdir().expect("tempdir");
    let base = fresh_database_url(backend, dir.path())?;
    let url = propalpes::seedwork::infrastructure::context_database_url(
        &base.parse().expect("url"),
        "companias",
    );
    let storage = ContextStorage::open(&url, &MIGRATIONS).await.expect("open");
    Some((storage, dir))
}

/// (estado, version) of a company, and the outbox rows.
async fn stored(storage: &ContextStorage, id: EntityId) -> (String, i64) {
    sqlx::query_as("SELECT estado, version FROM companias WHERE id = $1")
        .bind(id.to_string())
        .fetch_one(storage.db.pool())
        .await
        .expect("company")
}

async fn outbox_rows(storage: &ContextStorage) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(storage.db.pool())
        .await
        .expect("outbox")
}

async fn a_second_message_of_a_key_sees_the_first_ones_change(backend: Backend) {
    let Some((storage, _dir)) = storage(backend).await else {
        return;
    };
    let consumer = InTransactions::new(
        "conjuntos",
        storage.uows.clone(),
        Companias {
            storage: storage.clone(),
            moved: None,
            moved_once: AtomicBool::new(false),
        },
    );
    let (x, y) = (EntityId::new(), EntityId::new());
    let run = [
        message(1, "crear", x),
        message(2, "aprobar", x),
        message(3, "crear", y),
    ];
    let outcome = consumer.handle_batch(&run).await;
    assert_eq!(outcome.applied, 3, "{:?}", outcome.failure);
    assert!(outcome.failure.is_none());
    // Created and approved in one run: one row, written once, at version 1.
    assert_eq!(stored(&storage, x).await, ("Aprobada".to_owned(), 1));
    assert_eq!(stored(&storage, y).await, ("Pendiente".to_owned(), 1));
    assert_eq!(outbox_rows(&storage).await, 3);

    // The next run approves y, preloaded from the table.
    let outcome = consumer
        .handle_batch(&[
            message(4, "aprobar", y),
            message(5, "crear", EntityId::new()),
        ])
        .await;
    assert_eq!(outcome.applied, 2, "{:?}", outcome.failure);
    assert_eq!(stored(&storage, y).await, ("Aprobada".to_owned(), 2));
}

async fn a_row_whose_version_moved_fails_the_run_and_each_message_ends_right_alone(
    backend: Backend,
) {
    let Some((storage, _dir)) = storage(backend).await else {
        return;
    };
    let (x, y, z) = (EntityId::new(), EntityId::new(), EntityId::new());
    let setup = InTransactions::new(
        "conjuntos-setup",
        storage.uows.clone(),
        Companias {
            storage: storage.clone(),
            moved: None,
            moved_once: AtomicBool::new(false),
        },
    );
    let created = setup
        .handle_batch(&[
            message(1, "crear", x),
            message(2, "crear", y),
            message(3, "crear", z),
        ])
        .await;
    assert_eq!(created.applied, 3, "{:?}", created.failure);
    let consumer = InTransactions::new(
        "conjuntos",
        storage.uows.clone(),
        Companias {
            storage: storage.clone(),
            moved: Some(y),
            moved_once: AtomicBool::new(false),
        },
    );
    let outcome = consumer
        .handle_batch(&[
            message(4, "aprobar", x),
            message(5, "aprobar", y),
            message(6, "aprobar", z),
        ])
        .await;
    assert_eq!(outcome.applied, 3, "{:?}", outcome.failure);
    // x and z approved once (version 2), y approved over the moved row
    // (1 → 2 behind the run's back → 3), each event once.
    assert_eq!(stored(&storage, x).await, ("Aprobada".to_owned(), 2));
    assert_eq!(stored(&storage, y).await, ("Aprobada".to_owned(), 3));
    assert_eq!(stored(&storage, z).await, ("Aprobada".to_owned(), 2));
    assert_eq!(outbox_rows(&storage).await, 6, "3 creations + 3 approvals");
}

/// 50 properties created at once over HTTP, one with a cadastral id
/// already registered and two sharing a new one: every other creation is
/// stored once, the duplicates are answered 409 on their own.
async fn concurrent_creations_share_transactions_each_answered_on_its_own(app: TestApp) {
    let body = |n: usize, catastral: &str| json!({"nombre": format!("Casa {n}"), "identificacion_catastral": catastral, "nit": "900123456-7"});
    let first = app.post_json("/propiedades", body(0, "AAA-000")).await;
    assert_eq!(first.status(), 202);
    let app = Arc::new(app);
    let requests: Vec<_> = (1..=50)
        .map(|n| {
            let app = app.clone();
            let catastral = match n {
                17 => "AAA-000".to_owned(),
                30 | 31 => "BBB-111".to_owned(),
                _ => format!("C-{n:03}"),
            };
            tokio::spawn(async move {
                let response = app.post_json("/propiedades", body(n, &catastral)).await;
                (n, response.status().as_u16())
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in requests {
        statuses.push(request.await.expect("request"));
    }
    let refused: Vec<usize> = statuses
        .iter()
        .filter(|(_, s)| *s == 409)
        .map(|(n, _)| *n)
        .collect();
    let accepted = statuses.iter().filter(|(_, s)| *s == 202).count();
    assert!(
        refused.contains(&17),
        "the registered cadastral id is refused: {statuses:?}"
    );
    assert_eq!(
        refused.iter().filter(|n| [30, 31].contains(n)).count(),
        1,
        "exactly one of two sharing a new cadastral id wins: {statuses:?}"
    );
    assert_eq!((accepted, refused.len()), (48, 2), "{statuses:?}");
    let listed = app.get_json("/propiedades").await;
    assert_eq!(
        listed["total"], 49,
        "the first, and 48 of the 50, once each"
    );
}

async fn spawn_propiedades(backend: Backend) -> Option<TestApp> {
    spawn_app(backend).await
}

on_both_backends! { spawn_propiedades:
    concurrent_creations => concurrent_creations_share_transactions_each_answered_on_its_own;
}

mod runs {
    use super::*;

    #[tokio::test]
    async fn sqlite_second_message_sees_the_first() {
        a_second_message_of_a_key_sees_the_first_ones_change(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres_second_message_sees_the_first() {
        a_second_message_of_a_key_sees_the_first_ones_change(Backend::Postgres).await;
    }

    /// On Postgres only: within one process SQLite has a single writer,
    /// so no other transaction can move a row during a run.
    #[tokio::test]
    async fn postgres_a_moved_row_fails_the_run_and_each_ends_right() {
        a_row_whose_version_moved_fails_the_run_and_each_message_ends_right_alone(
            Backend::Postgres,
        )
        .await;
    }
}
