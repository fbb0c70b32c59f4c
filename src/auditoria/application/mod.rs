//! Use cases of `auditoria`, commands apart from queries: audit a created
//! record and start its saga, close the saga when the source context
//! reports the final state, re-send or fail overdue sagas; and the queries
//! over audits, findings and sagas. Generic over the ports in `ports`.

pub mod commands;
mod hitos;
mod ports;
pub mod queries;

pub use commands::{
    AuditarEntidad, AuditarEntidadError, AuditarEntidadHandler, IniciarRegistroPropiedad,
    IniciarRegistroPropiedadError, IniciarRegistroPropiedadHandler, ReabrirAuditoria,
    ReabrirAuditoriaError, ReabrirAuditoriaHandler, RegistrarCompensacion,
    RegistrarCompensacionError, RegistrarCompensacionHandler, RegistrarRechazo,
    RegistrarRechazoError, RegistrarRechazoHandler, RegistrarResultado, RegistrarResultadoError,
    RegistrarResultadoHandler, ReintentarSagasVencidas, ReintentarSagasVencidasError,
    RevisarAuditoria, RevisarAuditoriaError, RevisarAuditoriaHandler, SagaPolicy,
};
pub use hitos::{HitoEnTexto, hito_de_texto, hito_en_texto};
pub use ports::{
    AlmacenAuditoria, AuditoriaReadModel, AuditoriaStore, AuditoriaView, Auditorias,
    CompaniasConocidas, ConteoFaltante, HallazgoView, HitoView, RegistroView, Registros,
    SagaMessages, SagaView, Sagas, TipoSaga,
};
pub use queries::{
    ConsultasAuditoria, ObtenerAuditoria, ObtenerAuditoriaError, ObtenerAuditorias,
    ObtenerAuditoriasError, ObtenerRegistro, ObtenerRegistroError, ObtenerRegistros,
    ObtenerRegistrosError, ObtenerReporteFaltantes, ObtenerReporteFaltantesError, ObtenerSagas,
    ObtenerSagasError,
};
