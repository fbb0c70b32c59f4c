//! Retention and the event log: what grows with traffic is pruned in
//! batches (both backends), a message older than the dedupe window is
//! dead-lettered as stale, and `projections rebuild` replays a whole log
//! (after the command topics' history was deleted) and refuses a
//! truncated one, on Pulsar and on the embedded default.

use std::time::Duration;

use propalpes::app::{self, Role};
use propalpes::seedwork::application::{Message, MessageBus, REPLAY_PROPERTY};
use propalpes::seedwork::infrastructure::retention::table_sizes;
use propalpes::seedwork::infrastructure::{
    ConsumerSettings, Database, DatabaseUrl, EmbeddedBus, Pruner, RetentionPolicy, RetryPolicy,
};
use propalpes::settings::{Duracion, Settings};
use serde_json::json;

use crate::bff_graphql::{CREAR, snapshot};
use crate::common::pulsar::pulsar_env;
use crate::common::{Backend, Recorder, TestApp, args, eventually, fresh_database_url};

const HOUR: i64 = 3_600_000;

async fn seedwork_database(backend: Backend) -> Option<(Database, tempfile::TempDir)> {
    let dir = tempfile::tempdir().expect("dir");
    let url: DatabaseUrl = fresh_database_url(backend, dir.path())?
        .parse()
        .expect("url");
    let db = Database::connect(&url, &sqlx::migrate::Migrator::with_migrations(Vec::new()))
        .await
        .expect("database");
    Some((db, dir))
}

async fn outbox_row(db: &Database, topic: &str, created_at: i64, sent_at: Option<i64>) {
    sqlx::query(
        "INSERT INTO outbox (id, topic, message_key, message_type, schema_version, properties, payload, created_at, sent_at) \
         VALUES ($1, $2, 'k', 'T', 1, '{}', $3, $4, $5)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(topic)
    .bind(vec![0u8; 64])
    .bind(created_at)
    .bind(sent_at)
    .execute(db.pool())
    .await
    .expect("outbox row");
}

async fn count(db: &Database, sql: &'static str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(db.pool())
        .await
        .expect("count");
    n
}

fn policy(kept: &[&str]) -> RetentionPolicy {
    RetentionPolicy {
        outbox: Duration::from_secs(3_600),
        inbox: Duration::from_secs(3_600),
        dead_letters: Duration::from_secs(3_600),
        kept_topics: kept.iter().map(|t| (*t).to_owned()).collect(),
    }
}

/// Old sent rows go, pending and young rows and the kept log stay; the
/// inbox and settled failures go by age in batches; what was pruned from
/// the outbox is recorded per topic.
async fn pruning_keeps_exactly_what_its_windows_hold(backend: Backend) {
    let Some((db, _dir)) = seedwork_database(backend).await else {
        return;
    };
    let now = chrono::Utc::now().timestamp_millis();
    let old = now - 2 * HOUR;
    for _ in 0..3 {
        outbox_row(&db, "comandos-companias", old, Some(old)).await;
        outbox_row(&db, "eventos-companias", old, Some(old)).await;
    }
    outbox_row(&db, "comandos-companias", now, Some(now)).await;
    outbox_row(&db, "comandos-companias", old, None).await;
    // 2,500 expired inbox rows: three batches of at most 1,000.
    for chunk in 0..25 {
        let values: Vec<String> = (0..100)
            .map(|i| format!("('c', 'old-{chunk}-{i}', {old})"))
            .collect();
        let sql = format!(
            "INSERT INTO inbox (consumer, message_id, processed_at) VALUES {}",
            values.join(", ")
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(db.pool())
            .await
            .expect("inbox rows");
    }
    sqlx::query("INSERT INTO inbox (consumer, message_id, processed_at) VALUES ('c', 'young', $1)")
        .bind(now)
        .execute(db.pool())
        .await
        .expect("young inbox row");
    for (key, updated) in [("young", now), ("failing", now), ("given-up", old)] {
        sqlx::query(
            "INSERT INTO delivery_failures (consumer, delivery_key, attempts, last_error, updated_at) \
             VALUES ('c', $1, 1, 'e', $2)",
        )
        .bind(key)
        .bind(updated)
        .execute(db.pool())
        .await
        .expect("failure row");
    }

    let pruner = Pruner::new("t", db.clone(), policy(&["eventos-companias"]));
    let pruned = pruner.prune_once().await.expect("prune");

    assert_eq!(pruned.of("outbox"), 3, "the three old command rows");
    assert_eq!(pruned.of("inbox"), 2_500);
    // `young` was applied (it is in the inbox); `given-up` is past its window.
    assert_eq!(pruned.of("delivery_failures"), 2);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM outbox WHERE topic = 'eventos-companias'"
        )
        .await,
        3,
        "the kept log stays"
    );
    assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox").await, 3 + 2);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM inbox").await, 1);
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM delivery_failures WHERE delivery_key = 'failing'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT rows_pruned FROM outbox_pruned WHERE topic = 'comandos-companias'"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM outbox_pruned WHERE topic = 'eventos-companias'"
        )
        .await,
        0,
        "the kept log is whole"
    );
    // A second pass has nothing left to do.
    assert_eq!(
        pruner
            .prune_once()
            .await
            .expect("again")
            .0
            .values()
            .sum::<u64>(),
        0
    );
    let sizes = table_sizes(db.pool(), db.backend()).await.expect("sizes");
    let outbox = sizes.iter().find(|s| s.table == "outbox").expect("outbox");
    assert_eq!(outbox.rows, 5);
    assert!(outbox.bytes > 0, "{sizes:?}");
}

