use thiserror::Error;

use super::{BoundedText, FieldError};

/// Where a reviewed record stands in its own context. (A record waiting for
/// a person is auditoria's notion, its `Resultado`; here it is Pendiente.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Estado {
    Pendiente,
    Aprobada,
    Rechazada,
}

crate::palabras!(
    Estado, campo = "estado",
    Pendiente => "Pendiente",
    Aprobada => "Aprobada" | "aprobado",
    Rechazada => "Rechazada" | "rechazado",
);

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

    /// Decides an approval: a change from Pendiente, a repeat from
    /// Aprobada, refused from Rechazada. Changes nothing.
    pub fn decidir_aprobacion(&self) -> Result<Transition, ReviewError> {
        match self.estado {
            Estado::Pendiente => Ok(Transition::Changed),
            Estado::Aprobada => Ok(Transition::Unchanged),
            Estado::Rechazada => Err(ReviewError {
                from: self.estado,
                action: "approve",
            }),
        }
    }

    /// Decides a rejection: a change from Pendiente, a repeat from
    /// Rechazada, refused from Aprobada. Changes nothing.
    pub fn decidir_rechazo(&self) -> Result<Transition, ReviewError> {
        match self.estado {
            Estado::Pendiente => Ok(Transition::Changed),
            Estado::Rechazada => Ok(Transition::Unchanged),
            Estado::Aprobada => Err(ReviewError {
                from: self.estado,
                action: "reject",
            }),
        }
    }

    /// The lifecycle once approved (an approval event applied).
    pub fn aprobada() -> Self {
        Self::restore(Estado::Aprobada, Vec::new())
    }

    /// The lifecycle once rejected for `motivos` (a rejection applied).
    pub fn rechazada(motivos: Vec<String>) -> Self {
        Self::restore(Estado::Rechazada, motivos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pendiente_changes_and_repeats_are_no_ops() {
        let pendiente = Review::default();
        assert_eq!(pendiente.decidir_rechazo(), Ok(Transition::Changed));
        assert_eq!(pendiente.decidir_aprobacion(), Ok(Transition::Changed));
        let rechazada = Review::rechazada(vec!["email faltante".into()]);
        assert_eq!(rechazada.decidir_rechazo(), Ok(Transition::Unchanged));
        assert!(rechazada.decidir_aprobacion().is_err());
        assert_eq!(rechazada.motivos_rechazo(), ["email faltante"]);
        assert!(Review::aprobada().decidir_rechazo().is_err());
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
