//! Shared building blocks that every bounded context reuses, written once.
//!
//! The same four layers as a context: `domain` (aggregate root, event buffer),
//! `application` (command/query handlers, unit of work and messaging ports),
//! `infrastructure` (sqlx unit of work, outbox relay, inbox, Avro codec, bus
//! adapters) and `api` (the one place where errors become HTTP responses).

pub mod api;
pub mod application;
pub mod domain;
pub mod infrastructure;
