//! The Pulsar transport against a real Apache Pulsar broker: outbox → topic,
//! command topics, Key_Shared order, crash before ack, retries and the DLQ,
//! poison messages, and the broker's schema registry.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::pulsar::{PulsarEnv, pulsar_env};
use crate::common::{Backend, Recorder, TestApp, spawn_app_with};
use async_trait::async_trait;
use propalpes::seedwork::application::{
    HandleError, Message, MessageBus, MessageHandler, UnitOfWork, UnitOfWorkFactory,
};
use propalpes::seedwork::infrastructure::avro::EnvelopeHeader;
use propalpes::seedwork::infrastructure::{ContextStorage, RetryPolicy, pulsar_dlq};
use serde_json::json;

fn backend() -> Backend {
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

async fn app_on(env: &PulsarEnv) -> TestApp {
    spawn_app_with(backend(), Some(env)).await.expect("app")
}

/// `common::eventually` for a yes/no check, within 15 s.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    crate::common::eventually(what, Duration::from_secs(15), || {
        let pending = check();
        async move { pending.await.then_some(()) }
    })
    .await
}

fn fast_policy(max: u32) -> RetryPolicy {
    RetryPolicy {
        max_redeliveries: max,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
    }
}

#[tokio::test]
async fn http_command_goes_through_outbox_to_pulsar_with_key_and_avro_body() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let app = app_on(&env).await;
    let observer = env.bus(RetryPolicy::default()).await;
    let recorder = Recorder::default();
    observer
        .subscribe(
            "eventos-companias",
            "test-observer",
            Arc::new(recorder.clone()),
        )
        .await
        .expect("subscribe");

    let response = app
        .post_json(
            "/companias",
            json!({"nombre": "Andes", "email": "", "identificacion": "9"}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let id = response.json::<serde_json::Value>().await.expect("json")["id_compania"]
        .as_str()
        .expect("id")
        .to_owned();

    let seen = recorder
        .wait_for("CompaniaCreada on Pulsar", |m| {
            m.iter().any(|m| m.key == id)
        })
        .await;
    let event = seen
        .iter()
        .find(|m| m.key == id)
        .expect("keyed by company id");
    assert_eq!(event.message_type, "CompaniaCreada");
    assert_eq!(event.properties["schema.version"], "2");
    let decoded = app.app.codec.decode_message(event).expect("Avro body");
    assert_eq!(decoded.header.source, "companias");
    #[derive(serde::Deserialize)]
    struct Creada {
        id_compania: String,
        nombre: String,
        estado: String,
    }
    let data: Creada = decoded.data().expect("CompaniaCreada record");
    assert_eq!(
        (
            data.id_compania.as_str(),
            data.nombre.as_str(),
            data.estado.as_str()
        ),
        (id.as_str(), "Andes", "Pendiente")
    );

    // The producer declared the topic's Avro schema: the registry has it.
    let schema = env
        .admin_get(&format!(
            "/admin/v2/schemas/public/{}/eventos-companias/schema",
            env.namespace
        ))
        .await;
    assert_eq!(schema.status(), 200);
    let schema: serde_json::Value = schema.json().await.expect("schema json");
    assert_eq!(schema["type"], "AVRO");
    assert!(
        schema["data"]
            .as_str()
            .is_some_and(|d| d.contains("CompaniaCreada"))
    );

    observer.shutdown().await;
    app.app.stop().await;
}

#[derive(serde::Serialize)]
struct CrearCompania {
    id_compania: Option<String>,
    nombre: String,
    email: String,
    identificacion: String,
    fecha_creacion: i64,
}

#[tokio::test]
async fn raw_producer_on_the_command_topic_creates_the_company_once() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let app = app_on(&env).await;
    let id = uuid::Uuid::new_v4().to_string();
    let header = EnvelopeHeader::new("CrearCompania", "raw-producer", "corr", None);
    let (version, bytes) = app
        .app
        .codec
        .encode(
            "comandos-companias",
            &header,
            &CrearCompania {
                id_compania: Some(id.clone()),
                nombre: "Raw".into(),
                email: "r@x.co".into(),
                identificacion: "7".into(),
                fecha_creacion: 0,
            },
        )
        .expect("encode with the schema file");

    // A plain producer of the pulsar crate, as another service would use.
    let client = pulsar::Pulsar::builder(env.url.clone(), pulsar::TokioExecutor)
        .build()
        .await
        .expect("client");
    let mut producer = client
        .producer()
        .with_topic(env.topic("comandos-companias"))
        .build()
        .await
        .expect("producer");
    for _ in 0..2 {
        let message = pulsar::producer::Message {
            payload: bytes.clone(),
            properties: HashMap::from([
                ("schema.version".to_owned(), version.to_string()),
                ("type".to_owned(), "CrearCompania".to_owned()),
            ]),
            partition_key: Some(id.clone()),
            ..Default::default()
        };
        producer
            .send_non_blocking(message)
            .await
            .expect("send")
            .await
            .expect("receipt");
    }

    let path = format!("/companias/{id}");
    eventually("the company exists", || async {
        app.get(&path).await.status() == 200
    })
    .await;
    assert_eq!(app.get_json(&path).await["nombre"], "Raw");
    // Not a wait for something: a moment passes for the re-sent command to
    // show a second effect, were there one.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.get_json("/companias").await["total"],
        1,
        "the re-sent command had no second effect"
    );
    app.app.stop().await;
}

