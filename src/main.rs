use std::process::ExitCode;

use clap::Parser;
use propalpes::app::{self, Role};
use propalpes::config::{BenchTarget, Cli, Command, Flags, ProjectionsAction, SchemasAction};
use propalpes::settings::Settings;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match cli.flags.settings() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("propalpes: {error}");
            return ExitCode::FAILURE;
        }
    };
    let _telemetry = propalpes::telemetry::init(&settings.log.format);
    let command = cli.command.unwrap_or(Command::All);
    let result = match &command {
        Command::Config { table } => {
            print_config(&cli.flags, &settings, *table);
            Ok(())
        }
        Command::Asyncapi => asyncapi(),
        Command::Dlq { action } => propalpes::ops::dlq(&settings, action).await,
        Command::Projections {
            action: ProjectionsAction::Rebuild,
        } => propalpes::ops::rebuild_projections(&settings)
            .await
            .map(|n| println!("replayed {n} messages into the projections")),
        Command::Token {
            roles,
            subject,
            ttl_secs,
        } => propalpes::ops::token(&settings, roles, subject, *ttl_secs),
        Command::Schemas {
            action: SchemasAction::Check { dir },
        } => return check_schemas(dir),
        Command::Bench { target } => bench(&settings, target).await,
        service => match Role::of(service) {
            Some(role) => serve(&settings, role).await,
            None => Ok(()),
        },
    };
    let code = match result {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("propalpes: {error}");
            1
        }
    };
    // Flush the spans, then exit without waiting on tasks or driver
    // threads a dependency that is down may keep busy: shutdown is bounded.
    drop(_telemetry);
    std::process::exit(code);
}

/// `propalpes config [--table]`: the settings in effect and where each
/// came from, or the table of every setting.
fn print_config(flags: &Flags, settings: &Settings, table: bool) {
    match table {
        true => print!("{}", propalpes::settings::tabla()),
        false => print!(
            "{}",
            propalpes::settings::describir(settings, flags.config.as_deref(), &flags.overrides())
        ),
    }
}

/// `propalpes schemas check DIR`: fails when a change breaks FULL
/// compatibility or a schema cannot be read.
fn check_schemas(dir: &std::path::Path) -> ExitCode {
    match propalpes::schemas_check::check_dir(dir) {
        Ok(reports) if propalpes::schemas_check::print(&reports) => ExitCode::SUCCESS,
        Ok(_) => {
            eprintln!("propalpes: a schema change breaks FULL compatibility");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("propalpes: cannot read {}: {error}", dir.display());
            ExitCode::FAILURE
        }
    }
}

/// `propalpes asyncapi`: the document of every topic, as YAML.
fn asyncapi() -> Result<(), propalpes::seedwork::infrastructure::InfraError> {
    let registry = propalpes::seedwork::infrastructure::avro::SchemaRegistry::embedded()?;
    print!(
        "{}",
        propalpes::asyncapi::yaml(&propalpes::asyncapi::documento(&registry))
    );
    Ok(())
}

/// `propalpes bench …`: numbers printed, never asserted.
async fn bench(
    args: &Settings,
    target: &BenchTarget,
) -> Result<(), propalpes::seedwork::infrastructure::InfraError> {
    match target {
        BenchTarget::Transport { messages, rate } => {
            propalpes::bench::transport(args, *messages, *rate).await
        }
        BenchTarget::Flow {
            mode,
            entrada,
            entities,
            rate,
            instances,
            warmup,
            idle_secs,
            history,
        } => {
            let options = propalpes::bench::FlowOptions {
                mode: *mode,
                entrada: *entrada,
                entities: *entities,
                rate: *rate,
                instances: *instances,
                warmup: *warmup,
                idle_secs: *idle_secs,
                history: history.clone(),
            };
            propalpes::bench::flow(args, options).await
        }
        BenchTarget::Soak {
            mode,
            minutes,
            rate,
        } => propalpes::bench::soak(args, *mode, *minutes, *rate).await,
        BenchTarget::Baseline => propalpes::bench::baseline(args.database.url.as_deref()).await,
    }
}

async fn serve(
    args: &Settings,
    role: Role,
) -> Result<(), propalpes::seedwork::infrastructure::InfraError> {
    let running = app::start(args, role).await?;
    println!(
        "PropAlpes is up: http://{}  (try GET /companias, GET /health)",
        running.addr
    );
    running
        .run_until_signal(std::time::Duration::from_secs(args.shutdown.timeout_secs))
        .await;
    Ok(())
}
