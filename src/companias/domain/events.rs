use chrono::{DateTime, Utc};

/// What happened to a company. Each carries what its consumers need (the
/// audit reads the data from `CompaniaCreada`, never from this service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompaniaEvent {
    CompaniaCreada {
        id: String,
        nombre: String,
        email: String,
        identificacion: String,
        fecha_creacion: DateTime<Utc>,
    },
    CompaniaAprobada {
        id: String,
        fecha: DateTime<Utc>,
    },
    CompaniaRechazada {
        id: String,
        motivos: Vec<String>,
        fecha: DateTime<Utc>,
    },
}

impl CompaniaEvent {
    pub fn name(&self) -> &'static str {
        match self {
            Self::CompaniaCreada { .. } => "CompaniaCreada",
            Self::CompaniaAprobada { .. } => "CompaniaAprobada",
            Self::CompaniaRechazada { .. } => "CompaniaRechazada",
        }
    }

    pub fn compania_id(&self) -> &str {
        match self {
            Self::CompaniaCreada { id, .. }
            | Self::CompaniaAprobada { id, .. }
            | Self::CompaniaRechazada { id, .. } => id,
        }
    }
}
