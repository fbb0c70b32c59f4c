use chrono::{DateTime, Utc};

use super::{
    Coordenadas, DatosGeograficosAprobados, DatosGeograficosCreados, DatosGeograficosEvent,
    DatosGeograficosRechazados,
};
use crate::seedwork::domain::{
    AggregateRoot, EntityId, Estado, EventBuffer, Motivos, Review, ReviewError, Transition,
};

/// A real-estate record as registered: Pendiente until the audit (or an
/// auditor) approves or rejects it. Only a Pendiente record can be decided;
/// repeating a decision is a no-op that records nothing. A revision (an
/// auditor re-deciding an audit they reopened) is the exception: it applies
/// whatever the estado and always records its event, unless the record is
/// eliminated. A registration saga's compensation eliminates it: rejected
/// with the cause, out of the listings (on the wire,
/// `DatosGeograficosRechazados` with `eliminado`).
#[derive(Debug, Clone, PartialEq)]
pub struct DatosGeograficos {
    id: EntityId,
    datos: Coordenadas,
    review: Review,
    eliminado: bool,
    fecha_creacion: DateTime<Utc>,
    fecha_actualizacion: DateTime<Utc>,
    version: i64,
    events: EventBuffer<DatosGeograficosEvent>,
}

impl DatosGeograficos {
    /// Decides a registration: the event that creates the record.
    pub fn decidir_registro(
        id: EntityId,
        datos: Coordenadas,
        ahora: DateTime<Utc>,
    ) -> DatosGeograficosCreados {
        DatosGeograficosCreados {
            id,
            datos,
            fecha: ahora,
        }
    }

    /// The record its creation event describes (the first apply).
    pub fn desde(creada: &DatosGeograficosCreados) -> Self {
        Self {
            id: creada.id,
            datos: creada.datos.clone(),
            review: Review::default(),
            eliminado: false,
            fecha_creacion: creada.fecha,
            fecha_actualizacion: creada.fecha,
            version: 0,
            events: EventBuffer::default(),
        }
    }

    /// Registers a record and records `DatosGeograficosCreados`.
    pub fn registrar(id: EntityId, datos: Coordenadas, ahora: DateTime<Utc>) -> Self {
        let creada = Self::decidir_registro(id, datos, ahora);
        let mut datos = Self::desde(&creada);
        datos
            .events
            .record(DatosGeograficosEvent::DatosGeograficosCreados(creada));
        datos
    }

