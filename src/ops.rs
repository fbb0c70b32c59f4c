//! Operational subcommands (`dlq list|replay`): thin wrappers over the bus
//! adapters that print for an operator.

use std::sync::Arc;
use std::time::Duration;

use crate::app::Buses;
use crate::config::DlqAction;
use crate::seedwork::infrastructure::avro::SchemaRegistry;
use crate::seedwork::infrastructure::pulsar_dlq::{self, ReplayOutcome};
use crate::seedwork::infrastructure::{EmbeddedBus, InfraError, PulsarBus};
use crate::settings::Settings;

fn bus_error(e: impl std::fmt::Display) -> InfraError {
    InfraError::Bus(e.to_string())
}

pub async fn dlq(args: &Settings, action: &DlqAction) -> Result<(), InfraError> {
    let buses = Buses::connect(args, Arc::new(SchemaRegistry::embedded()?)).await?;
    let outcome = match (&buses.pulsar, &buses.embedded) {
        (Some(pulsar), _) => dlq_on_pulsar(pulsar, args, action).await,
        (None, Some(embedded)) => dlq_embedded(embedded, action).await,
        _ => Err(InfraError::Bus("no bus configured".into())),
    };
    if let Some(pulsar) = buses.pulsar {
        pulsar.shutdown().await;
    }
    outcome
}

async fn dlq_on_pulsar(
    pulsar: &PulsarBus,
    args: &Settings,
    action: &DlqAction,
) -> Result<(), InfraError> {
    match action {
        DlqAction::List { topic } => {
            let entries = pulsar_dlq::list(pulsar, topic).await.map_err(bus_error)?;
            print_letters(
                entries
                    .iter()
                    .map(|e| (&e.id, &e.message_type, &e.attempts, &e.error)),
            );
            println!("{} dead letter(s) on {topic}-DLQ", entries.len());
        }
        DlqAction::Replay {
            topic,
            id,
            dry_run: true,
            ..
        } => {
            let entries = pulsar_dlq::dry_run(pulsar, topic, id.as_deref())
                .await
                .map_err(bus_error)?;
            print_letters(
                entries
                    .iter()
                    .map(|e| (&e.id, &e.message_type, &e.attempts, &e.error)),
            );
            println!(
                "dry run: {} message(s) would be replayed to {topic}",
                entries.len()
            );
        }
        DlqAction::Replay {
            topic,
            id,
            wait_secs,
            ..
        } => {
            let admin = args.pulsar_admin_url();
            let wait = Duration::from_secs(*wait_secs);
            let outcome = pulsar_dlq::replay(pulsar, topic, id.as_deref(), &admin, wait)
                .await
                .map_err(bus_error)?;
            print_outcome(topic, &outcome);
        }
    }
    Ok(())
}

async fn dlq_embedded(embedded: &EmbeddedBus, action: &DlqAction) -> Result<(), InfraError> {
    match action {
        DlqAction::List { topic } => {
            let letters = embedded.dead_letters(topic).await.map_err(bus_error)?;
            print_embedded(&letters);
            println!("{} dead letter(s) for {topic}", letters.len());
        }
        DlqAction::Replay {
            topic,
            id,
            dry_run: true,
            ..
        } => {
            let letters: Vec<_> = embedded
                .dead_letters(topic)
                .await
                .map_err(bus_error)?
                .into_iter()
                .filter(|l| id.as_deref().is_none_or(|id| id == l.message.id))
                .collect();
            print_embedded(&letters);
            println!(
                "dry run: {} message(s) would be replayed to {topic}",
                letters.len()
            );
        }
        DlqAction::Replay {
            topic,
            id,
            wait_secs,
            ..
        } => replay_embedded(embedded, topic, id.as_deref(), *wait_secs).await?,
    }
    Ok(())
}

/// The subscribers live in the running process: ask it, then wait for its
/// replayer to report back.
async fn replay_embedded(
    embedded: &EmbeddedBus,
    topic: &str,
    id: Option<&str>,
    wait_secs: u64,
) -> Result<(), InfraError> {
    let request = embedded
        .request_replay(topic, id)
        .await
        .map_err(bus_error)?;
    let status = embedded
        .follow_replay(&request, Duration::from_secs(wait_secs))
        .await
        .map_err(bus_error)?;
    print_outcome(
        topic,
        &ReplayOutcome {
            replayed: request.letters.len(),
            applied: status.applied,
            refused: status.refused,
            failed_again: status.failed_again,
            waiting: status.waiting,
        },
    );
    Ok(())
}

