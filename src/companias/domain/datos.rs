use crate::seedwork::domain::{BoundedText, FieldError};

/// A company's registration data as given; any field may be blank
/// (ingestion accepts incomplete data, the audit judges it). `pais` and
/// `telefono` came with schema v2 and are not audited.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DatosCompania {
    pub nombre: BoundedText,
    pub email: BoundedText,
    pub identificacion: BoundedText,
    pub pais: BoundedText,
    pub telefono: BoundedText,
}

impl DatosCompania {
    /// Validates the raw values (bounded text, no control characters).
    pub fn parse(
        nombre: &str,
        email: &str,
        identificacion: &str,
        pais: &str,
        telefono: &str,
    ) -> Result<Self, FieldError> {
        Ok(Self {
            nombre: BoundedText::parse("nombre", nombre)?,
            email: BoundedText::parse("email", email)?,
            identificacion: BoundedText::identifier("identificacion", identificacion)?,
            pais: BoundedText::parse("pais", pais)?,
            telefono: BoundedText::parse("telefono", telefono)?,
        })
    }

    /// The v1 data: `pais` and `telefono` blank.
    pub fn new(nombre: &str, email: &str, identificacion: &str) -> Result<Self, FieldError> {
        Self::parse(nombre, email, identificacion, "", "")
    }
}
