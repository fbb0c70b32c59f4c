//! `auditoria`: audits every registered company and property for missing
//! data and drives the approve/reject decision back to the source context
//! through an orchestrated saga whose state lives in a saga log.

pub mod api;
pub mod application;
pub mod domain;
pub mod infrastructure;
