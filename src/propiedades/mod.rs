//! `propiedades`: registers the geographic data of properties. Creation accepts
//! incomplete data; the audit later approves or rejects each record.
//!
//! `domain` (the `Propiedad` aggregate, its events), `application` (its
//! commands and queries), `infrastructure` (SQL, Avro, the command-topic
//! consumer), `api` (its HTTP routes).

pub mod api;
pub mod application;
pub mod domain;
pub mod infrastructure;
