//! The `DatosGeograficos` aggregate: a registered record (seedwork
//! `Registro`) whose data is a property's name and coordinates. Pure.

use crate::seedwork::domain::{BoundedText, DatosRegistro, FieldError, Registro, RegistroEvent};

/// A property's geographic data as registered.
pub type DatosGeograficos = Registro<Coordenadas>;
/// `DatosGeograficosCreados`, `DatosGeograficosAprobados`, `DatosGeograficosRechazados`.
pub type DatosGeograficosEvent = RegistroEvent<Coordenadas>;

/// The property's name, coordinates and (since schema v2, not audited)
/// address as given. Coordinates stay text as the v1 contract carries them:
/// whether they are numeric and in range is for the audit to judge, not a
/// reason to refuse ingestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordenadas {
    pub nombre_propiedad: BoundedText,
    pub latitud: BoundedText,
    pub longitud: BoundedText,
    pub direccion: BoundedText,
}

impl DatosRegistro for Coordenadas {
    const KIND: &'static str = "datos_geograficos";
    const ID_FIELD: &'static str = "id_datos_geograficos";
    const FIELDS: &'static [&'static str] =
        &["nombre_propiedad", "latitud", "longitud", "direccion"];
    const OPTIONAL_FIELDS: &'static [&'static str] = &["direccion"];
    const DECIMAL_FIELDS: &'static [&'static str] = &["latitud", "longitud"];
    const CREAR: &'static str = "CrearDatosGeograficos";
    const APROBAR: &'static str = "AprobarDatosGeograficos";
    const RECHAZAR: &'static str = "RechazarDatosGeograficos";
    const CREADO: &'static str = "DatosGeograficosCreados";
    const APROBADO: &'static str = "DatosGeograficosAprobados";
    const RECHAZADO: &'static str = "DatosGeograficosRechazados";

    fn parse(field: &dyn Fn(&str) -> String) -> Result<Self, FieldError> {
        Ok(Self {
            nombre_propiedad: BoundedText::parse("nombre_propiedad", &field("nombre_propiedad"))?,
            latitud: BoundedText::parse("latitud", &field("latitud"))?,
            longitud: BoundedText::parse("longitud", &field("longitud"))?,
            direccion: BoundedText::parse("direccion", &field("direccion"))?,
        })
    }

    fn field(&self, name: &str) -> &str {
        match name {
            "nombre_propiedad" => self.nombre_propiedad.as_str(),
            "latitud" => self.latitud.as_str(),
            "longitud" => self.longitud.as_str(),
            "direccion" => self.direccion.as_str(),
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::seedwork::domain::{AggregateRoot, EntityId, Reviewable};

    #[test]
    fn out_of_range_coordinates_are_ingested_for_the_audit_to_judge() {
        let datos = Coordenadas::parse(&|f: &str| match f {
            "nombre_propiedad" => "Casa".into(),
            "latitud" => "95".into(),
            _ => "abc".into(),
        })
        .unwrap();
        let mut d = DatosGeograficos::crear(EntityId::new(), datos, Utc::now());
        let events = d.take_events();
        assert_eq!(events[0].name(), "DatosGeograficosCreados");
    }
}
