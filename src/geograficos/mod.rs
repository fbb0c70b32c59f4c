//! `geograficos`: registers the geographic data of properties. Creation
//! accepts incomplete data; the audit later approves or rejects each record.

pub mod api;
pub mod application;
pub mod domain;
pub mod infrastructure;

/// Service name: the `source` of its messages and its subscription names.
pub const SERVICE: &str = "geograficos";
pub const COMMAND_TOPIC: &str = "comandos-geograficos";
pub const EVENT_TOPIC: &str = "eventos-geograficos";