#[tokio::test]
async fn pruning_keeps_exactly_what_its_windows_hold_on_sqlite() {
    pruning_keeps_exactly_what_its_windows_hold(Backend::Sqlite).await;
}

#[tokio::test]
async fn pruning_keeps_exactly_what_its_windows_hold_on_postgres() {
    pruning_keeps_exactly_what_its_windows_hold(Backend::Postgres).await;
}

/// On SQLite the pages retention frees go back to the file system: the
/// file shrinks instead of staying at its high-water mark.
#[tokio::test]
async fn sqlite_files_shrink_after_pruning() {
    let Some((db, dir)) = seedwork_database(Backend::Sqlite).await else {
        return;
    };
    let old = chrono::Utc::now().timestamp_millis() - 2 * HOUR;
    for _ in 0..2_000 {
        outbox_row(&db, "comandos-companias", old, Some(old)).await;
    }
    let file = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "db"))
        .expect("the database file");
    let checkpoint = || async {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(db.writer())
            .await
            .expect("checkpoint");
        std::fs::metadata(&file).expect("size").len()
    };
    let full = checkpoint().await;
    let pruned = Pruner::new("t", db.clone(), policy(&[]))
        .prune_once()
        .await
        .expect("prune");
    assert_eq!(pruned.of("outbox"), 2_000);
    let after = checkpoint().await;
    assert!(
        after * 2 < full,
        "the file went from {full} to {after} bytes"
    );
}

fn minted(ago: Duration) -> String {
    let at = std::time::SystemTime::now() - ago;
    let since = at
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, since.as_secs(), since.subsec_nanos());
    uuid::Uuid::new_v7(ts).to_string()
}

fn message(id: String) -> Message {
    Message {
        id,
        topic: "comandos-companias".into(),
        key: "k".into(),
        message_type: "CrearCompania".into(),
        schema_version: 1,
        properties: Default::default(),
        payload: Vec::new(),
        redelivery_count: 0,
    }
}

