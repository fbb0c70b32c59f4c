//! Where a record stands as the workbench shows it: the source context's
//! decision, or waiting for an auditor (auditoria's EnRevision), which the
//! source contexts never see.

/// A projected record's estado.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstadoRegistro {
    Pendiente,
    Aprobada,
    Rechazada,
    EnRevision,
}

impl EstadoRegistro {
    pub const ALL: [Self; 4] = [
        Self::Pendiente,
        Self::Aprobada,
        Self::Rechazada,
        Self::EnRevision,
    ];

    /// As the projection stores it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pendiente => "Pendiente",
            Self::Aprobada => "Aprobada",
            Self::Rechazada => "Rechazada",
            Self::EnRevision => "EnRevision",
        }
    }

    /// A stored estado; None for text the projection never writes.
    pub fn leer(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::EstadoRegistro;

    #[test]
    fn every_estado_reads_back_what_it_stores() {
        for e in EstadoRegistro::ALL {
            assert_eq!(EstadoRegistro::leer(e.as_str()), Some(e));
        }
        assert_eq!(EstadoRegistro::leer("pendiente"), None);
    }
}