/// Records (key, sequence) per consumer and checks per-key order.
#[derive(Default)]
struct OrderCheck {
    seen: Mutex<HashMap<String, Vec<u64>>>,
    count: AtomicUsize,
}

struct Member {
    check: Arc<OrderCheck>,
    handled: AtomicUsize,
    keys: Mutex<std::collections::HashSet<String>>,
}

#[async_trait]
impl MessageHandler for Member {
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        let seq: u64 = message
            .properties
            .get("seq")
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| HandleError::Poison("no seq".into()))?;
        self.check
            .seen
            .lock()
            .expect("lock")
            .entry(message.key.clone())
            .or_default()
            .push(seq);
        self.keys.lock().expect("lock").insert(message.key.clone());
        self.handled.fetch_add(1, Ordering::SeqCst);
        self.check.count.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

/// The relay's producer batches by key (1,000 messages on 50 keys, in runs
/// of 200): each key is seen by one consumer only, in order, once.
#[tokio::test]
async fn key_shared_keeps_per_key_order_across_two_consumers() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let check = Arc::new(OrderCheck::default());
    let a = Arc::new(Member {
        check: check.clone(),
        handled: AtomicUsize::new(0),
        keys: Mutex::default(),
    });
    let b = Arc::new(Member {
        check: check.clone(),
        handled: AtomicUsize::new(0),
        keys: Mutex::default(),
    });
    let bus_a = env.bus(RetryPolicy::default()).await;
    let bus_b = env.bus(RetryPolicy::default()).await;
    bus_a
        .subscribe("eventos-companias", "order-test", a.clone())
        .await
        .expect("subscribe a");
    bus_b
        .subscribe("eventos-companias", "order-test", b.clone())
        .await
        .expect("subscribe b");

    let producer = env.bus(RetryPolicy::default()).await;
    let messages: Vec<Message> = (0..1000u64)
        .map(|seq| Message {
            id: format!("m-{seq}"),
            topic: "eventos-companias".into(),
            key: format!("key-{}", seq % 50),
            message_type: "CompaniaCreada".into(),
            schema_version: 1,
            properties: [("seq".to_owned(), seq.to_string())].into(),
            payload: seq.to_be_bytes().to_vec(),
            redelivery_count: 0,
        })
        .collect();
    for chunk in messages.chunks(200) {
        producer.publish(chunk).await.expect("publish");
    }
    eventually("1000 deliveries", || async {
        check.count.load(Ordering::SeqCst) >= 1000
    })
    .await;

    let seen = check.seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 50);
    for (key, seqs) in &seen {
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "{key} out of order: {seqs:?}"
        );
        assert_eq!(seqs.len(), 20, "{key} delivered once each");
    }
    let (na, nb) = (
        a.handled.load(Ordering::SeqCst),
        b.handled.load(Ordering::SeqCst),
    );
    assert_eq!(na + nb, 1000);
    assert!(na > 0 && nb > 0, "both consumers got keys: {na} / {nb}");
    // The producer batches (by key): a key's batches all reach one consumer.
    let (ka, kb) = (
        a.keys.lock().expect("lock").clone(),
        b.keys.lock().expect("lock").clone(),
    );
    assert!(ka.is_disjoint(&kb), "a key seen by both consumers");
    for bus in [bus_a, bus_b, producer] {
        bus.shutdown().await;
    }
}

