use crate::seedwork::domain::{BoundedText, FieldError};

/// A property's name, coordinates and (since schema v2, not audited)
/// address as given. Coordinates stay text as the v1 contract carries them:
/// whether they are numeric and in range is for the audit to judge, not a
/// reason to refuse ingestion.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Coordenadas {
    pub nombre_propiedad: BoundedText,
    pub latitud: BoundedText,
    pub longitud: BoundedText,
    pub direccion: BoundedText,
}

impl Coordenadas {
    /// Validates the raw values (bounded text, no control characters).
    pub fn parse(
        nombre_propiedad: &str,
        latitud: &str,
        longitud: &str,
        direccion: &str,
    ) -> Result<Self, FieldError> {
        Ok(Self {
            nombre_propiedad: BoundedText::parse("nombre_propiedad", nombre_propiedad)?,
            latitud: BoundedText::parse("latitud", latitud)?,
            longitud: BoundedText::parse("longitud", longitud)?,
            direccion: BoundedText::parse("direccion", direccion)?,
        })
    }

    /// A coordinate as a number, when its text is one (the v2 events carry
    /// it as `latitud_decimal` / `longitud_decimal` too).
    pub fn decimal(text: &BoundedText) -> Option<f64> {
        text.as_str()
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
    }
}
