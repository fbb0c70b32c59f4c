use std::process::ExitCode;

use clap::Parser;
use propalpes::app::{self, Role};
use propalpes::config::{BenchTarget, Cli, Command, ProjectionsAction, SchemasAction};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let _telemetry = propalpes::telemetry::init(&cli.runtime.log_format);
    let command = cli.command.unwrap_or(Command::All);
    let result = match &command {
        Command::Dlq { action } => propalpes::ops::dlq(&cli.runtime, action).await,
        Command::Projections {
            action: ProjectionsAction::Rebuild,
        } => propalpes::ops::rebuild_projections(&cli.runtime)
            .await
            .map(|n| println!("replayed {n} messages into the projections")),
        Command::Token {
            roles,
            subject,
            ttl_secs,
        } => propalpes::ops::token(&cli.runtime, roles, subject, *ttl_secs),
        Command::Schemas {
            action: SchemasAction::Check { dir },
        } => {
            return match propalpes::schemas_check::check_dir(dir) {
                Ok(reports) if propalpes::schemas_check::print(&reports) => ExitCode::SUCCESS,
                Ok(_) => {
                    eprintln!("propalpes: a schema change breaks FULL compatibility");
                    ExitCode::FAILURE
                }
                Err(error) => {
                    eprintln!("propalpes: cannot read {}: {error}", dir.display());
                    ExitCode::FAILURE
                }
            };
        }
        Command::Bench { target } => bench(&cli.runtime, target).await,
        service => match Role::of(service) {
            Some(role) => serve(&cli.runtime, role).await,
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

/// `propalpes bench …`: numbers printed, never asserted.
async fn bench(
    args: &propalpes::config::RuntimeArgs,
    target: &BenchTarget,
) -> Result<(), propalpes::seedwork::infrastructure::InfraError> {
    match target {
        BenchTarget::Transport { messages, rate } => {
            propalpes::bench::transport(args, *messages, *rate).await
        }
        BenchTarget::Flow {
            mode,
            entities,
            rate,
            instances,
            warmup,
            idle_secs,
        } => {
            let options = propalpes::bench::FlowOptions {
                mode: *mode,
                entities: *entities,
                rate: *rate,
                instances: *instances,
                warmup: *warmup,
                idle_secs: *idle_secs,
            };
            propalpes::bench::flow(args, options).await
        }
        BenchTarget::Baseline => propalpes::bench::baseline(args.database_url.as_deref()).await,
    }
}

async fn serve(
    args: &propalpes::config::RuntimeArgs,
    role: Role,
) -> Result<(), propalpes::seedwork::infrastructure::InfraError> {
    let running = app::start(args, role).await?;
    println!(
        "PropAlpes is up: http://{}  (try GET /companias, GET /health)",
        running.addr
    );
    running
        .run_until_signal(std::time::Duration::from_secs(args.shutdown_timeout))
        .await;
    Ok(())
}
