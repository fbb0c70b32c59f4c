//! The unit of work, the outbox relay and the inbox, on SQLite and Postgres:
//! aggregate and outbox commit together or not at all; a relay that dies
//! between publish and mark-sent re-delivers; an inbox consumer applies once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{Backend, Recorder, fresh_database_url};
use async_trait::async_trait;
use propalpes::companias::domain::{Compania, DatosCompania};
use propalpes::companias::infrastructure::{MIGRATIONS, SqlCompaniaRepository};
use propalpes::seedwork::application::Repository;
use propalpes::seedwork::application::{
    HandleError, Message, MessageBus, MessageHandler, StoreError, UnitOfWork, UnitOfWorkFactory,
};
use propalpes::seedwork::domain::EntityId;
use propalpes::seedwork::infrastructure::{
    ContextStorage, Database, EmbeddedBus, OutboxRelay, OutboxRow, OutboxStore, RetryPolicy,
    SqlOutboxStore, SqlUnitOfWorkFactory,
};

struct Env {
    storage: ContextStorage,
    bus_db: Database,
    _dir: tempfile::TempDir,
}

async fn env(backend: Backend) -> Option<Env> {
    propalpes::telemetry::init_for_tests();
    let dir = tempfile::tempdir().expect("tempdir");
    let base = fresh_database_url(backend, dir.path())?;
    let url = propalpes::seedwork::infrastructure::context_database_url(
        &base.parse().expect("url"),
        "companias",
    );
    let storage = ContextStorage::open(&url, &MIGRATIONS).await.expect("open");
    let bus_url = propalpes::seedwork::infrastructure::context_database_url(
        &base.parse().expect("url"),
        "bus",
    );
    let bus_db = Database::connect(
        &bus_url,
        &sqlx::migrate::Migrator::with_migrations(Vec::new()),
    )
    .await
    .expect("bus db");
    Some(Env {
        storage,
        bus_db,
        _dir: dir,
    })
}

fn message(id: &str) -> Message {
    Message {
        id: id.to_owned(),
        topic: "eventos-companias".into(),
        key: "k".into(),
        message_type: "CompaniaCreada".into(),
        schema_version: 1,
        properties: Default::default(),
        payload: vec![1, 2, 3],
        redelivery_count: 0,
    }
}

async fn count(db: &Database, table: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(db.pool())
        .await
        .expect("count");
    n
}

fn compania() -> Compania {
    Compania::registrar(
        EntityId::new(),
        DatosCompania::new("A", "", "").expect("datos"),
        chrono::Utc::now(),
    )
}

async fn aggregate_and_outbox_commit_together_or_not_at_all(backend: Backend) {
    let Some(env) = env(backend).await else {
        return;
    };
    let uows: &SqlUnitOfWorkFactory = &env.storage.uows;

    // Success: both rows.
    let mut uow = uows.begin().await.expect("begin");
    SqlCompaniaRepository::default()
        .guardar(&mut uow, &compania())
        .await
        .expect("save");
    uow.add_message(message("m-1"));
    uow.commit().await.expect("commit");
    assert_eq!(count(&env.storage.db, "companias").await, 1);
    assert_eq!(count(&env.storage.db, "outbox").await, 1);

    // Failure after the aggregate write (the second outbox row breaks the
    // table's check on its topic): neither the aggregate nor any outbox row remains.
    let mut uow = uows.begin().await.expect("begin");
    SqlCompaniaRepository::default()
        .guardar(&mut uow, &compania())
        .await
        .expect("save");
    uow.add_message(message("m-2"));
    let mut broken = message("m-3");
    broken.topic.clear();
    uow.add_message(broken);
    assert!(uow.commit().await.is_err());
    assert_eq!(count(&env.storage.db, "companias").await, 1);
    assert_eq!(count(&env.storage.db, "outbox").await, 1);
}

