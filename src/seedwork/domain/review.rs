use std::fmt;
use std::str::FromStr;

use thiserror::Error;

use super::{BoundedText, FieldError};

/// Where an audited record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Estado {
    Pendiente,
    Aprobada,
    Rechazada,
}

impl Estado {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pendiente => "Pendiente",
            Self::Aprobada => "Aprobada",
            Self::Rechazada => "Rechazada",
        }
    }
}

impl fmt::Display for Estado {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Estado {
    type Err = FieldError;

    /// Case-insensitive, so `?estado=rechazada` and `RECHAZADA` both work.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "pendiente" => Ok(Self::Pendiente),
            "aprobada" | "aprobado" => Ok(Self::Aprobada),
            "rechazada" | "rechazado" => Ok(Self::Rechazada),
            _ => Err(FieldError::new(
                "estado",
                format!("must be Pendiente, Aprobada or Rechazada, got {s:?}"),
            )),
        }
    }
}

/// Non-empty list of rejection reasons, each bounded text and non-blank.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Motivos(Vec<String>);

pub const MAX_MOTIVOS: usize = 50;

impl Motivos {
    pub fn parse(values: &[String]) -> Result<Self, FieldError> {
        if values.is_empty() {
            return Err(FieldError::new(
                "motivos",
                "at least one reason is required",
            ));
        }
        if values.len() > MAX_MOTIVOS {
            return Err(FieldError::new(
                "motivos",
                format!("at most {MAX_MOTIVOS} reasons"),
            ));
        }
        let mut motivos = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            let text = BoundedText::parse(&format!("motivos[{i}]"), value)?;
            if text.is_blank() {
                return Err(FieldError::new(
                    format!("motivos[{i}]"),
                    "must not be blank",
                ));
            }
            motivos.push(text.as_str().to_owned());
        }
        Ok(Self(motivos))
    }

    /// Reasons read back from storage or an event, already validated once.
    pub fn trusted(values: Vec<String>) -> Self {
        Self(values)
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("cannot {action} a record that is {from}")]
pub struct ReviewError {
    pub from: Estado,
    pub action: &'static str,
}

/// What a decision did: changed the state, or nothing (a repeat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Changed,
    Unchanged,
}

/// The review lifecycle every audited aggregate shares: only a Pendiente
/// record can be decided; repeating the same decision is a no-op.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    estado: Estado,
    motivos_rechazo: Vec<String>,
}

impl Default for Review {
    fn default() -> Self {
        Self {
            estado: Estado::Pendiente,
            motivos_rechazo: Vec::new(),
        }
    }
}

impl Review {
    pub fn restore(estado: Estado, motivos_rechazo: Vec<String>) -> Self {
        Self {
            estado,
            motivos_rechazo,
        }
    }

    pub fn estado(&self) -> Estado {
        self.estado
    }

    pub fn motivos_rechazo(&self) -> &[String] {
        &self.motivos_rechazo
    }

    pub fn aprobar(&mut self) -> Result<Transition, ReviewError> {
        match self.estado {
            Estado::Pendiente => {
                self.estado = Estado::Aprobada;
                Ok(Transition::Changed)
            }
            Estado::Aprobada => Ok(Transition::Unchanged),
            Estado::Rechazada => Err(ReviewError {
                from: self.estado,
                action: "approve",
            }),
        }
    }

    pub fn rechazar(&mut self, motivos: &Motivos) -> Result<Transition, ReviewError> {
        match self.estado {
            Estado::Pendiente => {
                self.estado = Estado::Rechazada;
                self.motivos_rechazo = motivos.as_slice().to_vec();
                Ok(Transition::Changed)
            }
            Estado::Rechazada => Ok(Transition::Unchanged),
            Estado::Aprobada => Err(ReviewError {
                from: self.estado,
                action: "reject",
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pendiente_changes_and_repeats_are_no_ops() {
        let motivos = Motivos::parse(&["email faltante".into()]).unwrap();
        let mut review = Review::default();
        assert_eq!(review.rechazar(&motivos), Ok(Transition::Changed));
        assert_eq!(review.rechazar(&motivos), Ok(Transition::Unchanged));
        assert!(review.aprobar().is_err());
        assert_eq!(review.motivos_rechazo(), ["email faltante"]);
    }

    #[test]
    fn motivos_must_be_present_and_non_blank() {
        assert_eq!(Motivos::parse(&[]).unwrap_err().field, "motivos");
        assert_eq!(
            Motivos::parse(&["ok".into(), " ".into()])
                .unwrap_err()
                .field,
            "motivos[1]"
        );
    }

    #[test]
    fn estado_parses_case_insensitively() {
        assert_eq!("RECHAZADA".parse::<Estado>().unwrap(), Estado::Rechazada);
        assert!("otro".parse::<Estado>().is_err());
    }
}
