//! The audit's rules (pure, table-driven), the `Auditoria` aggregate and
//! the saga's state machine. No I/O crate here.

mod auditoria;
mod reglas;
mod saga;

pub use auditoria::{Auditoria, AuditoriaCompletada};
pub use reglas::{Check, Hallazgo, Problema, REGLAS_VERSION, Regla, TipoEntidad, auditar, reglas};
pub use saga::{Decision, EstadoSaga, Reintento, Saga, SagaSnapshot};
