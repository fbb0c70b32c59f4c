//! What an audit decides to ask of the source context (apart from the saga
//! that carries it out, so the audit can name it without the saga).

/// What the audit decided to ask of the source context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Aprobar,
    Rechazar,
}

crate::palabras!(
    Decision, campo = "decision",
    Aprobar => "aprobar",
    Rechazar => "rechazar",
);
