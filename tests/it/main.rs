//! The integration tests in one binary (one link, one process of shared
//! set-up): the app spawned on a random port with fresh databases on SQLite
//! and Postgres, the real Apache Pulsar test broker, the Python producer
//! and Chromium. The tests that disturb the shared broker (a restart, the
//! fault suite), the OTLP one (its own feature build) and the metrics one
//! (the Prometheus recorder is one per process, and other apps would move
//! its gauges) have binaries of their own.

#[macro_use]
#[path = "../common/mod.rs"]
mod common;

mod adversario;
mod arranque;
mod audit_on_pulsar;
mod audit_saga;
mod bff_graphql;
mod companias_command_topic;
mod companias_http;
mod conjuntos;
mod cross_language;
mod distributed;
mod outbox_and_inbox;
mod pulsar_transport;
mod registro_propiedad;
mod retencion;
mod schema_evolution;
mod web_ui;
mod workbench;
