use crate::seedwork::domain::{es_blanco, es_invisible};

/// What kind of record an audit is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TipoEntidad {
    Compania,
    DatosGeograficos,
    Propiedad,
}

crate::palabras!(
    TipoEntidad, campo = "tipo",
    Compania => "Compania",
    DatosGeograficos => "DatosGeograficos" | "datos_geograficos",
    Propiedad => "Propiedad",
);

/// What is wrong with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Problema {
    Faltante,
    FormatoInvalido,
    FueraDeRango,
    /// Refers to something no event has announced (a `nit` of no known
    /// company).
    Desconocido,
}

impl Problema {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Faltante => "faltante",
            Self::FormatoInvalido => "formato_invalido",
            Self::FueraDeRango => "fuera_de_rango",
            Self::Desconocido => "desconocido",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "faltante" => Some(Self::Faltante),
            "formato_invalido" => Some(Self::FormatoInvalido),
            "fuera_de_rango" => Some(Self::FueraDeRango),
            "desconocido" => Some(Self::Desconocido),
            _ => None,
        }
    }
}

/// One finding: `{campo: email, problema: faltante}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hallazgo {
    pub campo: String,
    pub problema: Problema,
}

impl Hallazgo {
    /// The rejection reason sent to the source context: "email faltante".
    pub fn motivo(&self) -> String {
        format!("{} {}", self.campo, self.problema.as_str())
    }
}

/// A rule: a field and the check it must pass.
pub struct Regla {
    pub campo: &'static str,
    pub check: Check,
}

/// A field check: `None` when the value passes.
pub type Check = fn(&str) -> Option<Problema>;

fn requerido(value: &str) -> Option<Problema> {
    es_blanco(value).then_some(Problema::Faltante)
}

/// Present and an address as RFC 5321/5322 write it (the `email_address`
/// crate): no display text, no IP literal, a domain of at least two
/// labels, no spaces.
fn email(value: &str) -> Option<Problema> {
    if es_blanco(value) {
        return Some(Problema::Faltante);
    }
    let opciones = email_address::Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    let valid = email_address::EmailAddress::parse_with_options(value.trim(), opciones).is_ok()
        && !value
            .trim()
            .chars()
            .any(|c| c.is_whitespace() || es_invisible(c));
    (!valid).then_some(Problema::FormatoInvalido)
}

fn en_rango(value: &str, min: f64, max: f64) -> Option<Problema> {
    let value = value.trim();
    if value.is_empty() {
        return Some(Problema::Faltante);
    }
    match value.parse::<f64>() {
        Ok(n) if !n.is_finite() => Some(Problema::FormatoInvalido),
        Ok(n) if n < min || n > max => Some(Problema::FueraDeRango),
        Ok(_) => None,
        Err(_) => Some(Problema::FormatoInvalido),
    }
}

fn latitud(value: &str) -> Option<Problema> {
    en_rango(value, -90.0, 90.0)
}

fn longitud(value: &str) -> Option<Problema> {
    en_rango(value, -180.0, 180.0)
}

/// Names the rule table below in each audit; bump it when a rule changes.
pub const REGLAS_VERSION: &str = "1";

/// The rules of each kind of record. Adding a rule is adding a row.
pub fn reglas(tipo: TipoEntidad) -> &'static [Regla] {
    const COMPANIA: &[Regla] = &[
        Regla {
            campo: "nombre",
            check: requerido,
        },
        Regla {
            campo: "email",
            check: email,
        },
        Regla {
            campo: "identificacion",
            check: requerido,
        },
    ];
    const DATOS_GEOGRAFICOS: &[Regla] = &[
        Regla {
            campo: "nombre_propiedad",
            check: requerido,
        },
        Regla {
            campo: "latitud",
            check: latitud,
        },
        Regla {
            campo: "longitud",
            check: longitud,
        },
    ];
    const PROPIEDAD: &[Regla] = &[
        Regla {
            campo: "nombre",
            check: requerido,
        },
        Regla {
            campo: "identificacion_catastral",
            check: requerido,
        },
        Regla {
            campo: "nit",
            check: requerido,
        },
    ];
    match tipo {
        TipoEntidad::Compania => COMPANIA,
        TipoEntidad::DatosGeograficos => DATOS_GEOGRAFICOS,
        TipoEntidad::Propiedad => PROPIEDAD,
    }
}

/// The fields of `tipo` that refer to a record of another context, which
/// the audit knows only from that context's events: a property's `nit` is
/// the `identificacion` of its company.
pub fn referencias(tipo: TipoEntidad) -> &'static [&'static str] {
    match tipo {
        TipoEntidad::Propiedad => &["nit"],
        TipoEntidad::Compania | TipoEntidad::DatosGeograficos => &[],
    }
}

