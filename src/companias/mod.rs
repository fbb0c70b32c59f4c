//! `companias`: registers real-estate companies. Creation accepts
//! incomplete data; the audit later approves or rejects each company.
//!
//! `domain` (the `Compania` aggregate, its events), `application` (its
//! commands and queries), `infrastructure` (SQL, Avro, the command-topic
//! consumer), `api` (its HTTP routes).

pub mod api;
pub mod application;
pub mod domain;
pub mod infrastructure;
