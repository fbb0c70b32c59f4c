use chrono::{DateTime, Utc};

use super::CompaniaEvent;
use crate::seedwork::domain::{
    AggregateRoot, BoundedText, DomainError, EntityId, Estado, EventBuffer, FieldError, Motivos,
    Review, Reviewable, Transition,
};

/// A company's registration data as given; any field may be blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatosCompania {
    pub nombre: BoundedText,
    pub email: BoundedText,
    pub identificacion: BoundedText,
}

impl DatosCompania {
    pub fn parse(nombre: &str, email: &str, identificacion: &str) -> Result<Self, FieldError> {
        Ok(Self {
            nombre: BoundedText::parse("nombre", nombre)?,
            email: BoundedText::parse("email", email)?,
            identificacion: BoundedText::parse("identificacion", identificacion)?,
        })
    }
}

/// The `Compania` aggregate.
#[derive(Debug, Clone, PartialEq)]
pub struct Compania {
    id: EntityId,
    datos: DatosCompania,
    review: Review,
    fecha_creacion: DateTime<Utc>,
    fecha_actualizacion: DateTime<Utc>,
    version: i64,
    events: EventBuffer<CompaniaEvent>,
}

impl Compania {
    /// Rebuilds a stored company.
    #[allow(clippy::too_many_arguments)]
    pub fn restore(
        id: EntityId,
        datos: DatosCompania,
        estado: Estado,
        motivos_rechazo: Vec<String>,
        fecha_creacion: DateTime<Utc>,
        fecha_actualizacion: DateTime<Utc>,
        version: i64,
    ) -> Self {
        Self {
            id,
            datos,
            review: Review::restore(estado, motivos_rechazo),
            fecha_creacion,
            fecha_actualizacion,
            version,
            events: EventBuffer::default(),
        }
    }

    pub fn datos(&self) -> &DatosCompania {
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

    pub fn pending_events(&self) -> &[CompaniaEvent] {
        self.events.pending()
    }
}

impl Reviewable for Compania {
    type Datos = DatosCompania;

    const KIND: &'static str = "compania";
    const CREAR: &'static str = "CrearCompania";
    const APROBAR: &'static str = "AprobarCompania";
    const RECHAZAR: &'static str = "RechazarCompania";

    /// Registers a company (Pendiente) and records `CompaniaCreada`.
    fn crear(id: EntityId, datos: DatosCompania, ahora: DateTime<Utc>) -> Self {
        let mut compania = Self {
            id,
            datos,
            review: Review::default(),
            fecha_creacion: ahora,
            fecha_actualizacion: ahora,
            version: 0,
            events: EventBuffer::default(),
        };
        compania.events.record(CompaniaEvent::CompaniaCreada {
            id: id.to_string(),
            nombre: compania.datos.nombre.to_string(),
            email: compania.datos.email.to_string(),
            identificacion: compania.datos.identificacion.to_string(),
            fecha_creacion: ahora,
        });
        compania
    }

    /// Approves a Pendiente company; approving twice records nothing.
    fn aprobar(&mut self, ahora: DateTime<Utc>) -> Result<(), DomainError> {
        if self.review.aprobar()? == Transition::Changed {
            self.fecha_actualizacion = ahora;
            self.events.record(CompaniaEvent::CompaniaAprobada {
                id: self.id.to_string(),
                fecha: ahora,
            });
        }
        Ok(())
    }

