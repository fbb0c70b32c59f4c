//! Where a property registration's saga stands, as auditoria publishes it.

/// A registration's stage: under way, or ended one of three ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EtapaRegistro {
    EnCurso,
    Completada,
    Compensada,
    Fallida,
}

impl EtapaRegistro {
    /// The contract's word for it; None for a word no version wrote.
    pub fn leer(s: &str) -> Option<Self> {
        match s {
            "en_curso" => Some(Self::EnCurso),
            "completada" => Some(Self::Completada),
            "compensada" => Some(Self::Compensada),
            "fallida" => Some(Self::Fallida),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EnCurso => "en_curso",
            Self::Completada => "completada",
            Self::Compensada => "compensada",
            Self::Fallida => "fallida",
        }
    }
}