/// Commits its effect with the inbox row, then (the first time) hangs
/// before returning, so the test can kill it before the ack.
struct CommitThenHang {
    storage: ContextStorage,
    hang: AtomicBool,
    calls: AtomicUsize,
    committed: tokio::sync::Notify,
}

#[async_trait]
impl MessageHandler for CommitThenHang {
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let retry =
            |e: propalpes::seedwork::application::StoreError| HandleError::Retryable(e.to_string());
        let mut uow = self.storage.uows.begin().await.map_err(retry)?;
        if uow
            .claim_inbox("crash-test", &message.id)
            .await
            .map_err(retry)?
        {
            sqlx::query("INSERT INTO companias (id, nombre, email, identificacion, estado, motivos_rechazo, fecha_creacion, fecha_actualizacion, version) VALUES ($1, 'x', '', '', 'Pendiente', '[]', 0, 0, 1)")
                .bind(&message.id)
                .execute(uow.conn())
                .await
                .map_err(|e| HandleError::Retryable(e.to_string()))?;
        }
        uow.commit().await.map_err(retry)?;
        if self.hang.swap(false, Ordering::SeqCst) {
            self.committed.notify_one();
            futures::future::pending::<()>().await;
        }
        Ok(())
    }
}

#[tokio::test]
async fn a_consumer_killed_after_its_effect_but_before_ack_has_no_second_effect() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let url = crate::common::fresh_database_url(backend(), dir.path()).expect("db");
    let storage = ContextStorage::open(
        &url.parse().expect("url"),
        &propalpes::companias::infrastructure::MIGRATIONS,
    )
    .await
    .expect("db");
    let handler = Arc::new(CommitThenHang {
        storage: storage.clone(),
        hang: AtomicBool::new(true),
        calls: AtomicUsize::new(0),
        committed: tokio::sync::Notify::new(),
    });

    let first = env.bus(RetryPolicy::default()).await;
    first
        .subscribe("eventos-companias", "crash-test", handler.clone())
        .await
        .expect("subscribe");
    let producer = env.bus(RetryPolicy::default()).await;
    let msg = Message {
        id: uuid::Uuid::new_v4().to_string(),
        topic: "eventos-companias".into(),
        key: "k".into(),
        message_type: "CompaniaCreada".into(),
        schema_version: 1,
        properties: Default::default(),
        payload: vec![1],
        redelivery_count: 0,
    };
    producer
        .publish(std::slice::from_ref(&msg))
        .await
        .expect("publish");
    tokio::time::timeout(Duration::from_secs(15), handler.committed.notified())
        .await
        .expect("effect committed");
    first.abort_consumers();

    let second = env.bus(RetryPolicy::default()).await;
    second
        .subscribe("eventos-companias", "crash-test", handler.clone())
        .await
        .expect("resubscribe");
    eventually("the redelivery", || async {
        handler.calls.load(Ordering::SeqCst) >= 2
    })
    .await;
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM companias")
        .fetch_one(storage.db.pool())
        .await
        .expect("count");
    assert_eq!(n, 1, "redelivered, applied once");
    for bus in [second, producer] {
        bus.shutdown().await;
    }
}

struct Broken {
    fixed: AtomicBool,
    calls: AtomicUsize,
    applied: AtomicUsize,
}

#[async_trait]
impl MessageHandler for Broken {
    async fn handle(&self, _message: &Message) -> Result<(), HandleError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self.fixed.load(Ordering::SeqCst) {
            self.applied.fetch_add(1, Ordering::SeqCst);
            Ok(())
        } else {
            Err(HandleError::Retryable("downstream is broken".into()))
        }
    }
}