    /// Decides an approval: `DatosGeograficosAprobados`, nothing when already
    /// approved, or the refusal of a rejected record. With a `motivo_revision` (the
    /// auditor's reason for re-deciding), `DatosGeograficosAprobados`
    /// whatever the estado, even when already approved; an eliminated record
    /// is decided as without one.
    pub fn decidir_aprobacion(
        &self,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<Option<DatosGeograficosAprobados>, ReviewError> {
        let registra = self.revisa(motivo_revision)
            || self.review.decidir_aprobacion()? == Transition::Changed;
        Ok(registra.then_some(DatosGeograficosAprobados {
            id: self.id,
            fecha: ahora,
        }))
    }

    /// Decides a rejection: `DatosGeograficosRechazados` with the reasons, nothing
    /// when already rejected, or the refusal of an approved record. With a
    /// `motivo_revision`, `DatosGeograficosRechazados` whatever the estado, even
    /// when already rejected; an eliminated record is decided as without one.
    pub fn decidir_rechazo(
        &self,
        motivos: &Motivos,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<Option<DatosGeograficosRechazados>, ReviewError> {
        let registra =
            self.revisa(motivo_revision) || self.review.decidir_rechazo()? == Transition::Changed;
        Ok(registra.then(|| DatosGeograficosRechazados {
            id: self.id,
            motivos: motivos.as_slice().to_vec(),
            eliminado: false,
            fecha: ahora,
        }))
    }

    /// Whether a decision is a revision that applies: one is asked for and
    /// the record is not eliminated (a compensation is final).
    fn revisa(&self, motivo_revision: Option<&str>) -> bool {
        motivo_revision.is_some() && !self.eliminado
    }

    /// Approves a Pendiente record, or any live record on a `motivo_revision`
    /// (records `DatosGeograficosAprobados`).
    pub fn aprobar(
        &mut self,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<(), ReviewError> {
        if let Some(aprobada) = self.decidir_aprobacion(motivo_revision, ahora)? {
            self.record(DatosGeograficosEvent::DatosGeograficosAprobados(aprobada));
        }
        Ok(())
    }

    /// Rejects a Pendiente record, or any live record on a `motivo_revision`
    /// (records `DatosGeograficosRechazados`).
    pub fn rechazar(
        &mut self,
        motivos: &Motivos,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<(), ReviewError> {
        if let Some(rechazada) = self.decidir_rechazo(motivos, motivo_revision, ahora)? {
            self.record(DatosGeograficosEvent::DatosGeograficosRechazados(rechazada));
        }
        Ok(())
    }

    /// What an event does to the record.
    pub fn apply(&mut self, event: &DatosGeograficosEvent) {
        match event {
            DatosGeograficosEvent::DatosGeograficosCreados(creada) => *self = Self::desde(creada),
            DatosGeograficosEvent::DatosGeograficosAprobados(aprobada) => {
                self.review = Review::aprobada();
                self.fecha_actualizacion = aprobada.fecha;
            }
            DatosGeograficosEvent::DatosGeograficosRechazados(rechazada) => {
                self.review = Review::rechazada(rechazada.motivos.clone());
                self.eliminado |= rechazada.eliminado;
                self.fecha_actualizacion = rechazada.fecha;
            }
        }
    }

    /// Decides a compensation: `DatosGeograficosRechazados` marked
    /// `eliminado`, with the cause, whatever the estado; nothing when it is
    /// eliminated already.
    pub fn decidir_eliminacion(
        &self,
        motivo: &str,
        ahora: DateTime<Utc>,
    ) -> Option<DatosGeograficosRechazados> {
        (!self.eliminado).then(|| DatosGeograficosRechazados {
            id: self.id,
            motivos: vec![motivo.to_owned()],
            eliminado: true,
            fecha: ahora,
        })
    }

    /// Eliminates the record (records the eliminating rejection).
    pub fn eliminar(&mut self, motivo: &str, ahora: DateTime<Utc>) {
        if let Some(eliminados) = self.decidir_eliminacion(motivo, ahora) {
            self.record(DatosGeograficosEvent::DatosGeograficosRechazados(
                eliminados,
            ));
        }
    }

    /// Whether a compensation took it out of the listings.
    pub fn eliminado(&self) -> bool {
        self.eliminado
    }

    fn record(&mut self, event: DatosGeograficosEvent) {
        self.apply(&event);
        self.events.record(event);
    }

    /// A record read back from storage.
    pub fn restore(
        id: EntityId,
        datos: Coordenadas,
        review: Review,
        eliminado: bool,
        fechas: (DateTime<Utc>, DateTime<Utc>),
        version: i64,
    ) -> Self {
        Self {
            id,
            datos,
            review,
            eliminado,
            fecha_creacion: fechas.0,
            fecha_actualizacion: fechas.1,
            version,
            events: EventBuffer::default(),
        }
    }

    pub fn id(&self) -> EntityId {
        self.id
    }

    pub fn datos(&self) -> &Coordenadas {
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

impl AggregateRoot for DatosGeograficos {
    type Event = DatosGeograficosEvent;

    fn aggregate_id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn take_events(&mut self) -> Vec<DatosGeograficosEvent> {
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
        EntityId::parse("id", "0192f3a0-0000-7000-8000-000000000002").unwrap()
    }

    fn creados(latitud: &str) -> DatosGeograficosEvent {
        DatosGeograficosEvent::DatosGeograficosCreados(DatosGeograficosCreados {
            id: id(),
            datos: Coordenadas::parse("Casa", latitud, "abc", "").unwrap(),
            fecha: now(),
        })
    }

    /// The record its history leaves, as a store would rebuild it.
    fn given(history: &[DatosGeograficosEvent]) -> DatosGeograficos {
        let DatosGeograficosEvent::DatosGeograficosCreados(first) = &history[0] else {
            panic!("a history starts with DatosGeograficosCreados");
        };
        let mut datos = DatosGeograficos::desde(first);
        for event in &history[1..] {
            datos.apply(event);
        }
        datos
    }

    const REVISION: Option<&str> = Some("el auditor reabrió: coordenadas verificadas");

    fn aprobados() -> DatosGeograficosEvent {
        DatosGeograficosEvent::DatosGeograficosAprobados(DatosGeograficosAprobados {
            id: id(),
            fecha: now(),
        })
    }

    fn rechazados(eliminado: bool) -> DatosGeograficosEvent {
        DatosGeograficosEvent::DatosGeograficosRechazados(DatosGeograficosRechazados {
            id: id(),
            motivos: vec!["latitud fuera_de_rango".into()],
            eliminado,
            fecha: now(),
        })
    }

    fn motivos() -> Motivos {
        Motivos::parse(&["latitud fuera_de_rango".into()]).unwrap()
    }

    #[test]
    fn out_of_range_and_non_numeric_coordinates_are_ingested_for_the_audit_to_judge() {
        let datos = Coordenadas::parse("Casa", "95", "abc", "").unwrap();
        let mut d = DatosGeograficos::registrar(id(), datos, now());
        assert_eq!(d.take_events(), vec![creados("95")]);
        assert_eq!(Coordenadas::decimal(&d.datos().latitud), Some(95.0));
        assert_eq!(Coordenadas::decimal(&d.datos().longitud), None);
    }

    #[test]
    fn given_creados_when_rechazar_then_rechazados_and_a_second_rejection_is_a_no_op() {
        let mut d = given(&[creados("4.6")]);
        let motivos = Motivos::parse(&["latitud fuera_de_rango".into()]).unwrap();
        d.rechazar(&motivos, None, now()).unwrap();
        let events = d.take_events();
        assert_eq!(events[0].name(), "DatosGeograficosRechazados");
        assert_eq!(d.decidir_rechazo(&motivos, None, now()), Ok(None));
        assert!(d.decidir_aprobacion(None, now()).is_err());
    }

    #[test]
    fn given_aprobados_when_rechazar_with_revision_then_rechazados() {
        let mut d = given(&[creados("4.6"), aprobados()]);
        d.rechazar(&motivos(), REVISION, now()).unwrap();
        assert_eq!(d.take_events(), vec![rechazados(false)]);
        assert_eq!(d.estado(), Estado::Rechazada);
        assert!(!d.eliminado());
    }

    #[test]
    fn given_aprobados_when_aprobar_with_revision_then_aprobados_again() {
        let mut d = given(&[creados("4.6"), aprobados()]);
        d.aprobar(REVISION, now()).unwrap();
        assert_eq!(d.take_events(), vec![aprobados()]);
        assert_eq!(d.estado(), Estado::Aprobada);
    }

    #[test]
    fn given_rechazados_when_aprobar_with_revision_then_aprobados() {
        let d = given(&[creados("4.6"), rechazados(false)]);
        assert_eq!(
            d.decidir_aprobacion(REVISION, now())
                .map(|e| e.map(DatosGeograficosEvent::DatosGeograficosAprobados)),
            Ok(Some(aprobados()))
        );
    }

    #[test]
    fn given_aprobados_when_rechazar_without_revision_then_still_refused() {
        let mut d = given(&[creados("4.6"), aprobados()]);
        assert_eq!(
            d.rechazar(&motivos(), None, now()),
            Err(ReviewError {
                from: Estado::Aprobada,
                action: "reject"
            })
        );
        assert!(d.take_events().is_empty());
        assert_eq!(d.estado(), Estado::Aprobada);
    }

    #[test]
    fn given_eliminados_when_revision_then_decided_as_without_one() {
        let d = given(&[creados("4.6"), rechazados(true)]);
        assert!(d.decidir_aprobacion(REVISION, now()).is_err());
        assert_eq!(d.decidir_rechazo(&motivos(), REVISION, now()), Ok(None));
    }
}