fn print_embedded(letters: &[crate::seedwork::infrastructure::DeadLetter]) {
    print_letters(letters.iter().map(|l| {
        (
            &l.message.id,
            &l.message.message_type,
            l.attempts.to_string(),
            &l.error,
        )
    }));
}

fn print_letters<I, A, B, C, D>(letters: I)
where
    I: Iterator<Item = (A, B, C, D)>,
    A: std::fmt::Display,
    B: std::fmt::Display,
    C: std::fmt::Display,
    D: std::fmt::Display,
{
    println!("{:<38} {:<24} {:>8}  error", "id", "type", "attempts");
    for (id, kind, attempts, error) in letters {
        println!("{id:<38} {kind:<24} {attempts:>8}  {error}");
    }
}

/// What a replay came to, whichever bus carried it.
fn print_outcome(topic: &str, r: &ReplayOutcome) {
    let &ReplayOutcome {
        replayed,
        applied,
        refused,
        failed_again,
        waiting,
    } = r;
    println!(
        "replayed {replayed} message(s) to {topic}: {applied} applied, {failed_again} failed again \
         (dead-lettered anew), {waiting} waiting (not handled yet, or no running process has their \
         subscription; they are handled when it runs), {refused} refused by the context they command \
         (answered with ComandoRechazado: they will not apply)"
    );
    println!(
        "applied: {applied}, failed again: {failed_again}, still waiting: {waiting}, refused: {refused}"
    );
}

/// Prints a JWT for local use.
pub fn token(
    args: &Settings,
    roles: &[String],
    subject: &str,
    ttl_secs: i64,
) -> Result<(), InfraError> {
    let roles = roles
        .iter()
        .map(|r| r.parse::<crate::seedwork::domain::Rol>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(InfraError::Bus)?;
    let token =
        crate::seedwork::infrastructure::mint_token(args.jwt_secret(), subject, &roles, ttl_secs)
            .map_err(|e| InfraError::Bus(e.to_string()))?;
    println!("{token}");
    Ok(())
}

/// `projections rebuild`: the BFF's read models, replayed from the event
/// log: the event topics on Pulsar, the contexts' outboxes on the embedded
/// bus.
pub async fn rebuild_projections(args: &Settings) -> Result<usize, InfraError> {
    use crate::bff_web::infrastructure::{EventLog, rebuild};
    use crate::contracts::services;
    use crate::seedwork::infrastructure::{
        ContextStorage, Database, DatabaseUrl, context_database_url,
    };
    let registry = Arc::new(SchemaRegistry::embedded()?);
    let base: DatabaseUrl = args.base_database_url().parse()?;
    let url = context_database_url(&base, crate::bff_web::SERVICE);
    let storage = ContextStorage::open(&url, &crate::bff_web::infrastructure::MIGRATIONS).await?;
    let codec = Arc::new(crate::seedwork::infrastructure::avro::AvroCodec::new(
        registry.clone(),
    ));
    if args.pulsar.url.is_none() {
        let writers = [
            (
                services::COMPANIAS,
                &crate::companias::infrastructure::MIGRATIONS,
            ),
            (
                services::GEOGRAFICOS,
                &crate::geograficos::infrastructure::MIGRATIONS,
            ),
            (
                services::PROPIEDADES,
                &crate::propiedades::infrastructure::MIGRATIONS,
            ),
            (
                services::AUDITORIA,
                &crate::auditoria::infrastructure::MIGRATIONS,
            ),
        ];
        let mut outboxes = Vec::new();
        for (context, migrations) in writers {
            let url = context_database_url(&base, context);
            outboxes.push(Database::connect(&url, migrations).await?);
        }
        return rebuild(&storage, EventLog::Outboxes(outboxes), codec).await;
    }
    let buses = Buses::connect(args, registry).await?;
    let Some(pulsar) = buses.pulsar else {
        return Err(InfraError::Bus(
            "PULSAR_URL is set but no broker bus was made".into(),
        ));
    };
    let admin_url = args.pulsar_admin_url();
    let log = EventLog::Pulsar {
        bus: &pulsar,
        admin_url: &admin_url,
    };
    let applied = rebuild(&storage, log, codec).await;
    pulsar.shutdown().await;
    applied
}
