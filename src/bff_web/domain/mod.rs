//! Where an accepted command stands, where a record stands, and which
//! decisions and reviews the BFF may send. Pure.

use std::fmt;
use std::str::FromStr;

mod estado_registro;
mod etapa_registro;

pub use estado_registro::EstadoRegistro;
pub use etapa_registro::EtapaRegistro;

/// Where an accepted command stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstadoComando {
    Aceptado,
    Procesado,
    Fallido,
}

impl EstadoComando {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aceptado => "ACEPTADO",
            Self::Procesado => "PROCESADO",
            Self::Fallido => "FALLIDO",
        }
    }
}

impl fmt::Display for EstadoComando {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EstadoComando {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ACEPTADO" => Ok(Self::Aceptado),
            "PROCESADO" => Ok(Self::Procesado),
            "FALLIDO" => Ok(Self::Fallido),
            other => Err(format!("unknown command state {other}")),
        }
    }
}

/// A decision an auditor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Aprobar,
    Rechazar,
}

impl Decision {
    /// The estado a record ends in once decided so.
    pub fn estado(self) -> EstadoRegistro {
        match self {
            Self::Aprobar => EstadoRegistro::Aprobada,
            Self::Rechazar => EstadoRegistro::Rechazada,
        }
    }
}

/// What the BFF does with a decision, given the record's projected estado.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admision {
    /// Pendiente, or not projected yet: the source context decides.
    Enviar,
    /// Already so: nothing to send, the command is done (PROCESADO).
    YaHecha,
    /// Decided the other way: refused at once.
    Imposible(String),
}

/// Only a Pendiente record can be decided; repeating the decision it
/// already has is a no-op, reversing it is impossible.
pub fn admitir(decision: Decision, estado: Option<EstadoRegistro>) -> Admision {
    match estado {
        None | Some(EstadoRegistro::Pendiente) => Admision::Enviar,
        Some(e) if e == decision.estado() => Admision::YaHecha,
        Some(e) => Admision::Imposible(format!(
            "the record is {}: it cannot be {}",
            e.as_str(),
            match decision {
                Decision::Aprobar => "approved",
                Decision::Rechazar => "rejected",
            }
        )),
    }
}

/// An auditor's act on a record's audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revision {
    Aprobar,
    Rechazar,
    Reabrir,
}

impl Revision {
    /// The command's type on `comandos-revisiones`.
    pub fn nombre(self) -> &'static str {
        match self {
            Self::Aprobar => "AprobarRevision",
            Self::Rechazar => "RechazarRevision",
            Self::Reabrir => "ReabrirAuditoria",
        }
    }
}

/// Only a record EnRevision is approved or rejected by an auditor; only a
/// decided one (Aprobada or Rechazada) is reopened, and not a part of a
/// property registration (its two parts are decided together). Anything
/// else is refused at once, never sent to fail later.
pub fn admitir_revision(
    revision: Revision,
    estado: Option<EstadoRegistro>,
    parte_de_registro: bool,
) -> Admision {
    use EstadoRegistro::{Aprobada, EnRevision, Pendiente, Rechazada};
    let nombre = estado.map_or("not projected yet", EstadoRegistro::as_str);
    match (revision, estado) {
        (Revision::Reabrir, _) if parte_de_registro => Admision::Imposible(
            "the record is part of a property registration: its two parts are decided \
             together, so one cannot be reopened alone"
                .into(),
        ),
        (Revision::Aprobar | Revision::Rechazar, Some(EnRevision)) => Admision::Enviar,
        (Revision::Aprobar | Revision::Rechazar, None | Some(Pendiente | Aprobada | Rechazada)) => {
            Admision::Imposible(format!(
                "the record is {nombre}: only a record EnRevision can be approved or rejected in review"
            ))
        }
        (Revision::Reabrir, Some(Aprobada | Rechazada)) => Admision::Enviar,
        (Revision::Reabrir, None | Some(Pendiente | EnRevision)) => Admision::Imposible(format!(
            "the record is {nombre}: only an Aprobada or Rechazada record can be reopened"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_needs_en_revision_and_a_reopening_a_decision() {
        assert_eq!(
            admitir_revision(Revision::Aprobar, Some(EstadoRegistro::EnRevision), false),
            Admision::Enviar
        );
        assert!(matches!(
            admitir_revision(Revision::Rechazar, Some(EstadoRegistro::Aprobada), false),
            Admision::Imposible(_)
        ));
        assert_eq!(
            admitir_revision(Revision::Reabrir, Some(EstadoRegistro::Rechazada), false),
            Admision::Enviar
        );
        assert!(matches!(
            admitir_revision(Revision::Reabrir, Some(EstadoRegistro::EnRevision), false),
            Admision::Imposible(_)
        ));
        assert!(matches!(
            admitir_revision(Revision::Reabrir, None, false),
            Admision::Imposible(_)
        ));
        assert!(matches!(
            admitir_revision(Revision::Reabrir, Some(EstadoRegistro::Rechazada), true),
            Admision::Imposible(_)
        ));
    }

    #[test]
    fn only_pendiente_is_decided_and_a_repeat_is_done() {
        assert_eq!(admitir(Decision::Aprobar, None), Admision::Enviar);
        assert_eq!(
            admitir(Decision::Aprobar, Some(EstadoRegistro::Pendiente)),
            Admision::Enviar
        );
        assert_eq!(
            admitir(Decision::Aprobar, Some(EstadoRegistro::Aprobada)),
            Admision::YaHecha
        );
        assert!(matches!(
            admitir(Decision::Aprobar, Some(EstadoRegistro::Rechazada)),
            Admision::Imposible(_)
        ));
        assert_eq!(
            admitir(Decision::Rechazar, Some(EstadoRegistro::Rechazada)),
            Admision::YaHecha
        );
    }
}
