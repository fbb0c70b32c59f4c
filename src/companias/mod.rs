//! `companias`: registers real-estate companies. Creation accepts incomplete
//! data; the audit later approves or rejects each company.

pub mod api;
pub mod application;
pub mod domain;
pub mod infrastructure;

/// Service name: the `source` of its messages and its subscription names.
pub const SERVICE: &str = "companias";
pub const COMMAND_TOPIC: &str = "comandos-companias";
pub const EVENT_TOPIC: &str = "eventos-companias";
