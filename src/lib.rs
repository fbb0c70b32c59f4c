//! PropAlpes: event-driven CQRS services that ingest real-estate companies
//! and the geographic data of properties, audit them for missing data, and
//! show the result. See README.md for the architecture.

pub mod app;
pub mod asyncapi;
pub mod auditoria;
pub mod bench;
pub mod bff_web;
pub mod companias;
pub mod config;
pub mod contracts;
pub mod geograficos;
pub mod ops;
pub mod propiedades;
pub mod schemas_check;
pub mod seedwork;
pub mod settings;
pub mod telemetry;
pub mod telemetry_metrics;
