//! Reads over audits, findings and the saga log, each a query with its
//! handler and its error; `ConsultasAuditoria` gathers them for the API.

mod obtener_auditoria;
mod obtener_auditorias;
mod obtener_registro;
mod obtener_registros;
mod obtener_reporte_faltantes;
mod obtener_sagas;

use std::sync::Arc;

pub use obtener_auditoria::{ObtenerAuditoria, ObtenerAuditoriaError, ObtenerAuditoriaHandler};
pub use obtener_auditorias::{ObtenerAuditorias, ObtenerAuditoriasError, ObtenerAuditoriasHandler};
pub use obtener_registro::{ObtenerRegistro, ObtenerRegistroError, ObtenerRegistroHandler};
pub use obtener_registros::{ObtenerRegistros, ObtenerRegistrosError, ObtenerRegistrosHandler};
pub use obtener_reporte_faltantes::{
    ObtenerReporteFaltantes, ObtenerReporteFaltantesError, ObtenerReporteFaltantesHandler,
};
pub use obtener_sagas::{ObtenerSagas, ObtenerSagasError, ObtenerSagasHandler};

/// The context's query handlers over one read model.
pub struct ConsultasAuditoria<M> {
    pub auditorias: ObtenerAuditoriasHandler<M>,
    pub auditoria: ObtenerAuditoriaHandler<M>,
    pub reporte_faltantes: ObtenerReporteFaltantesHandler<M>,
    pub sagas: ObtenerSagasHandler<M>,
    pub registros: ObtenerRegistrosHandler<M>,
    pub registro: ObtenerRegistroHandler<M>,
}

impl<M> ConsultasAuditoria<M> {
    pub fn new(read_model: M) -> Self {
        let read_model = Arc::new(read_model);
        Self {
            auditorias: ObtenerAuditoriasHandler::new(read_model.clone()),
            auditoria: ObtenerAuditoriaHandler::new(read_model.clone()),
            reporte_faltantes: ObtenerReporteFaltantesHandler::new(read_model.clone()),
            sagas: ObtenerSagasHandler::new(read_model.clone()),
            registros: ObtenerRegistrosHandler::new(read_model.clone()),
            registro: ObtenerRegistroHandler::new(read_model),
        }
    }
}
