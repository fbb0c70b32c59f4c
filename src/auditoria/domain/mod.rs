//! The audit's rules (pure, table-driven), its `Resultado`, the `Auditoria` aggregate, the
//! decision saga's state machine and the property-registration saga's
//! (`RegistroPropiedad`). No I/O crate here.

mod auditoria;
mod decision;
mod registro_propiedad;
mod reglas;
mod reintentos;
mod resultado;
mod revision;
mod saga;

pub use auditoria::{Auditoria, AuditoriaCompletada, AuditoriaRestaurada, TransicionAuditoria};
pub use decision::Decision;
pub use registro_propiedad::{
    AccionDeRegistro, ComandoRegistro, DatosRegistro, Envio, EstadoRegistro, Hito, Parte,
    ParteRegistro, Paso, RegistroPropiedad, RegistroSnapshot, ResultadoPaso, Veredicto,
};
pub use reglas::{
    Check, Hallazgo, Problema, REGLAS_VERSION, Regla, TipoEntidad, auditar, referencias, reglas,
};
pub use reintentos::PoliticaDeReintentos;
pub use resultado::Resultado;
pub use revision::{ReglaRevision, ReglasRevision};
pub use saga::{EstadoSaga, Orden, Reintento, Saga, SagaSnapshot};
