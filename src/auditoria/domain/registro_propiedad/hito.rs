//! The saga's log: one line per step taken, what it came to as a value.
//! How a line reads (on the wire, in storage, in the UI) is said outside
//! the domain.

use chrono::{DateTime, Utc};

use super::super::Resultado;
use super::{EstadoRegistro, ParteRegistro, Paso};

/// What a step came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultadoPaso {
    /// The step's command was sent.
    Enviado,
    /// The step's command was done (a part created).
    Hecho,
    /// The step could not be done (refused, or no reply in time).
    Fallido,
    /// A part's audit left it to a person.
    AuditoriaEnRevision(ParteRegistro),
    /// A part's audit (the rules, or a person) approved it.
    AuditoriaAprobada(ParteRegistro),
    /// A part's audit rejected it (the reasons in the line's detail).
    AuditoriaRechazada(ParteRegistro),
    /// A part reached its final state in its own context.
    ParteDecidida(ParteRegistro, Resultado),
    /// A compensation was sent to undo this part.
    CompensacionEnviada(ParteRegistro),
    /// A compensation undid this part.
    CompensacionHecha(ParteRegistro),
    /// A part created after the saga moved on was eliminated.
    CreacionTardiaEliminada(ParteRegistro),
    /// The registration ended in this state.
    Terminada(EstadoRegistro),
}

/// One line of the saga's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hito {
    pub paso: Paso,
    pub resultado: ResultadoPaso,
    /// The reasons, where the step has any (an audit's, a refusal's).
    pub detalle: Option<String>,
    pub fecha: DateTime<Utc>,
}
