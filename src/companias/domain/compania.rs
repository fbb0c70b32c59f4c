use chrono::{DateTime, Utc};

use super::{CompaniaAprobada, CompaniaCreada, CompaniaEvent, CompaniaRechazada, DatosCompania};
use crate::seedwork::domain::{
    AggregateRoot, EntityId, Estado, EventBuffer, Motivos, Review, ReviewError, Transition,
};

/// A real-estate company as registered: Pendiente until the audit (or an
/// auditor) approves or rejects it. Only a Pendiente company can be decided;
/// repeating a decision is a no-op that records nothing. A revision (an
/// auditor re-deciding an audit they reopened) is the exception: it applies
/// whatever the estado and always records its event.
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
    /// Decides a registration: the event that creates the company.
    pub fn decidir_registro(
        id: EntityId,
        datos: DatosCompania,
        ahora: DateTime<Utc>,
    ) -> CompaniaCreada {
        CompaniaCreada {
            id,
            datos,
            fecha: ahora,
        }
    }

    /// The company its creation event describes (the first apply).
    pub fn desde(creada: &CompaniaCreada) -> Self {
        Self {
            id: creada.id,
            datos: creada.datos.clone(),
            review: Review::default(),
            fecha_creacion: creada.fecha,
            fecha_actualizacion: creada.fecha,
            version: 0,
            events: EventBuffer::default(),
        }
    }

    /// Registers a company and records `CompaniaCreada`.
    pub fn registrar(id: EntityId, datos: DatosCompania, ahora: DateTime<Utc>) -> Self {
        let creada = Self::decidir_registro(id, datos, ahora);
        let mut compania = Self::desde(&creada);
        compania
            .events
            .record(CompaniaEvent::CompaniaCreada(creada));
        compania
    }

    /// Decides an approval: `CompaniaAprobada`, nothing when already
    /// approved, or the refusal of a rejected company. With a `motivo_revision`
    /// (the auditor's reason for re-deciding), `CompaniaAprobada` whatever
    /// the estado, even when already approved.
    pub fn decidir_aprobacion(
        &self,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<Option<CompaniaAprobada>, ReviewError> {
        let registra =
            motivo_revision.is_some() || self.review.decidir_aprobacion()? == Transition::Changed;
        Ok(registra.then_some(CompaniaAprobada {
            id: self.id,
            fecha: ahora,
        }))
    }

    /// Decides a rejection: `CompaniaRechazada` with the reasons, nothing
    /// when already rejected, or the refusal of an approved company. With a
    /// `motivo_revision`, `CompaniaRechazada` whatever the estado, even when already
    /// rejected.
    pub fn decidir_rechazo(
        &self,
        motivos: &Motivos,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<Option<CompaniaRechazada>, ReviewError> {
        let registra =
            motivo_revision.is_some() || self.review.decidir_rechazo()? == Transition::Changed;
        Ok(registra.then(|| CompaniaRechazada {
            id: self.id,
            motivos: motivos.as_slice().to_vec(),
            fecha: ahora,
        }))
    }

    /// Approves a Pendiente company, or any company on a `motivo_revision`
    /// (records `CompaniaAprobada`).
    pub fn aprobar(
        &mut self,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<(), ReviewError> {
        if let Some(aprobada) = self.decidir_aprobacion(motivo_revision, ahora)? {
            self.record(CompaniaEvent::CompaniaAprobada(aprobada));
        }
        Ok(())
    }

    /// Rejects a Pendiente company, or any company on a `motivo_revision`
    /// (records `CompaniaRechazada`).
    pub fn rechazar(
        &mut self,
        motivos: &Motivos,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<(), ReviewError> {
        if let Some(rechazada) = self.decidir_rechazo(motivos, motivo_revision, ahora)? {
            self.record(CompaniaEvent::CompaniaRechazada(rechazada));
        }
        Ok(())
    }

    /// What an event does to the company.
    pub fn apply(&mut self, event: &CompaniaEvent) {
        match event {
            CompaniaEvent::CompaniaCreada(creada) => *self = Self::desde(creada),
            CompaniaEvent::CompaniaAprobada(aprobada) => {
                self.review = Review::aprobada();
                self.fecha_actualizacion = aprobada.fecha;
            }
            CompaniaEvent::CompaniaRechazada(rechazada) => {
                self.review = Review::rechazada(rechazada.motivos.clone());
                self.fecha_actualizacion = rechazada.fecha;
            }
        }
    }

    fn record(&mut self, event: CompaniaEvent) {
        self.apply(&event);
        self.events.record(event);
    }

    /// A company read back from storage.
    pub fn restore(
        id: EntityId,
        datos: DatosCompania,
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

    pub fn id(&self) -> EntityId {
        self.id
    }

    pub fn datos(&self) -> &DatosCompania {
        &self.datos
    }

    pub fn estado(&self) -> Estado {
        self.review.estado()
    }

    /// Where its review stands (estado and reasons), as stored.
    pub fn review(&self) -> &Review {
        &self.review
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

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_700_000_000_000).unwrap()
    }

    fn id() -> EntityId {
        EntityId::parse("id", "0192f3a0-0000-7000-8000-000000000001").unwrap()
    }

    /// The company its history leaves, as a store would rebuild it.
    fn given(history: &[CompaniaEvent]) -> Compania {
        let CompaniaEvent::CompaniaCreada(first) = &history[0] else {
            panic!("a history starts with CompaniaCreada");
        };
        let mut compania = Compania::desde(first);
        for event in &history[1..] {
            compania.apply(event);
        }
        compania
    }

    fn creada() -> CompaniaEvent {
        CompaniaEvent::CompaniaCreada(CompaniaCreada {
            id: id(),
            datos: DatosCompania::new("Inmobiliaria Andes", "", "900123").unwrap(),
            fecha: now(),
        })
    }

    fn aprobada() -> CompaniaEvent {
        CompaniaEvent::CompaniaAprobada(CompaniaAprobada {
            id: id(),
            fecha: now(),
        })
    }

    fn rechazada() -> CompaniaEvent {
        CompaniaEvent::CompaniaRechazada(CompaniaRechazada {
            id: id(),
            motivos: vec!["email faltante".into()],
            fecha: now(),
        })
    }

    fn motivos() -> Motivos {
        Motivos::parse(&["email faltante".into()]).unwrap()
    }

    const REVISION: Option<&str> = Some("el auditor reabrió: email verificado");

    #[test]
    fn when_registrar_then_compania_creada_with_blank_fields_accepted() {
        let datos = DatosCompania::new("Inmobiliaria Andes", "", "900123").unwrap();
        let mut c = Compania::registrar(id(), datos, now());
        assert_eq!(c.estado(), Estado::Pendiente);
        let events = c.take_events();
        assert_eq!(events, vec![creada()]);
        assert_eq!(events[0].name(), "CompaniaCreada");
    }

    #[test]
    fn a_name_over_the_limit_is_refused_naming_the_field() {
        let err = DatosCompania::new(&"n".repeat(1001), "", "").unwrap_err();
        assert_eq!(err.field, "nombre");
    }

    #[test]
    fn given_creada_when_aprobar_then_compania_aprobada() {
        let c = given(&[creada()]);
        let decided = c.decidir_aprobacion(None, now()).unwrap();
        assert_eq!(
            decided.map(CompaniaEvent::CompaniaAprobada),
            Some(aprobada())
        );
        assert_eq!(c.estado(), Estado::Pendiente, "deciding changes nothing");
    }

    #[test]
    fn given_aprobada_when_aprobar_then_no_event() {
        let mut c = given(&[creada(), aprobada()]);
        c.aprobar(None, now()).unwrap();
        assert!(c.take_events().is_empty());
        assert_eq!(c.estado(), Estado::Aprobada);
    }

    #[test]
    fn given_creada_when_rechazar_then_compania_rechazada_with_motivos() {
        let mut c = given(&[creada()]);
        c.rechazar(&motivos(), None, now()).unwrap();
        assert_eq!(c.take_events(), vec![rechazada()]);
        assert_eq!(c.motivos_rechazo(), ["email faltante"]);
    }

    #[test]
    fn given_rechazada_when_rechazar_then_no_event() {
        let c = given(&[creada(), rechazada()]);
        assert_eq!(c.decidir_rechazo(&motivos(), None, now()), Ok(None));
    }

    #[test]
    fn given_rechazada_when_aprobar_then_refused() {
        let c = given(&[creada(), rechazada()]);
        assert_eq!(
            c.decidir_aprobacion(None, now()),
            Err(ReviewError {
                from: Estado::Rechazada,
                action: "approve"
            })
        );
    }

    #[test]
    fn given_aprobada_when_rechazar_then_refused() {
        let mut c = given(&[creada(), aprobada()]);
        assert!(c.rechazar(&motivos(), None, now()).is_err());
        assert!(c.take_events().is_empty());
        assert_eq!(c.estado(), Estado::Aprobada);
    }

    #[test]
    fn given_aprobada_when_rechazar_with_revision_then_compania_rechazada() {
        let mut c = given(&[creada(), aprobada()]);
        c.rechazar(&motivos(), REVISION, now()).unwrap();
        assert_eq!(c.take_events(), vec![rechazada()]);
        assert_eq!(c.estado(), Estado::Rechazada);
        assert_eq!(c.motivos_rechazo(), ["email faltante"]);
    }

    #[test]
    fn given_aprobada_when_aprobar_with_revision_then_compania_aprobada_again() {
        let mut c = given(&[creada(), aprobada()]);
        c.aprobar(REVISION, now()).unwrap();
        assert_eq!(c.take_events(), vec![aprobada()]);
        assert_eq!(c.estado(), Estado::Aprobada);
    }

    #[test]
    fn given_rechazada_when_aprobar_with_revision_then_compania_aprobada() {
        let c = given(&[creada(), rechazada()]);
        assert_eq!(
            c.decidir_aprobacion(REVISION, now())
                .map(|d| d.map(CompaniaEvent::CompaniaAprobada)),
            Ok(Some(aprobada()))
        );
    }

    #[test]
    fn given_rechazada_when_rechazar_with_revision_then_compania_rechazada_again() {
        let c = given(&[creada(), rechazada()]);
        assert_eq!(
            c.decidir_rechazo(&motivos(), REVISION, now())
                .map(|d| d.map(CompaniaEvent::CompaniaRechazada)),
            Ok(Some(rechazada()))
        );
    }

    #[test]
    fn given_aprobada_when_rechazar_without_revision_then_still_refused() {
        let c = given(&[creada(), aprobada()]);
        assert_eq!(
            c.decidir_rechazo(&motivos(), None, now()),
            Err(ReviewError {
                from: Estado::Aprobada,
                action: "reject"
            })
        );
    }
}