/// A message minted longer ago than the dedupe window may have been
/// applied and its inbox row pruned: it is dead-lettered as stale, not
/// applied; a replay of it (an operator's decision) is applied.
#[tokio::test]
async fn a_message_older_than_the_dedupe_window_is_dead_lettered_as_stale() {
    let Some((db, _dir)) = seedwork_database(Backend::Sqlite).await else {
        return;
    };
    let bus =
        EmbeddedBus::new(db.clone(), RetryPolicy::default()).with_settings(ConsumerSettings {
            dedupe_window: Some(Duration::from_secs(3_600)),
            ..ConsumerSettings::default()
        });
    let recorder = Recorder::default();
    bus.subscribe(
        "comandos-companias",
        "t",
        std::sync::Arc::new(recorder.clone()),
    )
    .await
    .expect("subscribe");
    let stale = message(minted(Duration::from_secs(2 * 3_600)));
    let fresh = message(minted(Duration::from_secs(60)));
    let mut replayed = message(minted(Duration::from_secs(2 * 3_600)));
    replayed
        .properties
        .insert(REPLAY_PROPERTY.into(), "r1".into());
    bus.publish(&[stale.clone(), fresh.clone(), replayed.clone()])
        .await
        .expect("publish");
    let seen = recorder
        .wait_for("the fresh and the replayed message", |m| m.len() == 2)
        .await;
    assert_eq!(
        seen.iter().map(|m| m.id.clone()).collect::<Vec<_>>(),
        [fresh.id, replayed.id]
    );
    let letters = bus
        .dead_letters("comandos-companias")
        .await
        .expect("letters");
    assert_eq!(letters.len(), 1, "{letters:?}");
    assert_eq!(letters[0].message.id, stale.id);
    assert!(
        letters[0].error.starts_with("stale:"),
        "{}",
        letters[0].error
    );
}

/// Companies, one of them left to a person, and a property registration.
async fn drive_the_flow(app: &TestApp, companies: usize) {
    for i in 0..companies {
        let email = match i % 3 {
            0 => "",
            1 => "ok@andes.co",
            _ => "c@",
        };
        app.gql(
            CREAR,
            json!({"input": {"nombre": format!("C{i}"), "email": email, "identificacion": "1"}}),
        )
        .await;
    }
    app.gql(
        "mutation($input: CrearDatosGeograficosInput!) { crearDatosGeograficos(input: $input) { idEntidad } }",
        json!({"input": {"nombrePropiedad": "Casa", "latitud": "95", "longitud": "-74"}}),
    )
    .await;
}

async fn wait_final(db: &Database, records: i64) {
    eventually(
        "every record decided in the projection",
        Duration::from_secs(60),
        || async {
            let decided = count(
                db,
                "SELECT COUNT(*) FROM registros WHERE estado <> 'Pendiente'",
            )
            .await;
            let audits = count(db, "SELECT COUNT(*) FROM auditorias").await;
            (decided == records && audits == records).then_some(())
        },
    )
    .await;
}

fn embedded_args(dir: &std::path::Path) -> (Settings, String) {
    let url = fresh_database_url(Backend::Sqlite, dir).expect("sqlite");
    let mut args = args(&url, dir);
    args.retention.outbox = Duracion::from_secs(0);
    args.retention.interval = "100ms".parse().expect("duration");
    (args, url)
}

