use crate::seedwork::domain::{BoundedText, FieldError};

/// A property's cadastral record as given: its name, its cadastral id
/// (unique among properties) and the `nit` of the owning company. Blank
/// fields are ingested; the audit judges them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DatosPropiedad {
    pub nombre: BoundedText,
    pub identificacion_catastral: BoundedText,
    pub nit: BoundedText,
}

impl DatosPropiedad {
    /// Validates the raw values (bounded text, no control characters); the
    /// cadastral id and the nit are identifiers, normalized so that two
    /// spellings of one id are one (uniqueness, the company it names).
    pub fn parse(
        nombre: &str,
        identificacion_catastral: &str,
        nit: &str,
    ) -> Result<Self, FieldError> {
        Ok(Self {
            nombre: BoundedText::parse("nombre", nombre)?,
            identificacion_catastral: BoundedText::identifier(
                "identificacion_catastral",
                identificacion_catastral,
            )?,
            nit: BoundedText::identifier("nit", nit)?,
        })
    }
}
