//! Starting the binary: settings layered from a file, the environment and
//! flags; a deployment off the embedded default refuses the development
//! secret (or none, or a short one) with one line naming the setting; the
//! embedded default on loopback starts with nothing set; and a healthy
//! start prints no warning (on the embedded bus and on Pulsar).

use std::process::Stdio;
use std::time::Duration;

use crate::common::pulsar::pulsar_env;
use tokio::io::{AsyncBufReadExt, BufReader};

const BIN: &str = env!("CARGO_BIN_EXE_propalpes");

/// The binary with a clean environment of settings (none inherited from
/// the test run), in a temporary directory.
fn propalpes(dir: &std::path::Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(BIN);
    for v in propalpes::settings::VARIABLES {
        command.env_remove(v.env);
    }
    command
        .env_remove("PROPALPES_CONFIG")
        .env_remove("RUST_LOG")
        .current_dir(dir)
        .kill_on_drop(true);
    command
}

async fn refused(dir: &std::path::Path, env: &[(&str, &str)]) -> String {
    let mut command = propalpes(dir);
    command.arg("all").env("HTTP_ADDR", "127.0.0.1:0");
    for (k, v) in env {
        command.env(k, v);
    }
    let output = tokio::time::timeout(Duration::from_secs(20), command.output())
        .await
        .expect("it exits at once")
        .expect("run");
    assert!(!output.status.success(), "it started");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    stderr
}

#[tokio::test]
async fn off_the_embedded_default_the_development_secret_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let pulsar = ("PULSAR_URL", "pulsar://127.0.0.1:1");
    let none = refused(dir.path(), &[pulsar]).await;
    assert!(
        none.contains("JWT_SECRET") && none.contains("PULSAR_URL"),
        "{none}"
    );
    let dev = refused(
        dir.path(),
        &[pulsar, ("JWT_SECRET", propalpes::settings::DEV_JWT_SECRET)],
    )
    .await;
    assert!(dev.contains("development secret"), "{dev}");
    let short = refused(dir.path(), &[pulsar, ("JWT_SECRET", "short-secret")]).await;
    assert!(short.contains("at least 32 bytes"), "{short}");
    // Listening beyond loopback is off the embedded default too.
    let mut exposed = propalpes(dir.path());
    exposed.args(["all", "--http-addr", "0.0.0.0:0"]);
    let output = exposed.output().await.expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success() && stderr.contains("not loopback"),
        "{stderr}"
    );
    // A typo in the settings file is named, not ignored.
    std::fs::write(
        dir.path().join("propalpes.toml"),
        "[saga]\nmax_attempt = 3\n",
    )
    .unwrap();
    let typo = refused(dir.path(), &[]).await;
    assert!(typo.contains("max_attempt"), "{typo}");
}

/// `propalpes config` shows each value with its source: a file, the
/// environment and a flag layered over the defaults, the secret redacted.
#[tokio::test]
async fn config_shows_each_value_and_its_source() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("propalpes.toml"),
        "[saga]\nmax_attempts = 9\ntimeout_ms = 1000\n[auth]\njwt_secret = \"a-secret-from-the-settings-file-0123456789\"\n",
    )
    .unwrap();
    let output = propalpes(dir.path())
        .args(["config", "--saga-timeout-ms", "250"])
        .env("CONSUMER_LANES", "2")
        .output()
        .await
        .expect("run");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    for line in [
        "max_attempts = 9  # file propalpes.toml",
        "timeout_ms = 250  # flag --saga-timeout-ms",
        "consumer_lanes = 2  # env CONSUMER_LANES",
        "consumer_batch = 256  # default",
        "jwt_secret = \"[redacted]\"  # file propalpes.toml",
    ] {
        assert!(shown.contains(line), "{line} in:\n{shown}");
    }
    assert!(!shown.contains("a-secret-from-the-settings-file"));
}

/// Reads a starting process's stderr until it is up; returns what it wrote.
async fn until_up(mut child: tokio::process::Child) -> String {
    let stderr = child.stderr.take().expect("stderr");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stderr).lines();
    let mut up = BufReader::new(stdout).lines();
    let mut log = String::new();
    let started = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            tokio::select! {
                line = lines.next_line() => match line {
                    Ok(Some(l)) => { log.push_str(&l); log.push('\n'); }
                    _ => return false,
                },
                // The logs go to stdout, beside the line saying it is up.
                line = up.next_line() => match line {
                    Ok(Some(l)) if l.contains("PropAlpes is up") => return true,
                    Ok(Some(l)) => { log.push_str(&l); log.push('\n'); }
                    _ => return false,
                },
            }
        }
    })
    .await;
    // What it writes right after coming up belongs to the start too.
    let _ = tokio::time::timeout(Duration::from_millis(500), async {
        loop {
            let line = tokio::select! {
                l = lines.next_line() => l,
                l = up.next_line() => l,
            };
            match line {
                Ok(Some(l)) => {
                    log.push_str(&l);
                    log.push('\n');
                }
                _ => break,
            }
        }
    })
    .await;
    let _ = child.kill().await;
    assert_eq!(started, Ok(true), "it did not come up:\n{log}");
    log
}

/// The embedded default on loopback starts with nothing set, and says
/// nothing alarming at `info` (no warning of a one-member union, none of
/// a first connection).
#[tokio::test]
async fn the_embedded_default_starts_with_nothing_set_and_quietly() {
    let dir = tempfile::tempdir().expect("dir");
    let child = propalpes(dir.path())
        .args(["all", "--http-addr", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let log = until_up(child).await;
    assert!(!log.contains("WARN") && !log.contains("ERROR"), "{log}");
    assert!(log.contains("INFO"), "info logs are on: {log}");
}

/// On Pulsar with a deployment's own secret: up, and no warning at start.
#[tokio::test]
async fn a_pulsar_deployment_starts_quietly() {
    let Some(env) = pulsar_env().await else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let child = propalpes(dir.path())
        .args(["all", "--http-addr", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .env("PULSAR_URL", &env.url)
        .env("PULSAR_NAMESPACE", &env.namespace)
        .env("JWT_SECRET", crate::common::TEST_JWT_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let log = until_up(child).await;
    assert!(!log.contains("WARN") && !log.contains("ERROR"), "{log}");
}
