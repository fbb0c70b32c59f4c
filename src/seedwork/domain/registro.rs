use std::fmt::Debug;

use chrono::{DateTime, Utc};

use super::{
    AggregateRoot, DomainError, EntityId, Estado, EventBuffer, FieldError, Motivos, Review,
    Reviewable, Transition,
};

/// The data a context registers for review (a company's name and email, a
/// property's coordinates): text fields, any of which may be blank. It
/// names the aggregate, its fields, commands and events, so one generic
/// aggregate, repository, codec mapping and API serve every such context.
pub trait DatosRegistro: Clone + Debug + PartialEq + Send + Sync + 'static {
    /// Lower-case name for errors and logs: "compania".
    const KIND: &'static str;
    /// Field naming the aggregate id in messages and 202 bodies: "id_compania".
    const ID_FIELD: &'static str;
    /// The data's fields, in schema order.
    const FIELDS: &'static [&'static str];
    const CREAR: &'static str;
    const APROBAR: &'static str;
    const RECHAZAR: &'static str;
    const CREADO: &'static str;
    const APROBADO: &'static str;
    const RECHAZADO: &'static str;

    /// Fields a later schema version added, nullable on the wire: written as
    /// null when blank, read as blank from older messages, never required
    /// of a writer pinned to an older version. A subset of `FIELDS`.
    const OPTIONAL_FIELDS: &'static [&'static str] = &[];

    /// Text fields that messages also carry as numbers (`latitud` →
    /// `latitud_decimal`) when the text parses as one.
    const DECIMAL_FIELDS: &'static [&'static str] = &[];

    /// Validates raw field values (a missing field reads as blank).
    fn parse(field: &dyn Fn(&str) -> String) -> Result<Self, FieldError>;

    /// The value of one of `FIELDS`.
    fn field(&self, name: &str) -> &str;
}

/// What happened to a registered record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistroEvent<D> {
    Creado {
        id: EntityId,
        datos: D,
        fecha: DateTime<Utc>,
    },
    Aprobado {
        id: EntityId,
        fecha: DateTime<Utc>,
    },
    Rechazado {
        id: EntityId,
        motivos: Vec<String>,
        fecha: DateTime<Utc>,
    },
}

impl<D: DatosRegistro> RegistroEvent<D> {
    /// The event's name on the wire: `CompaniaCreada`, ...
    pub fn name(&self) -> &'static str {
        match self {
            Self::Creado { .. } => D::CREADO,
            Self::Aprobado { .. } => D::APROBADO,
            Self::Rechazado { .. } => D::RECHAZADO,
        }
    }

    pub fn id(&self) -> EntityId {
        match self {
            Self::Creado { id, .. } | Self::Aprobado { id, .. } | Self::Rechazado { id, .. } => *id,
        }
    }
}

/// A record registered with possibly incomplete data, then approved or
/// rejected by the audit: `Compania = Registro<DatosCompania>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Registro<D: DatosRegistro> {
    id: EntityId,
    datos: D,
    review: Review,
    fecha_creacion: DateTime<Utc>,
    fecha_actualizacion: DateTime<Utc>,
    version: i64,
    events: EventBuffer<RegistroEvent<D>>,
}

impl<D: DatosRegistro> Registro<D> {
    /// Rebuilds a stored record.
    pub fn restore(
        id: EntityId,
        datos: D,
        review: Review,
        fechas: (DateTime<Utc>, DateTime<Utc>),
        version: i64,
    ) -> Self {
        Self {
            id,
            datos,
            review,
            fecha_creacion: fechas.0,
            fecha_actualizacion: fechas.1,
            version,
            events: EventBuffer::default(),
        }
    }

    pub fn datos(&self) -> &D {
        &self.datos
    }

    pub fn motivos_rechazo(&self) -> &[String] {
        self.review.motivos_rechazo()
    }

    pub fn fecha_creacion(&self) -> DateTime<Utc> {
        self.fecha_creacion
    }

    pub fn fecha_actualizacion(&self) -> DateTime<Utc> {
        self.fecha_actualizacion
    }
}

impl<D: DatosRegistro> Reviewable for Registro<D> {
    type Datos = D;

    const KIND: &'static str = D::KIND;
    const CREAR: &'static str = D::CREAR;
    const APROBAR: &'static str = D::APROBAR;
    const RECHAZAR: &'static str = D::RECHAZAR;

    /// Registers the record (Pendiente) and records its creation event.
    fn crear(id: EntityId, datos: D, ahora: DateTime<Utc>) -> Self {
        let mut registro = Self {
            id,
            datos: datos.clone(),
            review: Review::default(),
            fecha_creacion: ahora,
            fecha_actualizacion: ahora,
            version: 0,
            events: EventBuffer::default(),
        };
        registro.events.record(RegistroEvent::Creado {
            id,
            datos,
            fecha: ahora,
        });
        registro
    }

    /// Approves a Pendiente record; approving twice records nothing.
    fn aprobar(&mut self, ahora: DateTime<Utc>) -> Result<(), DomainError> {
        if self.review.aprobar()? == Transition::Changed {
            self.fecha_actualizacion = ahora;
            self.events.record(RegistroEvent::Aprobado {
                id: self.id,
                fecha: ahora,
            });
        }
        Ok(())
    }

    /// Rejects a Pendiente record with reasons; rejecting twice records nothing.
    fn rechazar(&mut self, motivos: &Motivos, ahora: DateTime<Utc>) -> Result<(), DomainError> {
        if self.review.rechazar(motivos)? == Transition::Changed {
            self.fecha_actualizacion = ahora;
            self.events.record(RegistroEvent::Rechazado {
                id: self.id,
                motivos: motivos.as_slice().to_vec(),
                fecha: ahora,
            });
        }
        Ok(())
    }

    fn id(&self) -> EntityId {
        self.id
    }

    fn estado(&self) -> Estado {
        self.review.estado()
    }
}

impl<D: DatosRegistro> AggregateRoot for Registro<D> {
    type Event = RegistroEvent<D>;

    fn aggregate_id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn take_events(&mut self) -> Vec<RegistroEvent<D>> {
        self.events.take()
    }
}
