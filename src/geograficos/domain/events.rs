use chrono::{DateTime, Utc};

use super::Coordenadas;
use crate::contracts::types;
use crate::seedwork::domain::EntityId;

/// A record was registered (Pendiente), with its data as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatosGeograficosCreados {
    pub id: EntityId,
    pub datos: Coordenadas,
    pub fecha: DateTime<Utc>,
}

/// A Pendiente record was approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatosGeograficosAprobados {
    pub id: EntityId,
    pub fecha: DateTime<Utc>,
}

/// A Pendiente record was rejected, with the reasons; or (`eliminado`) a
/// saga compensated it: rejected, out of the listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatosGeograficosRechazados {
    pub id: EntityId,
    pub motivos: Vec<String>,
    pub eliminado: bool,
    pub fecha: DateTime<Utc>,
}

/// What happened to a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatosGeograficosEvent {
    DatosGeograficosCreados(DatosGeograficosCreados),
    DatosGeograficosAprobados(DatosGeograficosAprobados),
    DatosGeograficosRechazados(DatosGeograficosRechazados),
}

impl DatosGeograficosEvent {
    /// The event's name on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            Self::DatosGeograficosCreados(_) => types::DATOS_GEOGRAFICOS_CREADOS,
            Self::DatosGeograficosAprobados(_) => types::DATOS_GEOGRAFICOS_APROBADOS,
            Self::DatosGeograficosRechazados(_) => types::DATOS_GEOGRAFICOS_RECHAZADOS,
        }
    }

    pub fn id(&self) -> EntityId {
        match self {
            Self::DatosGeograficosCreados(e) => e.id,
            Self::DatosGeograficosAprobados(e) => e.id,
            Self::DatosGeograficosRechazados(e) => e.id,
        }
    }
}
