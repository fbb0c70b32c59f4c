//! What an audit decides to ask of the source context (apart from the saga
//! that carries it out, so the audit can name it without the saga).

use std::str::FromStr;

use crate::seedwork::domain::FieldError;

/// What the audit decided to ask of the source context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Aprobar,
    Rechazar,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aprobar => "aprobar",
            Self::Rechazar => "rechazar",
        }
    }
}

impl FromStr for Decision {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "aprobar" => Ok(Self::Aprobar),
            "rechazar" => Ok(Self::Rechazar),
            _ => Err(FieldError::new(
                "decision",
                format!("unknown decision {s:?}"),
            )),
        }
    }
}