#[tokio::test]
async fn a_failing_message_lands_on_the_dlq_after_max_redeliveries_and_replays_once() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let handler = Arc::new(Broken {
        fixed: AtomicBool::new(false),
        calls: AtomicUsize::new(0),
        applied: AtomicUsize::new(0),
    });
    let bus = env.bus(fast_policy(3)).await;
    bus.subscribe("eventos-companias", "dlq-test", handler.clone())
        .await
        .expect("subscribe");
    let msg = Message {
        id: "failing-1".into(),
        topic: "eventos-companias".into(),
        key: "k".into(),
        message_type: "CompaniaCreada".into(),
        schema_version: 1,
        properties: [("type".to_owned(), "CompaniaCreada".to_owned())].into(),
        payload: vec![9],
        redelivery_count: 0,
    };
    bus.publish(&[msg]).await.expect("publish");
    eventually("4 attempts", || async {
        handler.calls.load(Ordering::SeqCst) >= 4
    })
    .await;

    let letters = pulsar_dlq::list(&bus, "eventos-companias")
        .await
        .expect("list");
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].id, "failing-1");
    assert_eq!(letters[0].attempts, "4", "first delivery + 3 redeliveries");
    assert!(letters[0].error.contains("downstream is broken"));
    assert!(letters[0].properties["original_topic"].ends_with("eventos-companias"));
    assert_eq!(handler.calls.load(Ordering::SeqCst), 4);

    // Replayed while still broken: it fails again, is dead-lettered anew
    // (with a budget of its own) and the replay ends saying so.
    let outcome = pulsar_dlq::replay(
        &bus,
        "eventos-companias",
        Some("failing-1"),
        &env.admin,
        Duration::from_secs(20),
    )
    .await
    .expect("replay");
    assert_eq!(
        (outcome.replayed, outcome.applied, outcome.failed_again),
        (1, 0, 1)
    );
    assert_eq!(
        handler.calls.load(Ordering::SeqCst),
        8,
        "a fresh budget of 4"
    );
    assert_eq!(
        pulsar_dlq::list(&bus, "eventos-companias")
            .await
            .expect("list")
            .len(),
        1,
        "the letter is back, once"
    );

    handler.fixed.store(true, Ordering::SeqCst);
    let outcome = pulsar_dlq::replay(
        &bus,
        "eventos-companias",
        Some("failing-1"),
        &env.admin,
        Duration::from_secs(20),
    )
    .await
    .expect("replay");
    assert_eq!(
        (outcome.replayed, outcome.applied, outcome.failed_again),
        (1, 1, 0)
    );
    eventually("the replay applied", || async {
        handler.applied.load(Ordering::SeqCst) == 1
    })
    .await;
    assert!(
        pulsar_dlq::list(&bus, "eventos-companias")
            .await
            .expect("list")
            .is_empty(),
        "replayed letters are gone"
    );
    // Not a wait for something: a moment passes for a second application
    // to show, were there one.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(handler.applied.load(Ordering::SeqCst), 1, "applied once");
    bus.shutdown().await;
}

/// Fails until `fixed`; then refuses every message as a context refuses a
/// command it cannot apply: it answers `ComandoRechazado` on
/// `rechazos-comandos`, naming the message as its causation, and takes it.
struct Refusing {
    fixed: AtomicBool,
    bus: std::sync::OnceLock<Arc<propalpes::seedwork::infrastructure::PulsarBus>>,
}

#[async_trait]
impl MessageHandler for Refusing {
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        if !self.fixed.load(Ordering::SeqCst) {
            return Err(HandleError::Retryable("downstream is broken".into()));
        }
        let refusal = Message {
            id: format!("refusal-of-{}", message.id),
            topic: "rechazos-comandos".into(),
            key: message.key.clone(),
            message_type: "ComandoRechazado".into(),
            schema_version: 1,
            properties: [
                ("type".to_owned(), "ComandoRechazado".to_owned()),
                ("causation_id".to_owned(), message.id.clone()),
            ]
            .into(),
            payload: vec![7],
            redelivery_count: 0,
        };
        let bus = self.bus.get().expect("the bus");
        bus.publish(&[refusal])
            .await
            .map_err(|e| HandleError::Retryable(e.to_string()))
    }
}

