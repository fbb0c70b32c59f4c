use chrono::{DateTime, Utc};

use super::DatosPropiedad;
use crate::contracts::types;
use crate::seedwork::domain::EntityId;

/// A property was registered (Pendiente), with its data as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropiedadCreada {
    pub id: EntityId,
    pub datos: DatosPropiedad,
    pub fecha: DateTime<Utc>,
}

/// A Pendiente property was approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropiedadAprobada {
    pub id: EntityId,
    pub fecha: DateTime<Utc>,
}

/// A Pendiente property was rejected, with the reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropiedadRechazada {
    pub id: EntityId,
    pub motivos: Vec<String>,
    pub fecha: DateTime<Utc>,
}

/// A saga compensated the property: it leaves the listings (its history
/// stays in the event stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropiedadEliminada {
    pub id: EntityId,
    pub motivo: String,
    pub fecha: DateTime<Utc>,
}

/// What happened to a property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropiedadEvent {
    PropiedadCreada(PropiedadCreada),
    PropiedadAprobada(PropiedadAprobada),
    PropiedadRechazada(PropiedadRechazada),
    PropiedadEliminada(PropiedadEliminada),
    /// Not a state change: the registration that could not be (published so
    /// the saga waiting for the creation learns why).
    CreacionPropiedadFallida(CreacionPropiedadFallida),
}

impl PropiedadEvent {
    /// The event's name on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            Self::PropiedadCreada(_) => types::PROPIEDAD_CREADA,
            Self::PropiedadAprobada(_) => types::PROPIEDAD_APROBADA,
            Self::PropiedadRechazada(_) => types::PROPIEDAD_RECHAZADA,
            Self::PropiedadEliminada(_) => types::PROPIEDAD_ELIMINADA,
            Self::CreacionPropiedadFallida(_) => types::CREACION_PROPIEDAD_FALLIDA,
        }
    }

    pub fn id(&self) -> EntityId {
        match self {
            Self::PropiedadCreada(e) => e.id,
            Self::PropiedadAprobada(e) => e.id,
            Self::PropiedadRechazada(e) => e.id,
            Self::PropiedadEliminada(e) => e.id,
            Self::CreacionPropiedadFallida(e) => e.id,
        }
    }
}

/// A registration refused (its cadastral id is taken): nothing was created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreacionPropiedadFallida {
    pub id: EntityId,
    pub identificacion_catastral: String,
    pub motivo: String,
    pub fecha: DateTime<Utc>,
}
