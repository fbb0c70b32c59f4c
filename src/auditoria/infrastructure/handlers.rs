//! The command handlers auditoria's consumers run, over its SQL store and
//! its Avro saga messages (wired by `module.rs`, used by each consumer).

use super::{AvroSagaMessages, SqlAuditoriaStore};
use crate::auditoria::application::{
    AuditarEntidadHandler, IniciarRegistroPropiedadHandler, ReabrirAuditoriaHandler,
    RegistrarCompensacionHandler, RegistrarRechazoHandler, RegistrarResultadoHandler,
    RevisarAuditoriaHandler,
};

/// The command handlers the consumers run.
pub struct AuditoriaHandlers {
    pub auditar: AuditarEntidadHandler<SqlAuditoriaStore, AvroSagaMessages>,
    pub registrar: RegistrarResultadoHandler<SqlAuditoriaStore, AvroSagaMessages>,
    pub rechazo: RegistrarRechazoHandler<SqlAuditoriaStore, AvroSagaMessages>,
    pub compensacion: RegistrarCompensacionHandler<SqlAuditoriaStore, AvroSagaMessages>,
    pub registrar_propiedad: IniciarRegistroPropiedadHandler<SqlAuditoriaStore, AvroSagaMessages>,
    pub revisar: RevisarAuditoriaHandler<SqlAuditoriaStore, AvroSagaMessages>,
    pub reabrir: ReabrirAuditoriaHandler<SqlAuditoriaStore, AvroSagaMessages>,
}
