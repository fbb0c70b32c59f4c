//! Where a property registration's saga stands, as auditoria publishes it.

/// A registration's stage: under way, or ended one of three ways.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EtapaRegistro {
    EnCurso,
    Completada,
    Compensada,
    Fallida,
}

crate::palabras!(
    EtapaRegistro, campo = "estado",
    EnCurso => "en_curso",
    Completada => "completada",
    Compensada => "compensada",
    Fallida => "fallida",
);
