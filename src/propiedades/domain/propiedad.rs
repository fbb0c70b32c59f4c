use chrono::{DateTime, Utc};

use super::{
    CreacionPropiedadFallida, DatosPropiedad, PropiedadAprobada, PropiedadCreada,
    PropiedadEliminada, PropiedadEvent, PropiedadRechazada,
};
use crate::seedwork::domain::{
    AggregateRoot, EntityId, Estado, EventBuffer, Motivos, Review, ReviewError, Transition,
};

/// A property's cadastral record as registered: Pendiente until the audit
/// (or an auditor) approves or rejects it. Only a Pendiente property can be
/// decided; repeating a decision is a no-op that records nothing. A
/// revision (an auditor re-deciding an audit they reopened) is the
/// exception: it applies whatever the estado and always records its event,
/// unless the property is eliminated. A saga's compensation eliminates it:
/// rejected with the cause, out of the listings.
#[derive(Debug, Clone, PartialEq)]
pub struct Propiedad {
    id: EntityId,
    datos: DatosPropiedad,
    review: Review,
    eliminada: bool,
    fecha_creacion: DateTime<Utc>,
    fecha_actualizacion: DateTime<Utc>,
    version: i64,
    events: EventBuffer<PropiedadEvent>,
}

impl Propiedad {
    /// Decides a registration: the event that creates the record.
    pub fn decidir_registro(
        id: EntityId,
        datos: DatosPropiedad,
        ahora: DateTime<Utc>,
    ) -> PropiedadCreada {
        PropiedadCreada {
            id,
            datos,
            fecha: ahora,
        }
    }

    /// The record its creation event describes (the first apply).
    pub fn desde(creada: &PropiedadCreada) -> Self {
        Self {
            id: creada.id,
            datos: creada.datos.clone(),
            review: Review::default(),
            eliminada: false,
            fecha_creacion: creada.fecha,
            fecha_actualizacion: creada.fecha,
            version: 0,
            events: EventBuffer::default(),
        }
    }

    /// Registers a record and records `PropiedadCreada`.
    pub fn registrar(id: EntityId, datos: DatosPropiedad, ahora: DateTime<Utc>) -> Self {
        let creada = Self::decidir_registro(id, datos, ahora);
        let mut datos = Self::desde(&creada);
        datos.events.record(PropiedadEvent::PropiedadCreada(creada));
        datos
    }