async fn stale_version_is_a_conflict(backend: Backend) {
    let Some(env) = env(backend).await else {
        return;
    };
    let uows = &env.storage.uows;
    let mut c = compania();
    let mut uow = uows.begin().await.expect("begin");
    SqlCompaniaRepository::default()
        .guardar(&mut uow, &c)
        .await
        .expect("insert");
    uow.commit().await.expect("commit");

    let mut first = uows.begin().await.expect("begin");
    let mut loaded = SqlCompaniaRepository::default()
        .cargar(&mut first, c.id())
        .await
        .expect("load")
        .expect("found");
    loaded.aprobar(None, chrono::Utc::now()).expect("aprobar");
    SqlCompaniaRepository::default()
        .guardar(&mut first, &loaded)
        .await
        .expect("update");
    first.commit().await.expect("commit");

    // `c` still has version 0 → an insert that collides; a version-1 copy
    // loaded before the approval fails the version check.
    // Saves are staged: the conflict surfaces when the commit writes them.
    let mut stale = uows.begin().await.expect("begin");
    SqlCompaniaRepository::default()
        .guardar(&mut stale, &c)
        .await
        .expect("staged");
    let err = stale.commit().await.expect_err("stale insert");
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    c = Compania::restore(
        c.id(),
        c.datos().clone(),
        propalpes::seedwork::domain::Review::default(),
        (c.fecha_creacion(), c.fecha_actualizacion()),
        1,
    );
    c.aprobar(None, chrono::Utc::now()).expect("aprobar");
    let mut stale = uows.begin().await.expect("begin");
    SqlCompaniaRepository::default()
        .guardar(&mut stale, &c)
        .await
        .expect("staged");
    let err = stale.commit().await.expect_err("stale update");
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
}

/// An outbox store whose first `mark_sent` fails, as if the relay died
/// between the broker's ack and marking the rows.
struct FailingMark {
    inner: SqlOutboxStore,
    failures_left: AtomicUsize,
}

#[async_trait]
impl OutboxStore for FailingMark {
    async fn acquire_lease(&self, holder: &str, ttl: Duration) -> Result<bool, StoreError> {
        self.inner.acquire_lease(holder, ttl).await
    }
    async fn fetch_pending(&self, limit: i64) -> Result<Vec<OutboxRow>, StoreError> {
        self.inner.fetch_pending(limit).await
    }
    async fn mark_sent(&self, seqs: &[i64]) -> Result<(), StoreError> {
        if self
            .failures_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(StoreError::Backend("killed before mark-sent".into()));
        }
        self.inner.mark_sent(seqs).await
    }
    async fn backlog(&self) -> Result<(i64, Option<i64>), StoreError> {
        self.inner.backlog().await
    }
}

/// Applies each message once, deduplicating through its own inbox.
struct InboxConsumer {
    uows: SqlUnitOfWorkFactory,
    effects: Arc<Mutex<Vec<String>>>,
}

#[async_trait]
impl MessageHandler for InboxConsumer {
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        let mut uow = self
            .uows
            .begin()
            .await
            .map_err(|e| HandleError::Retryable(e.to_string()))?;
        let first = uow
            .claim_inbox("test-consumer", &message.id)
            .await
            .map_err(|e| HandleError::Retryable(e.to_string()))?;
        uow.commit()
            .await
            .map_err(|e| HandleError::Retryable(e.to_string()))?;
        if first {
            self.effects.lock().expect("lock").push(message.id.clone());
        }
        Ok(())
    }
}

async fn relay_killed_before_mark_redelivers_and_inbox_dedupes(backend: Backend) {
    let Some(env) = env(backend).await else {
        return;
    };
    let bus = Arc::new(EmbeddedBus::new(env.bus_db.clone(), RetryPolicy::default()));
    let deliveries = Recorder::default();
    let effects = Arc::new(Mutex::new(Vec::new()));
    bus.subscribe("eventos-companias", "raw", Arc::new(deliveries.clone()))
        .await
        .expect("subscribe");
    bus.subscribe(
        "eventos-companias",
        "deduping",
        Arc::new(InboxConsumer {
            uows: env.storage.uows.clone(),
            effects: effects.clone(),
        }),
    )
    .await
    .expect("subscribe");

    let mut uow = env.storage.uows.begin().await.expect("begin");
    uow.add_message(message("evt-1"));
    uow.commit().await.expect("commit");

    let store = FailingMark {
        inner: SqlOutboxStore::new(env.storage.db.clone()),
        failures_left: AtomicUsize::new(1),
    };
    let relay = OutboxRelay::new(
        "test",
        store,
        bus.clone(),
        Arc::new(tokio::sync::Notify::new()),
    );
    assert!(
        relay.run_once().await.is_err(),
        "the first relay dies before marking"
    );
    assert_eq!(
        SqlOutboxStore::new(env.storage.db.clone())
            .backlog()
            .await
            .expect("backlog")
            .0,
        1
    );

    // The restarted relay publishes the row again and marks it.
    assert_eq!(relay.run_once().await.expect("second run"), 1);
    assert_eq!(relay.run_once().await.expect("nothing left"), 0);

    assert_eq!(
        deliveries.messages().len(),
        2,
        "at-least-once: delivered twice"
    );
    assert_eq!(
        *effects.lock().expect("lock"),
        vec!["evt-1".to_owned()],
        "effectively once"
    );
}

