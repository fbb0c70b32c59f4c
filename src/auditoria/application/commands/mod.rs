//! The sagas' steps, each a command with its handler and its error:
//! `AuditarEntidad` (a record was created: audit it, start its decision
//! saga or move its registration), `IniciarRegistroPropiedad` (start the
//! property-registration saga), `RegistrarResultado` (the source context
//! reported the final state), `RegistrarRechazo` (it refused a saga's
//! command), `RegistrarCompensacion` (a compensation
//! applied, or a creation refused) and `ReintentarSagasVencidas` (re-send,
//! compensate or fail what is overdue); an auditor's review:
//! `RevisarAuditoria` (approve or reject an audit EnRevision) and
//! `ReabrirAuditoria` (take a decided one back to review).

mod auditar_entidad;
mod iniciar_registro_propiedad;
mod reintentar_sagas_vencidas;
mod respuestas;
mod revision;
mod saga_ports;

pub use auditar_entidad::{AuditarEntidad, AuditarEntidadError, AuditarEntidadHandler};
pub use iniciar_registro_propiedad::{
    IniciarRegistroPropiedad, IniciarRegistroPropiedadError, IniciarRegistroPropiedadHandler,
};
pub use reintentar_sagas_vencidas::{ReintentarSagasVencidas, ReintentarSagasVencidasError};
pub use respuestas::{
    RegistrarCompensacion, RegistrarCompensacionError, RegistrarCompensacionHandler,
    RegistrarRechazo, RegistrarRechazoError, RegistrarRechazoHandler, RegistrarResultado,
    RegistrarResultadoError, RegistrarResultadoHandler,
};
pub use revision::{
    ReabrirAuditoria, ReabrirAuditoriaError, ReabrirAuditoriaHandler, RevisarAuditoria,
    RevisarAuditoriaError, RevisarAuditoriaHandler,
};
pub use saga_ports::{FalloDeRevision, FalloDeSaga, SagaPorts};

use chrono::Duration;

use crate::auditoria::domain::{Envio, PoliticaDeReintentos, Saga};
use crate::seedwork::application::CommandContext;

/// How long the saga waits for a reply and how often it re-sends.
#[derive(Debug, Clone, Copy)]
pub struct SagaPolicy {
    pub timeout: std::time::Duration,
    pub max_intentos: u32,
}

impl SagaPolicy {
    fn timeout(&self) -> Duration {
        Duration::from_std(self.timeout).unwrap_or(Duration::seconds(30))
    }

    /// The retry policy the sagas apply, from the settings.
    fn reintentos(&self) -> PoliticaDeReintentos {
        PoliticaDeReintentos {
            timeout: self.timeout(),
            max_intentos: self.max_intentos,
        }
    }
}

/// The context of the saga's command: its own id on every (re-)send, in
/// the conversation of the record that started the saga.
fn saga_context(saga: &Saga, causation_id: Option<&str>) -> CommandContext {
    CommandContext {
        command_id: saga.id_comando().to_owned(),
        correlation_id: saga.correlation_id().to_owned(),
        causation_id: causation_id.map(str::to_owned),
    }
}

/// The context of a registration's command: its own id on every
/// (re-)send, in the conversation of the property (its id).
fn registro_context(
    envio: &Envio,
    correlation_id: &str,
    causation_id: Option<&str>,
) -> CommandContext {
    CommandContext {
        command_id: envio.id_comando.clone(),
        correlation_id: correlation_id.to_owned(),
        causation_id: causation_id.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests;
