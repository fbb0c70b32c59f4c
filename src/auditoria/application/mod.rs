//! Use cases of `auditoria`: audit a created record and start its saga,
//! close the saga when the source context reports the final state, re-send
//! or fail overdue sagas; and the queries over audits, findings and sagas.

mod commands;
mod ports;
mod queries;

pub use commands::{
    AuditarEntidad, AuditoriaCommands, AuditoriaError, RegistrarResultado, SagaPolicy,
};
pub use ports::{
    AuditoriaReadModel, AuditoriaStore, AuditoriaView, ConteoFaltante, HallazgoView, SagaMessages,
    SagaView,
};
pub use queries::{
    AuditoriaQueries, AuditoriaQueryError, ObtenerAuditoria, ObtenerAuditorias,
    ObtenerReporteFaltantes, ObtenerSagas,
};