    /// Rejects a Pendiente company with reasons; rejecting twice records nothing.
    fn rechazar(&mut self, motivos: &Motivos, ahora: DateTime<Utc>) -> Result<(), DomainError> {
        if self.review.rechazar(motivos)? == Transition::Changed {
            self.fecha_actualizacion = ahora;
            self.events.record(CompaniaEvent::CompaniaRechazada {
                id: self.id.to_string(),
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

impl AggregateRoot for Compania {
    type Event = CompaniaEvent;

    fn aggregate_id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn take_events(&mut self) -> Vec<CompaniaEvent> {
        self.events.take()
    }
}

#[cfg(test)]
mod tests {
    //! given(events) / when(command) / then(events or error).
    use super::*;
    use crate::seedwork::domain::ReviewError;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_700_000_000_000).unwrap()
    }

    /// Rebuilds the aggregate from its history, as a store would.
    fn given(history: &[CompaniaEvent]) -> Compania {
        let mut compania = None::<Compania>;
        for event in history {
            match event {
                CompaniaEvent::CompaniaCreada {
                    id,
                    nombre,
                    email,
                    identificacion,
                    fecha_creacion,
                } => {
                    let datos = DatosCompania::parse(nombre, email, identificacion).unwrap();
                    let mut c =
                        Compania::crear(EntityId::parse("id", id).unwrap(), datos, *fecha_creacion);
                    c.take_events();
                    compania = Some(c);
                }
                CompaniaEvent::CompaniaAprobada { fecha, .. } => {
                    let c = compania.as_mut().unwrap();
                    c.aprobar(*fecha).unwrap();
                    c.take_events();
                }
                CompaniaEvent::CompaniaRechazada { motivos, fecha, .. } => {
                    let c = compania.as_mut().unwrap();
                    c.rechazar(&Motivos::parse(motivos).unwrap(), *fecha)
                        .unwrap();
                    c.take_events();
                }
            }
        }
        compania.expect("history starts with CompaniaCreada")
    }

    const ID: &str = "0192f3a0-0000-7000-8000-000000000001";

    fn creada() -> CompaniaEvent {
        CompaniaEvent::CompaniaCreada {
            id: ID.into(),
            nombre: "Inmobiliaria Andes".into(),
            email: "".into(),
            identificacion: "900123".into(),
            fecha_creacion: now(),
        }
    }

    fn motivos() -> Motivos {
        Motivos::parse(&["email faltante".into()]).unwrap()
    }

    #[test]
    fn crear_accepts_blank_fields_and_records_compania_creada() {
        let datos = DatosCompania::parse("Inmobiliaria Andes", "", "900123").unwrap();
        let mut c = Compania::crear(EntityId::parse("id", ID).unwrap(), datos, now());
        assert_eq!(c.estado(), Estado::Pendiente);
        assert_eq!(c.take_events(), vec![creada()]);
    }

    #[test]
    fn crear_refuses_a_name_over_the_limit() {
        let err = DatosCompania::parse(&"n".repeat(1001), "", "").unwrap_err();
        assert_eq!(err.field, "nombre");
    }

    #[test]
    fn given_creada_when_aprobar_then_compania_aprobada() {
        let mut c = given(&[creada()]);
        c.aprobar(now()).unwrap();
        assert_eq!(
            c.take_events(),
            vec![CompaniaEvent::CompaniaAprobada {
                id: ID.into(),
                fecha: now()
            }]
        );
        assert_eq!(c.estado(), Estado::Aprobada);
    }

    #[test]
    fn given_aprobada_when_aprobar_then_no_event() {
        let mut c = given(&[
            creada(),
            CompaniaEvent::CompaniaAprobada {
                id: ID.into(),
                fecha: now(),
            },
        ]);
        c.aprobar(now()).unwrap();
        assert!(c.take_events().is_empty());
    }

    #[test]
    fn given_creada_when_rechazar_then_compania_rechazada_with_motivos() {
        let mut c = given(&[creada()]);
        c.rechazar(&motivos(), now()).unwrap();
        assert_eq!(
            c.take_events(),
            vec![CompaniaEvent::CompaniaRechazada {
                id: ID.into(),
                motivos: vec!["email faltante".into()],
                fecha: now()
            }]
        );
        assert_eq!(c.motivos_rechazo(), ["email faltante"]);
    }

    #[test]
    fn given_rechazada_when_rechazar_then_no_event() {
        let rechazada = CompaniaEvent::CompaniaRechazada {
            id: ID.into(),
            motivos: vec!["x".into()],
            fecha: now(),
        };
        let mut c = given(&[creada(), rechazada]);
        c.rechazar(&motivos(), now()).unwrap();
        assert!(c.take_events().is_empty());
    }

    #[test]
    fn given_rechazada_when_aprobar_then_error() {
        let rechazada = CompaniaEvent::CompaniaRechazada {
            id: ID.into(),
            motivos: vec!["x".into()],
            fecha: now(),
        };
        let mut c = given(&[creada(), rechazada]);
        let err = c.aprobar(now()).unwrap_err();
        assert_eq!(
            err,
            DomainError::InvalidTransition(ReviewError {
                from: Estado::Rechazada,
                action: "approve"
            })
        );
        assert!(c.take_events().is_empty());
    }

    #[test]
    fn given_aprobada_when_rechazar_then_error() {
        let mut c = given(&[
            creada(),
            CompaniaEvent::CompaniaAprobada {
                id: ID.into(),
                fecha: now(),
            },
        ]);
        assert!(c.rechazar(&motivos(), now()).is_err());
        assert_eq!(c.estado(), Estado::Aprobada);
    }
}