/// A dead letter replayed to a subscription that now takes it but refuses
/// it (a command its context can no longer apply) is reported refused, not
/// applied.
#[tokio::test]
async fn a_replayed_letter_its_context_refuses_is_reported_refused() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let handler = Arc::new(Refusing {
        fixed: AtomicBool::new(false),
        bus: std::sync::OnceLock::new(),
    });
    let bus = env.bus(fast_policy(1)).await;
    let _ = handler.bus.set(bus.clone());
    bus.subscribe("comandos-companias", "refusal-test", handler.clone())
        .await
        .expect("subscribe");
    let msg = Message {
        id: "refused-1".into(),
        topic: "comandos-companias".into(),
        key: "k".into(),
        message_type: "AprobarCompania".into(),
        schema_version: 1,
        properties: [("type".to_owned(), "AprobarCompania".to_owned())].into(),
        payload: vec![9],
        redelivery_count: 0,
    };
    bus.publish(&[msg]).await.expect("publish");
    eventually("dead-lettered", || async {
        pulsar_dlq::list(&bus, "comandos-companias")
            .await
            .is_ok_and(|letters| letters.len() == 1)
    })
    .await;
    handler.fixed.store(true, Ordering::SeqCst);
    let outcome = pulsar_dlq::replay(
        &bus,
        "comandos-companias",
        Some("refused-1"),
        &env.admin,
        Duration::from_secs(20),
    )
    .await
    .expect("replay");
    assert_eq!(
        (
            outcome.replayed,
            outcome.applied,
            outcome.refused,
            outcome.failed_again
        ),
        (1, 0, 1, 0),
        "{outcome:?}"
    );
    bus.shutdown().await;
}

/// Panics on the message with id "boom"; counts the others.
#[derive(Default)]
struct Panicky {
    served: AtomicUsize,
}

#[async_trait]
impl MessageHandler for Panicky {
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        if message.id == "boom" {
            panic!("boom");
        }
        self.served.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn a_panicking_handler_dead_letters_the_message_and_the_consumer_lives_on() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let handler = Arc::new(Panicky::default());
    let bus = env.bus(fast_policy(2)).await;
    bus.subscribe("eventos-companias", "panic-test", handler.clone())
        .await
        .expect("subscribe");
    let message = |id: &str, key: &str| Message {
        id: id.into(),
        topic: "eventos-companias".into(),
        key: key.into(),
        message_type: "CompaniaCreada".into(),
        schema_version: 1,
        properties: [("type".to_owned(), "CompaniaCreada".to_owned())].into(),
        payload: vec![1],
        redelivery_count: 0,
    };
    bus.publish(&[message("boom", "a"), message("fine-1", "b")])
        .await
        .expect("publish");
    eventually("boom dead-lettered", || async {
        pulsar_dlq::list(&bus, "eventos-companias")
            .await
            .is_ok_and(|l| l.len() == 1)
    })
    .await;
    let letters = pulsar_dlq::list(&bus, "eventos-companias")
        .await
        .expect("list");
    assert_eq!(letters[0].id, "boom");
    assert!(
        letters[0].error.contains("handler panicked: boom"),
        "{}",
        letters[0].error
    );
    // The consumer task survived the panics and serves what comes next.
    bus.publish(&[message("fine-2", "a")])
        .await
        .expect("publish");
    eventually("both fine messages served", || async {
        handler.served.load(Ordering::SeqCst) == 2
    })
    .await;
    bus.shutdown().await;
}

