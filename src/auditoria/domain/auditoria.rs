use chrono::{DateTime, Utc};

use super::{Hallazgo, TipoEntidad, auditar};
use crate::seedwork::domain::{AggregateRoot, EntityId, Estado, EventBuffer};

/// An audit has been completed: the record passes or is missing data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditoriaCompletada {
    pub id: EntityId,
    pub tipo_entidad: TipoEntidad,
    pub id_entidad: String,
    pub resultado: Estado,
    pub hallazgos: Vec<Hallazgo>,
    pub fecha: DateTime<Utc>,
}

/// The audit of one record: its findings and the verdict they imply.
#[derive(Debug, Clone, PartialEq)]
pub struct Auditoria {
    id: EntityId,
    tipo_entidad: TipoEntidad,
    id_entidad: String,
    resultado: Estado,
    hallazgos: Vec<Hallazgo>,
    fecha: DateTime<Utc>,
    events: EventBuffer<AuditoriaCompletada>,
}

impl Auditoria {
    /// Audits a record's fields (and whether what they refer to is
    /// `conocida`): no finding → Aprobada, else Rechazada.
    pub fn realizar(
        id: EntityId,
        tipo_entidad: TipoEntidad,
        id_entidad: &str,
        campo: &dyn Fn(&str) -> Option<String>,
        conocida: &dyn Fn(&str, &str) -> bool,
        ahora: DateTime<Utc>,
    ) -> Self {
        let hallazgos = auditar(tipo_entidad, campo, conocida);
        let resultado = if hallazgos.is_empty() {
            Estado::Aprobada
        } else {
            Estado::Rechazada
        };
        let mut auditoria = Self {
            id,
            tipo_entidad,
            id_entidad: id_entidad.to_owned(),
            resultado,
            hallazgos: hallazgos.clone(),
            fecha: ahora,
            events: EventBuffer::default(),
        };
        auditoria.events.record(AuditoriaCompletada {
            id,
            tipo_entidad,
            id_entidad: id_entidad.to_owned(),
            resultado,
            hallazgos,
            fecha: ahora,
        });
        auditoria
    }

    pub fn id(&self) -> EntityId {
        self.id
    }

    pub fn tipo_entidad(&self) -> TipoEntidad {
        self.tipo_entidad
    }

    pub fn id_entidad(&self) -> &str {
        &self.id_entidad
    }

    pub fn resultado(&self) -> Estado {
        self.resultado
    }

    pub fn hallazgos(&self) -> &[Hallazgo] {
        &self.hallazgos
    }

    pub fn fecha(&self) -> DateTime<Utc> {
        self.fecha
    }

    /// The reasons a rejection carries.
    pub fn motivos(&self) -> Vec<String> {
        self.hallazgos.iter().map(Hallazgo::motivo).collect()
    }
}

impl AggregateRoot for Auditoria {
    type Event = AuditoriaCompletada;

    fn aggregate_id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> i64 {
        0
    }

    fn take_events(&mut self) -> Vec<AuditoriaCompletada> {
        self.events.take()
    }
}
