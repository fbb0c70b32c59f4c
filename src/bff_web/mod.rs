//! `bff_web`: the backend of the web UI. GraphQL over its own projections
//! (built from integration events), mutations that put commands on the
//! command topics through its own outbox, live subscriptions, JWT roles,
//! and the web page itself.

pub mod api;
pub mod application;
pub mod domain;
pub mod infrastructure;

pub const SERVICE: &str = crate::contracts::services::BFF_WEB;