#[tokio::test]
async fn garbage_on_a_command_topic_goes_to_the_dlq_at_once_and_is_discarded_from_the_operations_view()
 {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let app = app_on(&env).await;
    let pulsar = app.app.buses.pulsar.clone().expect("pulsar bus");
    pulsar
        .publish_raw(
            &env.topic("comandos-companias"),
            "junk",
            HashMap::from([("id".to_owned(), "junk-1".to_owned())]),
            b"\x00\xffnot avro".to_vec(),
        )
        .await
        .expect("publish garbage");

    let id = uuid::Uuid::new_v4().to_string();
    let header = EnvelopeHeader::new("CrearCompania", "test", "corr", None);
    let message = app
        .app
        .codec
        .message(
            "comandos-companias",
            &id,
            &header,
            &CrearCompania {
                id_compania: Some(id.clone()),
                nombre: "next".into(),
                email: "".into(),
                identificacion: "".into(),
                fecha_creacion: 0,
            },
        )
        .expect("encode");
    app.publish(&[message]).await;
    let path = format!("/companias/{id}");
    eventually("the next command applied", || async {
        app.get(&path).await.status() == 200
    })
    .await;

    let letters = pulsar_dlq::list(&pulsar, "comandos-companias")
        .await
        .expect("list");
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].id, "junk-1");
    assert_eq!(
        letters[0].attempts, "1",
        "no redelivery for an undecodable message"
    );
    assert!(!letters[0].error.is_empty());
    // The operations view: it does not decode (said so), and an operator
    // discards it with a reason; the DLQ no longer holds it.
    let vista = app
        .gql(
            "{ operaciones { cartasMuertas { id contenido } } }",
            serde_json::json!({}),
        )
        .await;
    let contenido = vista["data"]["operaciones"]["cartasMuertas"][0]["contenido"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(contenido.contains("no se pudo decodificar"), "{vista}");
    let descarte = app.gql(
        "mutation { descartarCartaMuerta(topic: \"comandos-companias\", id: \"junk-1\", motivo: \"basura de una prueba\") { razon } }",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(
        descarte["data"]["descartarCartaMuerta"]["razon"], "basura de una prueba",
        "{descarte}"
    );
    let quedan = pulsar_dlq::list(&pulsar, "comandos-companias")
        .await
        .expect("list");
    assert!(quedan.is_empty(), "{quedan:?}");
    app.app.stop().await;
}

#[tokio::test]
async fn the_broker_refuses_a_producer_with_an_incompatible_schema() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let client = reqwest::Client::new();
    let policy = client
        .put(format!(
            "{}/admin/v2/namespaces/public/{}/schemaCompatibilityStrategy",
            env.admin, env.namespace
        ))
        .json(&"FULL")
        .send()
        .await
        .expect("admin");
    assert!(
        policy.status().is_success(),
        "set FULL: {}",
        policy.status()
    );

    // Register v1 through our producer.
    let bus = env.bus(RetryPolicy::default()).await;
    let header = EnvelopeHeader::new("AprobarCompania", "test", "corr", None);
    let codec = propalpes::seedwork::infrastructure::avro::AvroCodec::new(Arc::new(
        propalpes::seedwork::infrastructure::avro::SchemaRegistry::embedded().expect("schemas"),
    ));
    #[derive(serde::Serialize)]
    struct Aprobar {
        id_compania: String,
    }
    let message = codec
        .message(
            "comandos-companias",
            "k",
            &header,
            &Aprobar {
                id_compania: "x".into(),
            },
        )
        .expect("encode");
    bus.publish(&[message]).await.expect("v1 accepted");

    // A schema that retypes a field without a new topic breaks FULL.
    let v1 =
        propalpes::seedwork::infrastructure::avro::SchemaRegistry::embedded().expect("schemas");
    let text = v1
        .topic("comandos-companias")
        .and_then(|t| t.text(1))
        .expect("v1");
    let broken = text.replacen(
        "{\"name\": \"time\", \"type\": \"long\"",
        "{\"name\": \"time\", \"type\": \"string\"",
        1,
    );
    assert_ne!(broken, text, "fixture changed the time field");
    let client = pulsar::Pulsar::builder(env.url.clone(), pulsar::TokioExecutor)
        .build()
        .await
        .expect("client");
    let refused = client
        .producer()
        .with_topic(env.topic("comandos-companias"))
        .with_options(pulsar::ProducerOptions {
            schema: Some(pulsar::proto::Schema {
                name: "comandos-companias".into(),
                schema_data: broken.into_bytes(),
                r#type: pulsar::proto::schema::Type::Avro as i32,
                properties: vec![],
            }),
            ..Default::default()
        })
        .build()
        .await;
    let error = refused
        .err()
        .expect("the broker refuses the incompatible schema");
    assert!(
        format!("{error:?}").to_lowercase().contains("incompatible"),
        "{error:?}"
    );
    bus.shutdown().await;
}