/// Runs every rule of `tipo` over the record's fields (missing reads
/// blank), then checks that each present reference is `conocida`.
pub fn auditar(
    tipo: TipoEntidad,
    campo: &dyn Fn(&str) -> Option<String>,
    conocida: &dyn Fn(&str, &str) -> bool,
) -> Vec<Hallazgo> {
    let reglas = reglas(tipo).iter().filter_map(|regla| {
        let value = campo(regla.campo).unwrap_or_default();
        (regla.check)(&value).map(|problema| Hallazgo {
            campo: regla.campo.to_owned(),
            problema,
        })
    });
    let referencias = referencias(tipo).iter().filter_map(|&nombre| {
        let value = campo(nombre).unwrap_or_default();
        (!es_blanco(&value) && !conocida(nombre, value.trim())).then(|| Hallazgo {
            campo: nombre.to_owned(),
            problema: Problema::Desconocido,
        })
    });
    reglas.chain(referencias).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (rule function, input, expected) — every rule passes once and fails
    /// once for each problem it can report.
    #[test]
    fn rule_table() {
        let cases: &[(Check, &str, Option<Problema>)] = &[
            (requerido, "Andes", None),
            (requerido, "  ", Some(Problema::Faltante)),
            (email, "ventas@andes.co", None),
            (email, "", Some(Problema::Faltante)),
            (email, "ventas.andes.co", Some(Problema::FormatoInvalido)),
            (email, "ventas@andes", Some(Problema::FormatoInvalido)),
            (email, "v entas@andes.co", Some(Problema::FormatoInvalido)),
            (email, "@andes.co", Some(Problema::FormatoInvalido)),
            (email, "a@b..co", Some(Problema::FormatoInvalido)),
            (email, ".a@b.co", Some(Problema::FormatoInvalido)),
            (email, "a@-b.co", Some(Problema::FormatoInvalido)),
            (email, "a@b.co<script>", Some(Problema::FormatoInvalido)),
            (
                email,
                "Ventas <ventas@andes.co>",
                Some(Problema::FormatoInvalido),
            ),
            (email, "a@[127.0.0.1]", Some(Problema::FormatoInvalido)),
            (
                email,
                "ventas\u{200B}@andes.co",
                Some(Problema::FormatoInvalido),
            ),
            (email, "\u{200B}\u{200B}", Some(Problema::Faltante)),
            (email, "ventas+alertas@sub.andes.co", None),
            (requerido, "\u{200B}\u{2060} ", Some(Problema::Faltante)),
            (latitud, "4.6097", None),
            (latitud, "-90", None),
            (latitud, "", Some(Problema::Faltante)),
            (latitud, "95", Some(Problema::FueraDeRango)),
            (latitud, "norte", Some(Problema::FormatoInvalido)),
            (latitud, "NaN", Some(Problema::FormatoInvalido)),
            (longitud, "-74.0817", None),
            (longitud, "180", None),
            (longitud, "-180.5", Some(Problema::FueraDeRango)),
            (longitud, "", Some(Problema::Faltante)),
            (longitud, "74W", Some(Problema::FormatoInvalido)),
        ];
        for (i, (rule, input, expected)) in cases.iter().enumerate() {
            assert_eq!(rule(input), *expected, "case {i}: {input:?}");
        }
    }

    #[test]
    fn a_property_of_an_unknown_nit_is_a_finding_and_a_known_one_is_not() {
        let campos = |c: &str| Some(if c == "nit" { "900123" } else { "x" }.to_owned());
        let desconocido = auditar(TipoEntidad::Propiedad, &campos, &|_, _| false);
        assert_eq!(desconocido.len(), 1);
        assert_eq!(desconocido[0].motivo(), "nit desconocido");
        let conocido = auditar(TipoEntidad::Propiedad, &campos, &|c, v| {
            c == "nit" && v == "900123"
        });
        assert!(conocido.is_empty());
        // A blank nit is missing, not unknown.
        let sin_nit = auditar(
            TipoEntidad::Propiedad,
            &|c| (c != "nit").then(|| "x".into()),
            &|_, _| false,
        );
        assert_eq!(sin_nit[0].motivo(), "nit faltante");
        assert_eq!(sin_nit.len(), 1);
    }

    #[test]
    fn a_company_with_a_blank_email_is_missing_its_email() {
        let hallazgos = auditar(
            TipoEntidad::Compania,
            &|c| match c {
                "email" => Some(String::new()),
                _ => Some("x".into()),
            },
            &|_, _| true,
        );
        assert_eq!(
            hallazgos,
            vec![Hallazgo {
                campo: "email".into(),
                problema: Problema::Faltante
            }]
        );
        assert_eq!(hallazgos[0].motivo(), "email faltante");
    }

    #[test]
    fn a_property_at_latitud_95_is_out_of_range() {
        let hallazgos = auditar(
            TipoEntidad::DatosGeograficos,
            &|c| match c {
                "nombre_propiedad" => Some("Casa".into()),
                "latitud" => Some("95".into()),
                "longitud" => Some("-74".into()),
                _ => None,
            },
            &|_, _| true,
        );
        assert_eq!(hallazgos.len(), 1);
        assert_eq!(hallazgos[0].motivo(), "latitud fuera_de_rango");
    }

    #[test]
    fn a_complete_record_has_no_findings() {
        let ok = auditar(
            TipoEntidad::DatosGeograficos,
            &|c| {
                Some(
                    match c {
                        "nombre_propiedad" => "Casa",
                        "latitud" => "4.6",
                        _ => "-74.1",
                    }
                    .into(),
                )
            },
            &|_, _| true,
        );
        assert!(ok.is_empty());
        assert_eq!(
            auditar(TipoEntidad::Compania, &|_| None, &|_, _| true).len(),
            3,
            "every field missing"
        );
    }
}