/// Retries with millisecond backoff, so a test dead-letters quickly.
fn fast_retries(max_redeliveries: u32) -> RetryPolicy {
    RetryPolicy {
        max_redeliveries,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

async fn poison_goes_to_dead_letters_and_replays(backend: Backend) {
    let Some(env) = env(backend).await else {
        return;
    };
    let policy = fast_retries(2);
    let bus = Arc::new(EmbeddedBus::new(env.bus_db.clone(), policy));

    struct Flaky {
        fail: Arc<std::sync::atomic::AtomicBool>,
        calls: Arc<AtomicUsize>,
    }
    #[async_trait]
    impl MessageHandler for Flaky {
        async fn handle(&self, _m: &Message) -> Result<(), HandleError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if self.fail.load(Ordering::SeqCst) {
                Err(HandleError::Retryable("db down".into()))
            } else {
                Ok(())
            }
        }
    }
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let calls = Arc::new(AtomicUsize::new(0));
    let subscribe_flaky = |bus: Arc<EmbeddedBus>| {
        let handler = Arc::new(Flaky {
            fail: fail.clone(),
            calls: calls.clone(),
        });
        async move {
            bus.subscribe("eventos-companias", "flaky", handler)
                .await
                .expect("subscribe");
        }
    };
    subscribe_flaky(bus.clone()).await;

    bus.publish(&[message("bad-1")])
        .await
        .expect("publish returns once dead-lettered");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "first delivery + 2 redeliveries"
    );
    let letters = bus.dead_letters("eventos-companias").await.expect("list");
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].message.id, "bad-1");
    assert_eq!(letters[0].attempts, 3);
    assert!(letters[0].error.contains("db down"));

    fail.store(false, Ordering::SeqCst);
    assert_eq!(
        bus.replay("eventos-companias", Some("bad-1"))
            .await
            .expect("replay"),
        1
    );
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    assert!(
        bus.dead_letters("eventos-companias")
            .await
            .expect("list")
            .is_empty()
    );

    // Two replayers at once (the process's own and an in-process call, or
    // two processes on one bus database): the claim lets one deliver.
    fail.store(true, Ordering::SeqCst);
    bus.publish(&[message("bad-2")]).await.expect("publish");
    let before = calls.load(Ordering::SeqCst);
    let request = bus
        .request_replay("eventos-companias", Some("bad-2"))
        .await
        .expect("request");
    let other = Arc::new(EmbeddedBus::new(env.bus_db.clone(), policy));
    subscribe_flaky(other.clone()).await;
    let (a, b) = tokio::join!(bus.replay_requested(), other.replay_requested());
    assert_eq!(
        a.expect("a") + b.expect("b"),
        1,
        "one replayer won the claim"
    );
    assert_eq!(
        calls.load(Ordering::SeqCst) - before,
        3,
        "one replay's deliveries"
    );
    let status = bus.replay_status(&request).await.expect("status");
    assert_eq!(
        (status.applied, status.failed_again, status.waiting),
        (0, 1, 0),
        "failed again, dead-lettered anew once"
    );
    assert_eq!(
        bus.dead_letters("eventos-companias")
            .await
            .expect("list")
            .len(),
        1
    );
}

/// A handler that panics fails the delivery instead of killing the relay:
/// the message is dead-lettered with the panic, the next one is served.
async fn a_panicking_handler_is_a_failed_delivery(backend: Backend) {
    let Some(env) = env(backend).await else {
        return;
    };
    let policy = fast_retries(1);
    let bus = Arc::new(EmbeddedBus::new(env.bus_db.clone(), policy));
    struct Panicky(Recorder);
    #[async_trait]
    impl MessageHandler for Panicky {
        async fn handle(&self, m: &Message) -> Result<(), HandleError> {
            if m.id == "boom" {
                panic!("boom");
            }
            self.0.handle(m).await
        }
    }
    let served = Recorder::default();
    bus.subscribe(
        "eventos-companias",
        "panicky",
        Arc::new(Panicky(served.clone())),
    )
    .await
    .expect("subscribe");
    let mut uow = env.storage.uows.begin().await.expect("begin");
    uow.add_message(message("boom"));
    uow.add_message(message("after"));
    uow.commit().await.expect("commit");
    let relay = env.storage.relay("r", bus.clone());
    assert_eq!(relay.run_once().await.expect("the relay survives"), 2);
    let letters = bus.dead_letters("eventos-companias").await.expect("list");
    assert_eq!(letters.len(), 1);
    assert!(
        letters[0].error.contains("handler panicked: boom"),
        "{}",
        letters[0].error
    );
    let ids: Vec<String> = served.messages().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["after"]);
}

