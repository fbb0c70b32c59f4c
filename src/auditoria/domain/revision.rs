//! Which findings the rules cannot decide: the review rule table. A record
//! whose every finding is one of these goes to a person (`EnRevision`)
//! instead of an automatic rejection; a record with any other finding is
//! rejected by the rules, one without findings approved.

use super::resultado::Resultado;
use super::{Hallazgo, Problema};
use crate::seedwork::domain::FieldError;

/// One row: a problem, in one field or in any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReglaRevision {
    /// None: any field.
    pub campo: Option<String>,
    pub problema: Problema,
}

/// The configured review rules (`AUDITORIA_REVISION`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReglasRevision(Vec<ReglaRevision>);

impl ReglasRevision {
    /// The default: a value present but malformed (an email without a
    /// domain, a coordinate that is not a number) is for a person to judge.
    pub fn por_defecto() -> Self {
        Self(vec![ReglaRevision {
            campo: None,
            problema: Problema::FormatoInvalido,
        }])
    }

    /// `formato_invalido,email:desconocido`: comma-separated rows, each a
    /// problem or `campo:problema`; blank means no review at all.
    pub fn parse(texto: &str) -> Result<Self, FieldError> {
        let mut reglas = Vec::new();
        for fila in texto.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            let (campo, problema) = match fila.split_once(':') {
                Some((c, p)) => (Some(c.trim().to_owned()), p.trim()),
                None => (None, fila),
            };
            let problema = Problema::parse(problema).ok_or_else(|| {
                FieldError::new(
                    "AUDITORIA_REVISION",
                    format!(
                        "unknown problem {problema:?} (faltante, formato_invalido, fuera_de_rango, desconocido)"
                    ),
                )
            })?;
            reglas.push(ReglaRevision { campo, problema });
        }
        Ok(Self(reglas))
    }

    fn pide_revision(&self, h: &Hallazgo) -> bool {
        self.0
            .iter()
            .any(|r| r.problema == h.problema && r.campo.as_deref().is_none_or(|c| c == h.campo))
    }

    /// The verdict of a set of findings.
    pub fn veredicto(&self, hallazgos: &[Hallazgo]) -> Resultado {
        if hallazgos.is_empty() {
            Resultado::Aprobada
        } else if hallazgos.iter().all(|h| self.pide_revision(h)) {
            Resultado::EnRevision
        } else {
            Resultado::Rechazada
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hallazgo(campo: &str, problema: Problema) -> Hallazgo {
        Hallazgo {
            campo: campo.into(),
            problema,
        }
    }

    #[test]
    fn only_findings_the_table_names_go_to_a_person() {
        let reglas = ReglasRevision::por_defecto();
        assert_eq!(reglas.veredicto(&[]), Resultado::Aprobada);
        let formato = hallazgo("email", Problema::FormatoInvalido);
        let faltante = hallazgo("nombre", Problema::Faltante);
        assert_eq!(
            reglas.veredicto(std::slice::from_ref(&formato)),
            Resultado::EnRevision
        );
        assert_eq!(
            reglas.veredicto(&[formato, faltante]),
            Resultado::Rechazada,
            "a finding the rules decide decides"
        );
    }

    #[test]
    fn rows_name_a_problem_or_a_field_and_a_problem() {
        let reglas = ReglasRevision::parse("email:formato_invalido, desconocido").unwrap();
        assert_eq!(
            reglas.veredicto(&[hallazgo("email", Problema::FormatoInvalido)]),
            Resultado::EnRevision
        );
        assert_eq!(
            reglas.veredicto(&[hallazgo("latitud", Problema::FormatoInvalido)]),
            Resultado::Rechazada
        );
        assert_eq!(
            reglas.veredicto(&[hallazgo("nit", Problema::Desconocido)]),
            Resultado::EnRevision
        );
        assert_eq!(
            ReglasRevision::parse("")
                .unwrap()
                .veredicto(&[hallazgo("email", Problema::FormatoInvalido)]),
            Resultado::Rechazada
        );
        assert!(ReglasRevision::parse("roto").is_err());
    }
}