/// The topic's schema goes v1 → v2 through producers; the registry keeps
/// both; a v1 and a v2 consumer each read what both wrote; a producer with
/// a breaking v3 is refused under the namespace's FULL policy.
#[tokio::test]
async fn the_registry_evolves_v1_to_v2_and_refuses_a_breaking_v3() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let admin = reqwest::Client::new();
    let policy = admin
        .put(format!(
            "{}/admin/v2/namespaces/public/{}/schemaCompatibilityStrategy",
            env.admin, env.namespace
        ))
        .json(&"FULL")
        .send()
        .await
        .expect("admin");
    assert!(policy.status().is_success());

    let registry = Arc::new(
        propalpes::seedwork::infrastructure::avro::SchemaRegistry::embedded().expect("schemas"),
    );
    let topic = "eventos-companias";
    let schema_of = |v: u32| pulsar::proto::Schema {
        name: topic.into(),
        schema_data: registry
            .topic(topic)
            .and_then(|t| t.text(v))
            .expect("schema")
            .as_bytes()
            .to_vec(),
        r#type: pulsar::proto::schema::Type::Avro as i32,
        properties: vec![],
    };
    let client = pulsar::Pulsar::builder(env.url.clone(), pulsar::TokioExecutor)
        .build()
        .await
        .expect("client");
    // Two readers, subscribed before anything is written: one on v1, one on v2.
    let mut readers = Vec::new();
    for v in [1u32, 2] {
        let consumer: pulsar::Consumer<Vec<u8>, _> = client
            .consumer()
            .with_topic(env.topic(topic))
            .with_subscription(format!("reader-v{v}"))
            .with_options(pulsar::ConsumerOptions {
                schema: Some(schema_of(v)),
                initial_position: pulsar::consumer::InitialPosition::Earliest,
                ..Default::default()
            })
            .build()
            .await
            .expect("consumer");
        readers.push((v, consumer));
    }

    #[derive(serde::Serialize)]
    struct Creada {
        id_compania: String,
        nombre: String,
        email: String,
        identificacion: String,
        estado: String,
        fecha_creacion: i64,
        pais: Option<String>,
    }
    for v in [1u32, 2] {
        let codec = propalpes::seedwork::infrastructure::avro::AvroCodec::new(registry.clone())
            .with_writer_version(topic, v);
        let header = EnvelopeHeader::new("CompaniaCreada", "test", "corr", None);
        let data = Creada {
            id_compania: format!("writer-v{v}"),
            nombre: "Andes".into(),
            email: "".into(),
            identificacion: "1".into(),
            estado: "Pendiente".into(),
            fecha_creacion: 1,
            pais: Some("CO".into()),
        };
        let message = codec.message(topic, "k", &header, &data).expect("encode");
        assert_eq!(message.schema_version, v);
        let mut producer = client
            .producer()
            .with_topic(env.topic(topic))
            .with_options(pulsar::ProducerOptions {
                schema: Some(schema_of(v)),
                ..Default::default()
            })
            .build()
            .await
            .expect("a compatible version is accepted");
        let properties = message.properties.clone().into_iter().collect();
        producer
            .send_non_blocking(pulsar::producer::Message {
                payload: message.payload,
                properties,
                ..Default::default()
            })
            .await
            .expect("send")
            .await
            .expect("receipt");
    }

    let versions = env
        .admin_get(&format!(
            "/admin/v2/schemas/public/{}/{topic}/schemas",
            env.namespace
        ))
        .await;
    assert_eq!(versions.status(), 200);
    let versions: serde_json::Value = versions.json().await.expect("json");
    let stored = versions["getSchemaResponses"].as_array().expect("versions");
    assert_eq!(stored.len(), 2, "the registry holds v1 and v2: {versions}");

    use futures::StreamExt;
    for (reader_version, consumer) in readers.iter_mut() {
        let codec = propalpes::seedwork::infrastructure::avro::AvroCodec::new(registry.clone())
            .with_writer_version(topic, *reader_version);
        let mut seen = Vec::new();
        for _ in 0..2 {
            let message = tokio::time::timeout(Duration::from_secs(15), consumer.next())
                .await
                .expect("in time")
                .expect("open")
                .expect("message");
            let bus_message =
                propalpes::seedwork::infrastructure::to_bus_message(topic, &message, 0);
            let decoded = codec
                .decode_message(&bus_message)
                .expect("each reader reads each writer");
            assert_eq!(decoded.header.message_type, "CompaniaCreada");
            let pais = decoded.text("pais");
            // A v1 reader never sees pais; a v2 reader sees it from a v2 writer.
            match (*reader_version, bus_message.schema_version) {
                (1, _) => assert_eq!(pais, None),
                (2, 2) => assert_eq!(pais.as_deref(), Some("CO")),
                (2, _) => assert_eq!(pais, None, "v1 data reads with the default"),
                _ => unreachable!(),
            }
            seen.push(decoded.text("id_compania").expect("id"));
            consumer.ack(&message).await.expect("ack");
        }
        seen.sort();
        assert_eq!(seen, ["writer-v1", "writer-v2"], "reader v{reader_version}");
    }

    let broken = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/schemas-broken/comandos-companias/v3.avsc"
    ))
    .expect("fixture");
    let v2 = registry
        .topic("comandos-companias")
        .and_then(|t| t.text(2))
        .expect("v2");
    let mut first = client
        .producer()
        .with_topic(env.topic("comandos-companias"))
        .with_options(pulsar::ProducerOptions {
            schema: Some(pulsar::proto::Schema {
                name: "c".into(),
                schema_data: v2.as_bytes().to_vec(),
                r#type: pulsar::proto::schema::Type::Avro as i32,
                properties: vec![],
            }),
            ..Default::default()
        })
        .build()
        .await
        .expect("v2 registers");
    let _ = first
        .send_non_blocking(vec![0u8])
        .await
        .expect("send")
        .await;
    let refused = client
        .producer()
        .with_topic(env.topic("comandos-companias"))
        .with_options(pulsar::ProducerOptions {
            schema: Some(pulsar::proto::Schema {
                name: "c".into(),
                schema_data: broken.into_bytes(),
                r#type: pulsar::proto::schema::Type::Avro as i32,
                properties: vec![],
            }),
            ..Default::default()
        })
        .build()
        .await;
    let error = refused.err().expect("the broker refuses the breaking v3");
    assert!(
        format!("{error:?}").to_lowercase().contains("incompatible"),
        "{error:?}"
    );
}

