//! Commands arriving on `comandos-companias` (embedded bus): encoded from the
//! schema file by the Avro codec, applied once, poison to the dead letters.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::common::{Backend, TestApp, args, eventually, spawn_companias};
use async_trait::async_trait;
use propalpes::seedwork::application::{BatchOutcome, HandleError, Message, MessageHandler};
use propalpes::seedwork::infrastructure::avro::EnvelopeHeader;
use serde_json::json;

#[derive(serde::Serialize)]
struct CrearCompania {
    id_compania: Option<String>,
    nombre: String,
    email: String,
    identificacion: String,
    fecha_creacion: i64,
}

#[derive(serde::Serialize)]
struct AprobarCompania {
    id_compania: String,
}

#[derive(serde::Serialize)]
struct RechazarCompania {
    id_compania: String,
    motivos: Vec<String>,
}

fn command<T: serde::Serialize>(app: &TestApp, kind: &str, key: &str, data: &T) -> Message {
    let header = EnvelopeHeader::new(kind, "python-producer", "corr-1", None);
    app.app
        .codec
        .message("comandos-companias", key, &header, data)
        .expect("encodes against the schema file")
}

/// Dead letters of the command topic not yet replayed.
async fn letters(app: &TestApp) -> Vec<propalpes::seedwork::infrastructure::DeadLetter> {
    app.embedded()
        .dead_letters("comandos-companias")
        .await
        .expect("list")
}