/// The embedded default keeps its event log in the outboxes while
/// retention deletes the command rows: a rebuild equals the live
/// projection; a log that retention truncated is refused, untouched.
#[tokio::test]
async fn the_embedded_default_rebuilds_from_its_outboxes_and_refuses_a_truncated_log() {
    propalpes::telemetry::init_for_tests();
    let dir = tempfile::tempdir().expect("dir");
    let (args, url) = embedded_args(dir.path());
    let app = TestApp::new(app::start(&args, Role::All).await.expect("app"), url, dir);
    drive_the_flow(&app, 6).await;
    let bff = app.app.bff.as_ref().expect("bff").storage.db.clone();
    wait_final(&bff, 7).await;
    // The BFF's outbox held only commands: retention empties it.
    eventually(
        "the BFF's sent commands pruned",
        Duration::from_secs(30),
        || async { (count(&bff, "SELECT COUNT(*) FROM outbox").await == 0).then_some(()) },
    )
    .await;
    assert!(
        count(
            &bff,
            "SELECT rows_pruned FROM outbox_pruned WHERE topic = 'comandos-companias'"
        )
        .await
            >= 6
    );
    let companias = app
        .app
        .companias
        .as_ref()
        .expect("companias")
        .storage
        .db
        .clone();
    assert!(
        count(
            &companias,
            "SELECT COUNT(*) FROM outbox WHERE topic = 'eventos-companias'"
        )
        .await
            >= 6,
        "the event log stays"
    );
    let before = snapshot(&bff).await;
    app.app.stop().await;

    let applied = propalpes::ops::rebuild_projections(&args)
        .await
        .expect("rebuild");
    assert!(applied >= 7 * 2, "replayed {applied} events");
    assert_eq!(
        snapshot(&bff).await,
        before,
        "the rebuild equals the live projection"
    );

    sqlx::query("INSERT INTO outbox_pruned (topic, rows_pruned, last_pruned_at) VALUES ('eventos-companias', 1, 0)")
        .execute(companias.pool())
        .await
        .expect("mark truncated");
    let refused = propalpes::ops::rebuild_projections(&args)
        .await
        .expect_err("a truncated log is refused");
    assert!(refused.to_string().contains("truncated"), "{refused}");
    assert_eq!(
        snapshot(&bff).await,
        before,
        "a refused rebuild touches nothing"
    );
    drop(app._dir);
}

/// On Pulsar, with the event topics kept forever and ledgers rolled and
/// trimmed: the command topics lose their acknowledged history, a rebuild
/// still equals the live projection. Without that retention it is refused.
#[tokio::test]
async fn a_rebuild_after_ledger_rollover_equals_the_live_projection_on_pulsar() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    propalpes::telemetry::init_for_tests();
    env.keep_event_log().await;
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database_url(Backend::Sqlite, dir.path()).expect("db");
    let mut args = args(&url, dir.path());
    args.pulsar.url = Some(env.url.clone());
    args.pulsar.namespace = env.namespace.clone();
    args.pulsar.admin_url = Some(env.admin.clone());
    let app = TestApp::new(app::start(&args, Role::All).await.expect("app"), url, dir);
    // More commands than a test-broker ledger holds (100 entries).
    let companies = 240;
    drive_the_flow(&app, companies).await;
    let bff = app.app.bff.as_ref().expect("bff").storage.db.clone();
    wait_final(&bff, companies as i64 + 1).await;
    let topic = propalpes::contracts::topics::COMANDOS_COMPANIAS;
    env.roll_and_trim(topic).await;
    let left = eventually(
        "the command topic's consumed ledgers deleted",
        Duration::from_secs(60),
        || async {
            let left = env.retained(topic).await;
            (left < companies).then_some(left)
        },
    )
    .await;
    println!("{topic}: {left} of {companies} commands retained after rollover and trim");
    let before = snapshot(&bff).await;
    app.app.stop().await;

    let applied = propalpes::ops::rebuild_projections(&args)
        .await
        .expect("rebuild");
    assert!(applied >= (companies + 1) * 2, "replayed {applied} events");
    assert_eq!(
        snapshot(&bff).await,
        before,
        "the rebuild equals the live projection"
    );

    // The same deployment without infinite retention on an event topic.
    let path = env.admin_path(propalpes::contracts::topics::EVENTOS_AUDITORIA);
    let http = reqwest::Client::new();
    let removed = http
        .delete(format!("{path}/retention"))
        .send()
        .await
        .expect("remove");
    assert!(removed.status().is_success(), "{}", removed.status());
    let refused = eventually("the rebuild refused", Duration::from_secs(30), || async {
        propalpes::ops::rebuild_projections(&args).await.err()
    })
    .await;
    assert!(
        refused.to_string().contains("may be truncated"),
        "{refused}"
    );
    assert_eq!(
        snapshot(&bff).await,
        before,
        "a refused rebuild touches nothing"
    );
}