/// Counts deliveries by envelope id.
#[derive(Default)]
struct Tally(Mutex<HashMap<String, usize>>);

#[async_trait]
impl MessageHandler for Tally {
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        *self
            .0
            .lock()
            .expect("lock")
            .entry(message.id.clone())
            .or_default() += 1;
        Ok(())
    }
}

/// Acknowledgements wait to leave in groups: a clean stop sends those
/// still waiting, so a consumer that comes back is not handed again what
/// was done (a sentinel published after, on the same key, arrives first).
#[tokio::test]
async fn grouped_acks_are_sent_on_a_clean_stop() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    // Acks would wait a minute: only the stop can send them.
    let slow_acks = propalpes::seedwork::infrastructure::PulsarTuning {
        ack_group_time: Duration::from_secs(60),
        ..Default::default()
    };
    let bus = |tuning| {
        let env = env.clone();
        async move {
            let registry = Arc::new(
                propalpes::seedwork::infrastructure::avro::SchemaRegistry::embedded()
                    .expect("schemas"),
            );
            Arc::new(
                propalpes::seedwork::infrastructure::PulsarBus::connect(
                    env.config(),
                    registry,
                    RetryPolicy::default(),
                )
                .await
                .expect("connect")
                .with_tuning(tuning),
            )
        }
    };
    let message = |seq: u64| Message {
        id: format!("g-{seq}"),
        topic: "eventos-companias".into(),
        key: "one-key".into(),
        message_type: "CompaniaCreada".into(),
        schema_version: 1,
        properties: Default::default(),
        payload: vec![1],
        redelivery_count: 0,
    };
    let first = Arc::new(Tally::default());
    let consumer = bus(slow_acks).await;
    consumer
        .subscribe("eventos-companias", "ack-groups", first.clone())
        .await
        .expect("subscribe");
    let producer = bus(Default::default()).await;
    let batch: Vec<Message> = (0..50).map(message).collect();
    producer.publish(&batch).await.expect("publish");
    eventually("50 handled", || async {
        first.0.lock().expect("lock").len() == 50
    })
    .await;
    consumer.shutdown().await;

    let second = Arc::new(Tally::default());
    let again = bus(Default::default()).await;
    again
        .subscribe("eventos-companias", "ack-groups", second.clone())
        .await
        .expect("resubscribe");
    producer.publish(&[message(1000)]).await.expect("sentinel");
    eventually("the sentinel", || async {
        second.0.lock().expect("lock").contains_key("g-1000")
    })
    .await;
    let seen = second.0.lock().expect("lock").clone();
    assert_eq!(seen.len(), 1, "redelivered after a clean stop: {seen:?}");
    for bus in [again, producer] {
        bus.shutdown().await;
    }
}