/// `propalpes dlq replay --topic comandos-companias ARGS` run as its own
/// process against the app's database, as an operator would; its output
/// once it succeeded.
async fn dlq_replay(app: &TestApp, args: &[&str]) -> String {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_propalpes"))
        .args(["dlq", "replay", "--topic", "comandos-companias"])
        .args(args)
        .args(["--database-url", &app.database_url])
        .env_remove("PULSAR_URL")
        .env_remove("DATABASE_URL")
        .output()
        .await
        .expect("run propalpes dlq replay");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A `CrearCompania` keyed by its id, or by "k" with no id (the command id
/// then names the company).
fn crear(
    app: &TestApp,
    id: Option<&str>,
    nombre: &str,
    email: &str,
    identificacion: &str,
) -> Message {
    command(
        app,
        "CrearCompania",
        id.unwrap_or("k"),
        &CrearCompania {
            id_compania: id.map(str::to_owned),
            nombre: nombre.into(),
            email: email.into(),
            identificacion: identificacion.into(),
            fecha_creacion: 0,
        },
    )
}

async fn command_creates_once_even_when_redelivered(app: TestApp) {
    let id = uuid::Uuid::new_v4().to_string();
    let crear = crear(&app, Some(&id), "Andes", "", "1");
    app.publish(std::slice::from_ref(&crear)).await;
    app.publish(&[crear]).await; // a redelivery
    let compania = app.get_json(&format!("/companias/{id}")).await;
    assert_eq!(compania["nombre"], "Andes");
    assert_eq!(app.get_json("/companias").await["total"], 1);

    let rechazar = command(
        &app,
        "RechazarCompania",
        &id,
        &RechazarCompania {
            id_compania: id.clone(),
            motivos: vec!["email faltante".into()],
        },
    );
    app.publish(&[rechazar]).await;
    let compania = app.get_json(&format!("/companias/{id}")).await;
    assert_eq!(compania["estado"], "Rechazada");
    assert_eq!(compania["motivos_rechazo"], json!(["email faltante"]));
}

async fn creation_without_id_uses_the_command_id(app: TestApp) {
    let crear = crear(&app, None, "Sin id", "x@y.co", "2");
    let command_id = crear.id.clone();
    app.publish(&[crear]).await;
    assert_eq!(
        app.get_json(&format!("/companias/{command_id}")).await["nombre"],
        "Sin id"
    );
}

async fn garbage_goes_to_dead_letters_at_once(app: TestApp) {
    let mut garbage = crear(&app, None, "x", "", "");
    garbage.payload = b"not avro at all".to_vec();
    app.publish(std::slice::from_ref(&garbage)).await;
    let letters = letters(&app).await;
    assert_eq!(letters.len(), 1);
    assert_eq!(letters[0].attempts, 1, "undecodable: no redelivery");
    assert_eq!(letters[0].subscription, "companias");

    // The consumer keeps serving the next message.
    let id = uuid::Uuid::new_v4().to_string();
    let ok = crear(&app, Some(&id), "ok", "", "");
    app.publish(&[ok]).await;
    assert_eq!(app.get(&format!("/companias/{id}")).await.status(), 200);
}

async fn invalid_command_is_dead_lettered_with_its_reason(app: TestApp) {
    let bad = command(
        &app,
        "RechazarCompania",
        "k",
        &RechazarCompania {
            id_compania: "not-a-uuid".into(),
            motivos: vec!["x".into()],
        },
    );
    app.publish(&[bad]).await;
    let letters = letters(&app).await;
    assert_eq!(letters.len(), 1);
    assert!(
        letters[0].error.contains("id_compania"),
        "reason names the field: {}",
        letters[0].error
    );
}

/// An approval that arrived before its company gives up and is
/// dead-lettered; once the company exists, `propalpes dlq replay` run as a
/// separate process (as an operator would) has the running app apply it once.
async fn dlq_replay_from_another_process_applies_the_letter_once(app: TestApp) {
    let id = uuid::Uuid::new_v4().to_string();
    let aprobar = command(
        &app,
        "AprobarCompania",
        &id,
        &AprobarCompania {
            id_compania: id.clone(),
        },
    );
    app.publish(std::slice::from_ref(&aprobar)).await;
    let early = letters(&app).await;
    assert_eq!(early.len(), 1, "the early approval was dead-lettered");
    assert_eq!(early[0].message.id, aprobar.id);

    let crear = crear(&app, Some(&id), "Tardía", "t@a.co", "1");
    app.publish(&[crear]).await;
    assert_eq!(
        app.get_json(&format!("/companias/{id}")).await["estado"],
        "Pendiente"
    );

    let stdout = dlq_replay(&app, &["--id", &aprobar.id]).await;
    assert!(
        stdout.contains("replayed 1 message(s) to comandos-companias: 1 applied, 0 failed again"),
        "{stdout}"
    );
    let compania = app.get_json(&format!("/companias/{id}")).await;
    assert_eq!(compania["estado"], "Aprobada");
    assert_eq!(compania["version"], 2, "created once, approved once");
    assert!(
        letters(&app).await.is_empty(),
        "a replayed letter is not listed again"
    );
    // Nothing left: a second replay finds nothing to do.
    let again = dlq_replay(&app, &[]).await;
    assert!(again.contains("replayed 0 message(s)"), "{again}");
}

/// Twenty creations of one key arrive in one publish, so the consumer
/// applies them as one run in one transaction; the undecodable one in the
/// middle rolls that back, and one by one its neighbours commit once while
/// it goes to the dead letters alone.
async fn a_poison_message_in_a_batch_leaves_its_neighbours_applied_once(app: TestApp) {
    let events = crate::common::Recorder::default();
    app.app
        .buses
        .bus
        .subscribe(
            "eventos-companias",
            "test-recorder",
            Arc::new(events.clone()),
        )
        .await
        .expect("subscribe");
    let mut run: Vec<Message> = (0..20)
        .map(|i| crear(&app, None, &format!("Lote {i}"), "", &i.to_string()))
        .collect();
    run[10].payload = b"not avro at all".to_vec();
    app.publish(&run).await;
    assert_eq!(app.get_json("/companias").await["total"], 19);
    let letters = letters(&app).await;
    assert_eq!(letters.len(), 1, "only the poison one is dead-lettered");
    assert_eq!(letters[0].message.id, run[10].id);
    assert_eq!(letters[0].attempts, 1, "undecodable: no redelivery");
    let created = events
        .wait_for("19 CompaniaCreada", |m| m.len() >= 19)
        .await;
    // Not a wait for something: a moment passes to show no neighbour's
    // event comes a second time.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        events.messages().len(),
        19,
        "each neighbour committed once: {created:?}"
    );
}

/// A letter that fails again on replay (the company it approves still does
/// not exist) is dead-lettered anew, and `dlq replay` reports it and ends.
async fn dlq_replay_of_a_letter_that_fails_again_ends(app: TestApp) {
    let id = uuid::Uuid::new_v4().to_string();
    let aprobar = command(
        &app,
        "AprobarCompania",
        &id,
        &AprobarCompania {
            id_compania: id.clone(),
        },
    );
    app.publish(std::slice::from_ref(&aprobar)).await;
    assert_eq!(letters(&app).await.len(), 1);
    let stdout = dlq_replay(&app, &["--wait-secs", "20"]).await;
    assert!(
        stdout.contains("applied: 0, failed again: 1, still waiting: 0"),
        "{stdout}"
    );
    let again = letters(&app).await;
    assert_eq!(again.len(), 1, "dead-lettered anew, once");
    assert_eq!(again[0].message.id, aprobar.id);
}

/// An approval dead-lettered before its company existed, replayed once the
/// company was rejected meanwhile: the context takes it and refuses it
/// (`ComandoRechazado`), and `dlq replay` says so instead of "applied".
async fn dlq_replay_of_a_letter_now_refused_says_so(app: TestApp) {
    let id = uuid::Uuid::new_v4().to_string();
    let aprobar = command(
        &app,
        "AprobarCompania",
        &id,
        &AprobarCompania {
            id_compania: id.clone(),
        },
    );
    app.publish(std::slice::from_ref(&aprobar)).await;
    assert_eq!(
        letters(&app).await.len(),
        1,
        "dead-lettered: no company yet"
    );
    let crear = crear(&app, Some(&id), "Rechazable", "r@a.co", "2");
    let rechazar = command(
        &app,
        "RechazarCompania",
        &id,
        &RechazarCompania {
            id_compania: id.clone(),
            motivos: vec!["email dudoso".into()],
        },
    );
    app.publish(&[crear, rechazar]).await;
    assert_eq!(
        app.get_json(&format!("/companias/{id}")).await["estado"],
        "Rechazada"
    );
    let stdout = dlq_replay(&app, &["--id", &aprobar.id, "--wait-secs", "20"]).await;
    assert!(
        stdout.contains("applied: 0, failed again: 0, still waiting: 0, refused: 1"),
        "{stdout}"
    );
    assert_eq!(
        app.get_json(&format!("/companias/{id}")).await["estado"],
        "Rechazada",
        "the refused approval changed nothing"
    );
    assert!(
        letters(&app).await.is_empty(),
        "taken: not a dead letter again"
    );
}

/// The companias consumer's own handler, counting the failures it reports:
/// runs that fail and probes of a database that does not answer.
struct CountingFailures {
    inner: Arc<dyn MessageHandler>,
    failures: Arc<AtomicU32>,
}

impl CountingFailures {
    fn failed(&self) {
        self.failures.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl MessageHandler for CountingFailures {
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        let result = self.inner.handle(message).await;
        if result.is_err() {
            self.failed();
        }
        result
    }

    async fn handle_batch(&self, messages: &[Message]) -> BatchOutcome {
        let outcome = self.inner.handle_batch(messages).await;
        if outcome.failure.is_some() {
            self.failed();
        }
        outcome
    }

    async fn ready(&self) -> bool {
        let ready = self.inner.ready().await;
        if !ready {
            self.failed();
        }
        ready
    }

    async fn record_failure(&self, message: &Message, reason: &str) -> Option<u32> {
        self.inner.record_failure(message, reason).await
    }
}

/// The companias database refuses connections while commands arrive (a
/// budget of 2 redeliveries), for longer than that budget: the consumer
/// fails more times than would dead-letter a message if the outage counted.
/// It waits the outage out, reports not ready meanwhile, and applies every
/// command once the database is back; nothing is dead-lettered.
#[tokio::test]
async fn a_database_outage_longer_than_the_redelivery_budget_dead_letters_nothing() {
    let Some(app) = spawn_companias(Backend::Postgres).await else {
        return;
    };
    let budget = args(&app.database_url, app._dir.path())
        .delivery
        .max_redeliveries;
    let failures = Arc::new(AtomicU32::new(0));
    let consumer = app
        .embedded()
        .unsubscribe("comandos-companias", "companias")
        .expect("companias consumer");
    let counting = CountingFailures {
        inner: consumer,
        failures: failures.clone(),
    };
    app.app
        .buses
        .bus
        .subscribe("comandos-companias", "companias", Arc::new(counting))
        .await
        .expect("subscribe");
    let database = crate::common::ContextDatabase::of(&app, "companias").await;
    database.allow_connections(false).await;
    let commands: Vec<Message> = (0..20)
        .map(|i| {
            let id = uuid::Uuid::new_v4().to_string();
            crear(&app, Some(&id), &format!("Caída {i}"), "", &i.to_string())
        })
        .collect();
    let bus = app.app.buses.bus.clone();
    let arriving = tokio::spawn(async move {
        for command in commands {
            bus.publish(std::slice::from_ref(&command))
                .await
                .expect("publish");
        }
    });
    eventually("not ready while down", Duration::from_secs(10), || async {
        (app.get("/ready").await.status() == 503).then_some(())
    })
    .await;
    // Each publish waits for its delivery, so the first command is the one
    // in flight: its failed run and the failed probes that follow are the
    // count. Were the outage counted, failure budget + 1 would dead-letter
    // it; the database stays away past that.
    eventually(
        "the consumer to fail past its redelivery budget",
        Duration::from_secs(30),
        || async { (failures.load(Ordering::SeqCst) > budget + 1).then_some(()) },
    )
    .await;
    assert_eq!(app.get("/ready").await.status(), 503, "still down");
    database.allow_connections(true).await;
    tokio::time::timeout(Duration::from_secs(60), arriving)
        .await
        .expect("the commands are applied once the database is back")
        .expect("publisher");
    assert_eq!(app.get_json("/companias").await["total"], 20);
    assert!(letters(&app).await.is_empty(), "nothing dead-lettered");
    assert_eq!(app.get("/ready").await.status(), 200);
}

on_both_backends! {
    spawn_companias:
    dlq_replay_of_a_letter_that_fails_again_ends => dlq_replay_of_a_letter_that_fails_again_ends;
    a_poison_message_in_a_batch_leaves_its_neighbours_applied_once => a_poison_message_in_a_batch_leaves_its_neighbours_applied_once;
    command_creates_once_even_when_redelivered => command_creates_once_even_when_redelivered;
    creation_without_id_uses_the_command_id => creation_without_id_uses_the_command_id;
    garbage_goes_to_dead_letters_at_once => garbage_goes_to_dead_letters_at_once;
    invalid_command_is_dead_lettered_with_its_reason => invalid_command_is_dead_lettered_with_its_reason;
    dlq_replay_from_another_process_applies_the_letter_once => dlq_replay_from_another_process_applies_the_letter_once;
    dlq_replay_of_a_letter_now_refused_says_so => dlq_replay_of_a_letter_now_refused_says_so;
}
