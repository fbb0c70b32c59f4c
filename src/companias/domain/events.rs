use chrono::{DateTime, Utc};

use super::DatosCompania;
use crate::contracts::types;
use crate::seedwork::domain::EntityId;

/// A company was registered (Pendiente), with its data as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompaniaCreada {
    pub id: EntityId,
    pub datos: DatosCompania,
    pub fecha: DateTime<Utc>,
}

/// A Pendiente company was approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompaniaAprobada {
    pub id: EntityId,
    pub fecha: DateTime<Utc>,
}

/// A Pendiente company was rejected, with the reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompaniaRechazada {
    pub id: EntityId,
    pub motivos: Vec<String>,
    pub fecha: DateTime<Utc>,
}

/// What happened to a company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompaniaEvent {
    CompaniaCreada(CompaniaCreada),
    CompaniaAprobada(CompaniaAprobada),
    CompaniaRechazada(CompaniaRechazada),
}

impl CompaniaEvent {
    /// The event's name on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            Self::CompaniaCreada(_) => types::COMPANIA_CREADA,
            Self::CompaniaAprobada(_) => types::COMPANIA_APROBADA,
            Self::CompaniaRechazada(_) => types::COMPANIA_RECHAZADA,
        }
    }

    pub fn id(&self) -> EntityId {
        match self {
            Self::CompaniaCreada(e) => e.id,
            Self::CompaniaAprobada(e) => e.id,
            Self::CompaniaRechazada(e) => e.id,
        }
    }
}
