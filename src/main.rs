use std::process::ExitCode;

use clap::Parser;
use propalpes::app::{self, Role};
use propalpes::config::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    propalpes::telemetry::init(&cli.runtime.log_format);
    let command = cli.command.unwrap_or(Command::All);
    match app::start(&cli.runtime, Role::from(&command)).await {
        Ok(running) => {
            println!(
                "PropAlpes is up: http://{}  (try GET /companias, GET /health)",
                running.addr
            );
            running.run_until_signal().await;
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("propalpes: cannot start: {error}");
            ExitCode::FAILURE
        }
    }
}