    /// Decides an approval: `PropiedadAprobada`, nothing when already
    /// approved, or the refusal of a rejected record. With a `motivo_revision` (the
    /// auditor's reason for re-deciding), `PropiedadAprobada` whatever the
    /// estado, even when already approved; an eliminated property is decided
    /// as without one.
    pub fn decidir_aprobacion(
        &self,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<Option<PropiedadAprobada>, ReviewError> {
        let registra = self.revisa(motivo_revision)
            || self.review.decidir_aprobacion()? == Transition::Changed;
        Ok(registra.then_some(PropiedadAprobada {
            id: self.id,
            fecha: ahora,
        }))
    }

    /// Decides a rejection: `PropiedadRechazada` with the reasons, nothing
    /// when already rejected, or the refusal of an approved record. With a
    /// `motivo_revision`, `PropiedadRechazada` whatever the estado, even when
    /// already rejected; an eliminated property is decided as without one.
    pub fn decidir_rechazo(
        &self,
        motivos: &Motivos,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<Option<PropiedadRechazada>, ReviewError> {
        let registra =
            self.revisa(motivo_revision) || self.review.decidir_rechazo()? == Transition::Changed;
        Ok(registra.then(|| PropiedadRechazada {
            id: self.id,
            motivos: motivos.as_slice().to_vec(),
            fecha: ahora,
        }))
    }

    /// Whether a decision is a revision that applies: one is asked for and
    /// the property is not eliminated (a compensation is final).
    fn revisa(&self, motivo_revision: Option<&str>) -> bool {
        motivo_revision.is_some() && !self.eliminada
    }

    /// Approves a Pendiente record, or any live record on a `motivo_revision`
    /// (records `PropiedadAprobada`).
    pub fn aprobar(
        &mut self,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<(), ReviewError> {
        if let Some(aprobada) = self.decidir_aprobacion(motivo_revision, ahora)? {
            self.record(PropiedadEvent::PropiedadAprobada(aprobada));
        }
        Ok(())
    }

    /// Rejects a Pendiente record, or any live record on a `motivo_revision`
    /// (records `PropiedadRechazada`).
    pub fn rechazar(
        &mut self,
        motivos: &Motivos,
        motivo_revision: Option<&str>,
        ahora: DateTime<Utc>,
    ) -> Result<(), ReviewError> {
        if let Some(rechazada) = self.decidir_rechazo(motivos, motivo_revision, ahora)? {
            self.record(PropiedadEvent::PropiedadRechazada(rechazada));
        }
        Ok(())
    }

    /// What an event does to the record.
    pub fn apply(&mut self, event: &PropiedadEvent) {
        match event {
            PropiedadEvent::PropiedadCreada(creada) => *self = Self::desde(creada),
            PropiedadEvent::PropiedadAprobada(aprobada) => {
                self.review = Review::aprobada();
                self.fecha_actualizacion = aprobada.fecha;
            }
            PropiedadEvent::PropiedadRechazada(rechazada) => {
                self.review = Review::rechazada(rechazada.motivos.clone());
                self.fecha_actualizacion = rechazada.fecha;
            }
            PropiedadEvent::PropiedadEliminada(eliminada) => {
                if self.estado() != Estado::Rechazada {
                    self.review = Review::rechazada(vec![eliminada.motivo.clone()]);
                }
                self.eliminada = true;
                self.fecha_actualizacion = eliminada.fecha;
            }
            // Describes a registration that never existed: no state.
            PropiedadEvent::CreacionPropiedadFallida(_) => {}
        }
    }

    /// Decides a compensation: `PropiedadEliminada`, or nothing when it is
    /// already eliminated. Any estado may be compensated.
    pub fn decidir_eliminacion(
        &self,
        motivo: &str,
        ahora: DateTime<Utc>,
    ) -> Option<PropiedadEliminada> {
        (!self.eliminada).then(|| PropiedadEliminada {
            id: self.id,
            motivo: motivo.to_owned(),
            fecha: ahora,
        })
    }

    /// Eliminates the property (records `PropiedadEliminada`).
    pub fn eliminar(&mut self, motivo: &str, ahora: DateTime<Utc>) {
        if let Some(eliminada) = self.decidir_eliminacion(motivo, ahora) {
            self.record(PropiedadEvent::PropiedadEliminada(eliminada));
        }
    }

    /// Decides a registration that cannot be: its cadastral id is taken.
    pub fn decidir_registro_fallido(
        id: EntityId,
        datos: &DatosPropiedad,
        ahora: DateTime<Utc>,
    ) -> CreacionPropiedadFallida {
        CreacionPropiedadFallida {
            id,
            identificacion_catastral: datos.identificacion_catastral.to_string(),
            motivo: format!(
                "identificacion_catastral {} ya registrada",
                datos.identificacion_catastral
            ),
            fecha: ahora,
        }
    }

    /// Whether a compensation took it out of the listings.
    pub fn eliminada(&self) -> bool {
        self.eliminada
    }

    fn record(&mut self, event: PropiedadEvent) {
        self.apply(&event);
        self.events.record(event);
    }

    /// A record read back from storage.
    pub fn restore(
        id: EntityId,
        datos: DatosPropiedad,
        review: Review,
        eliminada: bool,
        fechas: (DateTime<Utc>, DateTime<Utc>),
        version: i64,
    ) -> Self {
        Self {
            id,
            datos,
            review,
            eliminada,
            fecha_creacion: fechas.0,
            fecha_actualizacion: fechas.1,
            version,
            events: EventBuffer::default(),
        }
    }

    pub fn id(&self) -> EntityId {
        self.id
    }

    pub fn datos(&self) -> &DatosPropiedad {
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

impl AggregateRoot for Propiedad {
    type Event = PropiedadEvent;

    fn aggregate_id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn take_events(&mut self) -> Vec<PropiedadEvent> {
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
        EntityId::parse("id", "0192f3a0-0000-7000-8000-000000000003").unwrap()
    }

    fn creada() -> PropiedadEvent {
        PropiedadEvent::PropiedadCreada(PropiedadCreada {
            id: id(),
            datos: DatosPropiedad::parse("Lote 7", "CAT-1", "900123").unwrap(),
            fecha: now(),
        })
    }

    fn given(history: &[PropiedadEvent]) -> Propiedad {
        let PropiedadEvent::PropiedadCreada(first) = &history[0] else {
            panic!("a history starts with PropiedadCreada");
        };
        let mut p = Propiedad::desde(first);
        for event in &history[1..] {
            p.apply(event);
        }
        p
    }

    const REVISION: Option<&str> = Some("el auditor reabrió: nit verificado");

    fn aprobada() -> PropiedadEvent {
        PropiedadEvent::PropiedadAprobada(PropiedadAprobada {
            id: id(),
            fecha: now(),
        })
    }

    fn rechazada() -> PropiedadEvent {
        PropiedadEvent::PropiedadRechazada(PropiedadRechazada {
            id: id(),
            motivos: vec!["nit desconocido".into()],
            fecha: now(),
        })
    }

    fn motivos() -> Motivos {
        Motivos::parse(&["nit desconocido".into()]).unwrap()
    }

    #[test]
    fn given_creada_when_eliminar_then_eliminada_rejected_with_the_cause_once() {
        let mut p = given(&[creada()]);
        p.eliminar("datos geográficos: latitud fuera_de_rango", now());
        let events = p.take_events();
        assert_eq!(events[0].name(), "PropiedadEliminada");
        assert!(p.eliminada());
        assert_eq!(p.estado(), Estado::Rechazada);
        assert_eq!(
            p.motivos_rechazo(),
            ["datos geográficos: latitud fuera_de_rango"]
        );
        assert_eq!(p.decidir_eliminacion("otra vez", now()), None);
    }

    #[test]
    fn given_rechazada_when_aprobar_then_refused() {
        let p = given(&[creada(), rechazada()]);
        assert!(p.decidir_aprobacion(None, now()).is_err());
    }

    #[test]
    fn a_taken_cadastral_id_is_a_failed_registration_naming_it() {
        let datos = DatosPropiedad::parse("Lote", "CAT-9", "1").unwrap();
        let fallida = Propiedad::decidir_registro_fallido(id(), &datos, now());
        assert!(fallida.motivo.contains("CAT-9"));
    }

    #[test]
    fn given_aprobada_when_rechazar_with_revision_then_propiedad_rechazada() {
        let mut p = given(&[creada(), aprobada()]);
        p.rechazar(&motivos(), REVISION, now()).unwrap();
        assert_eq!(p.take_events(), vec![rechazada()]);
        assert_eq!(p.estado(), Estado::Rechazada);
        assert_eq!(p.motivos_rechazo(), ["nit desconocido"]);
    }

    #[test]
    fn given_aprobada_when_aprobar_with_revision_then_propiedad_aprobada_again() {
        let mut p = given(&[creada(), aprobada()]);
        p.aprobar(REVISION, now()).unwrap();
        assert_eq!(p.take_events(), vec![aprobada()]);
        assert_eq!(p.estado(), Estado::Aprobada);
    }

    #[test]
    fn given_rechazada_when_aprobar_with_revision_then_propiedad_aprobada() {
        let p = given(&[creada(), rechazada()]);
        assert_eq!(
            p.decidir_aprobacion(REVISION, now())
                .map(|e| e.map(PropiedadEvent::PropiedadAprobada)),
            Ok(Some(aprobada()))
        );
    }

    #[test]
    fn given_aprobada_when_rechazar_without_revision_then_still_refused() {
        let mut p = given(&[creada(), aprobada()]);
        assert_eq!(
            p.rechazar(&motivos(), None, now()),
            Err(ReviewError {
                from: Estado::Aprobada,
                action: "reject"
            })
        );
        assert!(p.take_events().is_empty());
        assert_eq!(p.estado(), Estado::Aprobada);
    }

    #[test]
    fn given_eliminada_when_revision_then_decided_as_without_one() {
        let eliminada = PropiedadEvent::PropiedadEliminada(PropiedadEliminada {
            id: id(),
            motivo: "datos geográficos: latitud fuera_de_rango".into(),
            fecha: now(),
        });
        let p = given(&[creada(), eliminada]);
        assert!(p.decidir_aprobacion(REVISION, now()).is_err());
        assert_eq!(p.decidir_rechazo(&motivos(), REVISION, now()), Ok(None));
    }
}