/// Two relays on one database: the lease lets one publish at a time, so
/// per-aggregate order holds with several instances running.
async fn two_relays_share_the_outbox_through_the_lease(backend: Backend) {
    let Some(env) = env(backend).await else {
        return;
    };
    let bus = Arc::new(EmbeddedBus::new(env.bus_db.clone(), RetryPolicy::default()));
    let deliveries = Recorder::default();
    bus.subscribe("eventos-companias", "raw", Arc::new(deliveries.clone()))
        .await
        .expect("subscribe");
    let mut uow = env.storage.uows.begin().await.expect("begin");
    for i in 0..5 {
        uow.add_message(message(&format!("ordered-{i}")));
    }
    uow.commit().await.expect("commit");

    let a = env.storage.relay("a", bus.clone());
    let b = env.storage.relay("b", bus.clone());
    assert_eq!(a.run_once().await.expect("a publishes"), 5);
    let mut uow = env.storage.uows.begin().await.expect("begin");
    uow.add_message(message("later"));
    uow.commit().await.expect("commit");
    assert_eq!(b.run_once().await.expect("b waits"), 0, "a holds the lease");
    assert_eq!(a.run_once().await.expect("a again"), 1);
    let ids: Vec<String> = deliveries.messages().into_iter().map(|m| m.id).collect();
    assert_eq!(
        ids,
        [
            "ordered-0",
            "ordered-1",
            "ordered-2",
            "ordered-3",
            "ordered-4",
            "later"
        ]
    );
}

/// A relay that stops renewing (crashed) is replaced once its lease runs
/// out, and then it no longer publishes: one relay at a time, always.
async fn a_lapsed_lease_passes_to_the_other_relay(backend: Backend) {
    let Some(env) = env(backend).await else {
        return;
    };
    let bus = Arc::new(EmbeddedBus::new(env.bus_db.clone(), RetryPolicy::default()));
    let deliveries = Recorder::default();
    bus.subscribe("eventos-companias", "raw", Arc::new(deliveries.clone()))
        .await
        .expect("subscribe");
    let ttl = Duration::from_millis(400);
    let a = env.storage.relay("a", bus.clone()).with_lease_ttl(ttl);
    let b = env.storage.relay("b", bus.clone()).with_lease_ttl(ttl);
    let commit = |id: &'static str| {
        let uows = env.storage.uows.clone();
        async move {
            let mut uow = uows.begin().await.expect("begin");
            uow.add_message(message(id));
            uow.commit().await.expect("commit");
        }
    };
    commit("first").await;
    assert_eq!(a.run_once().await.expect("a"), 1);
    commit("second").await;
    assert_eq!(b.run_once().await.expect("b"), 0, "a's lease still holds");
    // Not a wait for something: the lease's time passes.
    tokio::time::sleep(ttl + Duration::from_millis(100)).await;
    assert_eq!(b.run_once().await.expect("b"), 1, "a's lease lapsed");
    commit("third").await;
    assert_eq!(a.run_once().await.expect("a"), 0, "b holds it now");
    assert_eq!(b.run_once().await.expect("b"), 1);
    let ids: Vec<String> = deliveries.messages().into_iter().map(|m| m.id).collect();
    assert_eq!(ids, ["first", "second", "third"]);
}

