//! What an audit concluded about a record. auditoria's own vocabulary: the
//! source contexts know only Pendiente, Aprobada and Rechazada, and never
//! see a record wait for a person.

use std::fmt;
use std::str::FromStr;

use crate::seedwork::domain::FieldError;

/// An audit's verdict, and the decision a source context reports back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resultado {
    Aprobada,
    Rechazada,
    /// The rules could not decide: a person reviews it. The source record
    /// stays Pendiente meanwhile.
    EnRevision,
}

impl Resultado {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Aprobada => "Aprobada",
            Self::Rechazada => "Rechazada",
            Self::EnRevision => "EnRevision",
        }
    }
}

impl fmt::Display for Resultado {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Resultado {
    type Err = FieldError;

    /// Case-insensitive, so `?resultado=rechazada` and `RECHAZADA` both work.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "aprobada" | "aprobado" => Ok(Self::Aprobada),
            "rechazada" | "rechazado" => Ok(Self::Rechazada),
            "enrevision" | "en_revision" => Ok(Self::EnRevision),
            _ => Err(FieldError::new(
                "resultado",
                format!("must be Aprobada, Rechazada or EnRevision, got {s:?}"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Resultado;

    #[test]
    fn a_resultado_reads_back_what_it_writes_and_refuses_pendiente() {
        for r in [
            Resultado::Aprobada,
            Resultado::Rechazada,
            Resultado::EnRevision,
        ] {
            assert_eq!(r.as_str().parse::<Resultado>(), Ok(r));
        }
        assert_eq!(
            "EN_REVISION".parse::<Resultado>(),
            Ok(Resultado::EnRevision)
        );
        let refused = "Pendiente".parse::<Resultado>().unwrap_err();
        assert_eq!(refused.field, "resultado");
    }
}