/// 1,000 messages over 50 keys, published as the relay does (batches of
/// 200), to a handler that takes a random moment per message: lanes handle
/// keys in parallel, and each key's messages arrive in order.
async fn per_key_order_holds_under_concurrent_handling(backend: Backend) {
    let Some(env) = env(backend).await else {
        return;
    };
    let bus = Arc::new(EmbeddedBus::new(env.bus_db.clone(), fast_retries(2)));
    #[derive(Default)]
    struct Ordered {
        seen: Mutex<std::collections::HashMap<String, Vec<u32>>>,
        in_flight: AtomicUsize,
        most_at_once: AtomicUsize,
    }
    #[async_trait]
    impl MessageHandler for Ordered {
        async fn handle(&self, m: &Message) -> Result<(), HandleError> {
            let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            self.most_at_once.fetch_max(now, Ordering::SeqCst);
            let pause = m.payload[0] % 3;
            tokio::time::sleep(Duration::from_millis(u64::from(pause))).await;
            let n: u32 =
                m.id.rsplit('-')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("n");
            self.seen
                .lock()
                .expect("lock")
                .entry(m.key.clone())
                .or_default()
                .push(n);
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        }
    }
    let handler = Arc::new(Ordered::default());
    bus.subscribe("eventos-companias", "ordered", handler.clone())
        .await
        .expect("subscribe");
    let all: Vec<Message> = (0..1000u32)
        .map(|n| {
            let mut m = message(&format!("m-{n}"));
            m.key = format!("key-{}", n % 50);
            m.payload = vec![(n * 7 % 251) as u8];
            m
        })
        .collect();
    for batch in all.chunks(200) {
        bus.publish(batch).await.expect("publish");
    }
    let seen = handler.seen.lock().expect("lock").clone();
    assert_eq!(seen.values().map(Vec::len).sum::<usize>(), 1000);
    for (key, ns) in &seen {
        assert!(
            ns.windows(2).all(|w| w[0] < w[1]),
            "{key} out of order: {ns:?}"
        );
    }
    assert!(
        handler.most_at_once.load(Ordering::SeqCst) > 1,
        "keys were handled concurrently"
    );
}

/// A dependency outage (the handler's database down: it fails with
/// Unavailable and reports not ready) is waited out however long it lasts
/// against a budget of one redelivery: nothing is dead-lettered, everything
/// is applied once it is back.
async fn an_outage_is_waited_out_not_dead_lettered(backend: Backend) {
    let Some(env) = env(backend).await else {
        return;
    };
    let bus = Arc::new(EmbeddedBus::new(env.bus_db.clone(), fast_retries(1)));
    struct DownFor {
        until: std::time::Instant,
        applied: Recorder,
    }
    #[async_trait]
    impl MessageHandler for DownFor {
        async fn handle(&self, m: &Message) -> Result<(), HandleError> {
            if std::time::Instant::now() < self.until {
                return Err(HandleError::Retryable("connection refused".into()));
            }
            self.applied.handle(m).await
        }

        async fn ready(&self) -> bool {
            std::time::Instant::now() >= self.until
        }
    }
    let applied = Recorder::default();
    let handler = Arc::new(DownFor {
        until: std::time::Instant::now() + Duration::from_millis(1500),
        applied: applied.clone(),
    });
    bus.subscribe("eventos-companias", "down", handler)
        .await
        .expect("subscribe");
    let messages: Vec<Message> = (0..10).map(|n| message(&format!("o-{n}"))).collect();
    bus.publish(&messages)
        .await
        .expect("publish waits the outage out");
    assert_eq!(applied.messages().len(), 10);
    assert!(
        bus.dead_letters("eventos-companias")
            .await
            .expect("list")
            .is_empty(),
        "an outage spends no redelivery"
    );
}

on_both_backends! { Backend:
    aggregate_and_outbox_commit_together_or_not_at_all => aggregate_and_outbox_commit_together_or_not_at_all;
    stale_version_is_a_conflict => stale_version_is_a_conflict;
    relay_killed_before_mark_redelivers_and_inbox_dedupes => relay_killed_before_mark_redelivers_and_inbox_dedupes;
    poison_goes_to_dead_letters_and_replays => poison_goes_to_dead_letters_and_replays;
    two_relays_share_the_outbox_through_the_lease => two_relays_share_the_outbox_through_the_lease;
    a_lapsed_lease_passes_to_the_other_relay => a_lapsed_lease_passes_to_the_other_relay;
    a_panicking_handler_is_a_failed_delivery => a_panicking_handler_is_a_failed_delivery;
    per_key_order_holds_under_concurrent_handling => per_key_order_holds_under_concurrent_handling;
    an_outage_is_waited_out_not_dead_lettered => an_outage_is_waited_out_not_dead_lettered;
}
