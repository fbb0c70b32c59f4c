use chrono::{DateTime, Utc};
use thiserror::Error;

use super::resultado::Resultado;
use super::{Decision, Hallazgo, ReglasRevision, TipoEntidad, auditar};
use crate::seedwork::domain::{AggregateRoot, EntityId, EventBuffer};

/// An audit reached a verdict: the rules' (motivo and revisor empty), or
/// an auditor's decision or reopening (with both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditoriaCompletada {
    pub id: EntityId,
    pub tipo_entidad: TipoEntidad,
    pub id_entidad: String,
    pub resultado: Resultado,
    pub hallazgos: Vec<Hallazgo>,
    pub fecha: DateTime<Utc>,
    pub motivo: Option<String>,
    pub revisor: Option<String>,
}

/// What an auditor asked that the audit's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TransicionAuditoria {
    #[error("the audit is {0}: only an audit EnRevision can be approved or rejected by hand")]
    NoEnRevision(Resultado),
    #[error("the audit is {0}: only a decided audit (Aprobada or Rechazada) can be reopened")]
    NoDecidida(Resultado),
}

/// An audit's state as stored (the audit log's row).
#[derive(Debug, Clone, PartialEq)]
pub struct AuditoriaRestaurada {
    pub id: EntityId,
    pub tipo_entidad: TipoEntidad,
    pub id_entidad: String,
    pub resultado: Resultado,
    pub hallazgos: Vec<Hallazgo>,
    pub fecha: DateTime<Utc>,
    pub motivo: Option<String>,
    pub revisor: Option<String>,
    pub reabierta: bool,
    pub version: i64,
}

/// The audit of one record: its findings, the verdict they imply, and
/// what auditors did with it since.
#[derive(Debug, Clone, PartialEq)]
pub struct Auditoria {
    state: AuditoriaRestaurada,
    events: EventBuffer<AuditoriaCompletada>,
}

impl Auditoria {
    /// Audits a record's fields (and whether what they refer to is
    /// `conocida`): no finding → Aprobada; only findings the review table
    /// names → EnRevision; else Rechazada.
    pub fn realizar(
        id: EntityId,
        tipo_entidad: TipoEntidad,
        id_entidad: &str,
        campo: &dyn Fn(&str) -> Option<String>,
        conocida: &dyn Fn(&str, &str) -> bool,
        revision: &ReglasRevision,
        ahora: DateTime<Utc>,
    ) -> Self {
        let hallazgos = auditar(tipo_entidad, campo, conocida);
        let resultado = revision.veredicto(&hallazgos);
        let completada = AuditoriaCompletada {
            id,
            tipo_entidad,
            id_entidad: id_entidad.to_owned(),
            resultado,
            hallazgos,
            fecha: ahora,
            motivo: None,
            revisor: None,
        };
        let mut auditoria = Self::restore(AuditoriaRestaurada {
            id,
            tipo_entidad,
            id_entidad: id_entidad.to_owned(),
            resultado,
            hallazgos: Vec::new(),
            fecha: ahora,
            motivo: None,
            revisor: None,
            reabierta: false,
            version: 0,
        });
        auditoria.record(completada);
        auditoria
    }

    /// An audit read back from its log.
    pub fn restore(state: AuditoriaRestaurada) -> Self {
        Self {
            state,
            events: EventBuffer::default(),
        }
    }

    fn completada(
        &self,
        resultado: Resultado,
        motivo: &str,
        revisor: &str,
        ahora: DateTime<Utc>,
    ) -> AuditoriaCompletada {
        AuditoriaCompletada {
            id: self.state.id,
            tipo_entidad: self.state.tipo_entidad,
            id_entidad: self.state.id_entidad.clone(),
            resultado,
            hallazgos: self.state.hallazgos.clone(),
            fecha: ahora,
            motivo: Some(motivo.to_owned()),
            revisor: Some(revisor.to_owned()),
        }
    }

    /// An auditor decides an audit EnRevision.
    pub fn decidir_revision(
        &self,
        decision: Decision,
        motivo: &str,
        revisor: &str,
        ahora: DateTime<Utc>,
    ) -> Result<AuditoriaCompletada, TransicionAuditoria> {
        if self.state.resultado != Resultado::EnRevision {
            return Err(TransicionAuditoria::NoEnRevision(self.state.resultado));
        }
        let resultado = match decision {
            Decision::Aprobar => Resultado::Aprobada,
            Decision::Rechazar => Resultado::Rechazada,
        };
        Ok(self.completada(resultado, motivo, revisor, ahora))
    }

    /// An auditor takes a decided audit back to review.
    pub fn decidir_reapertura(
        &self,
        motivo: &str,
        revisor: &str,
        ahora: DateTime<Utc>,
    ) -> Result<AuditoriaCompletada, TransicionAuditoria> {
        match self.state.resultado {
            Resultado::Aprobada | Resultado::Rechazada => {
                Ok(self.completada(Resultado::EnRevision, motivo, revisor, ahora))
            }
            other => Err(TransicionAuditoria::NoDecidida(other)),
        }
    }

    /// Decides and records an auditor's decision.
    pub fn revisar(
        &mut self,
        decision: Decision,
        motivo: &str,
        revisor: &str,
        ahora: DateTime<Utc>,
    ) -> Result<(), TransicionAuditoria> {
        let event = self.decidir_revision(decision, motivo, revisor, ahora)?;
        self.record(event);
        Ok(())
    }

    /// Decides and records a reopening.
    pub fn reabrir(
        &mut self,
        motivo: &str,
        revisor: &str,
        ahora: DateTime<Utc>,
    ) -> Result<(), TransicionAuditoria> {
        let event = self.decidir_reapertura(motivo, revisor, ahora)?;
        self.record(event);
        Ok(())
    }

    /// The source context decided the record itself (through its own
    /// API, or a decision that reached it before this audit's): the record's
    /// estado lives there, so the audit takes that decision, saying where
    /// it came from, instead of keeping a second truth. `false` when they
    /// already agree, or when a person reopened the audit: it waits for
    /// their decision.
    pub fn seguir_origen(&mut self, decidido: Resultado, ahora: DateTime<Utc>) -> bool {
        let reabierta = self.state.resultado == Resultado::EnRevision && self.state.reabierta;
        if self.state.resultado == decidido || decidido == Resultado::EnRevision || reabierta {
            return false;
        }
        let event = AuditoriaCompletada {
            id: self.state.id,
            tipo_entidad: self.state.tipo_entidad,
            id_entidad: self.state.id_entidad.clone(),
            resultado: decidido,
            hallazgos: self.state.hallazgos.clone(),
            fecha: ahora,
            motivo: Some(format!(
                "decidida en el contexto de origen ({})",
                self.state.tipo_entidad
            )),
            revisor: None,
        };
        self.record(event);
        true
    }

    /// What a verdict does to the audit: a reopening marks it reopened
    /// (its source record already carries a decision).
    pub fn apply(&mut self, event: &AuditoriaCompletada) {
        let s = &mut self.state;
        if event.resultado == Resultado::EnRevision && s.resultado != Resultado::EnRevision {
            s.reabierta = s.reabierta || event.revisor.is_some();
        }
        s.resultado = event.resultado;
        s.hallazgos = event.hallazgos.clone();
        s.fecha = event.fecha;
        s.motivo = event.motivo.clone();
        s.revisor = event.revisor.clone();
    }

    fn record(&mut self, event: AuditoriaCompletada) {
        self.apply(&event);
        self.events.record(event);
    }

    pub fn snapshot(&self) -> &AuditoriaRestaurada {
        &self.state
    }

    pub fn id(&self) -> EntityId {
        self.state.id
    }

    pub fn tipo_entidad(&self) -> TipoEntidad {
        self.state.tipo_entidad
    }

    pub fn id_entidad(&self) -> &str {
        &self.state.id_entidad
    }

    pub fn resultado(&self) -> Resultado {
        self.state.resultado
    }

    /// What its result asks of the source context: approve or reject it,
    /// or nothing yet while a person reviews it.
    pub fn decision(&self) -> Option<Decision> {
        match self.state.resultado {
            Resultado::Aprobada => Some(Decision::Aprobar),
            Resultado::Rechazada => Some(Decision::Rechazar),
            Resultado::EnRevision => None,
        }
    }

    pub fn hallazgos(&self) -> &[Hallazgo] {
        &self.state.hallazgos
    }

    pub fn fecha(&self) -> DateTime<Utc> {
        self.state.fecha
    }

    /// Whether an auditor reopened it: its source record has a decision
    /// already, so the next one is a revision.
    pub fn reabierta(&self) -> bool {
        self.state.reabierta
    }

    /// The auditor's reason, when a person decided.
    pub fn motivo(&self) -> Option<&str> {
        self.state.motivo.as_deref()
    }

    /// The reasons a rejection carries: the auditor's, or the findings.
    /// (An audit that followed its source's decision carries a motivo and
    /// no revisor; it sends no command.)
    pub fn motivos(&self) -> Vec<String> {
        match &self.state.motivo {
            Some(m) => vec![m.clone()],
            None => self.state.hallazgos.iter().map(Hallazgo::motivo).collect(),
        }
    }
}

impl AggregateRoot for Auditoria {
    type Event = AuditoriaCompletada;

    fn aggregate_id(&self) -> String {
        self.state.id.to_string()
    }

    fn version(&self) -> i64 {
        self.state.version
    }

    fn take_events(&mut self) -> Vec<AuditoriaCompletada> {
        self.events.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auditoria::domain::Problema;

    fn given_audit(email: &str) -> Auditoria {
        let mut a = Auditoria::realizar(
            EntityId::new(),
            TipoEntidad::Compania,
            "c-1",
            &|c| Some(if c == "email" { email } else { "x" }.to_owned()),
            &|_, _| true,
            &ReglasRevision::por_defecto(),
            Utc::now(),
        );
        a.take_events();
        a
    }

    #[test]
    fn a_malformed_email_goes_to_review_and_a_missing_one_is_rejected() {
        assert_eq!(
            given_audit("ventas.andes").resultado(),
            Resultado::EnRevision
        );
        assert_eq!(given_audit("").resultado(), Resultado::Rechazada);
        assert_eq!(given_audit("v@andes.co").resultado(), Resultado::Aprobada);
    }

    #[test]
    fn an_auditor_decides_an_audit_en_revision_with_a_reason() {
        let a = given_audit("ventas.andes");
        let event = a
            .decidir_revision(
                Decision::Aprobar,
                "dominio interno válido",
                "ana",
                Utc::now(),
            )
            .unwrap();
        assert_eq!(event.resultado, Resultado::Aprobada);
        assert_eq!(event.motivo.as_deref(), Some("dominio interno válido"));
        assert_eq!(event.revisor.as_deref(), Some("ana"));
        assert_eq!(event.hallazgos[0].problema, Problema::FormatoInvalido);
    }

    #[test]
    fn a_decided_audit_cannot_be_decided_by_hand_but_can_be_reopened() {
        let mut a = given_audit("");
        assert_eq!(
            a.decidir_revision(Decision::Aprobar, "m", "ana", Utc::now()),
            Err(TransicionAuditoria::NoEnRevision(Resultado::Rechazada))
        );
        a.reabrir("el email llegó por otro canal", "ana", Utc::now())
            .unwrap();
        assert_eq!(a.resultado(), Resultado::EnRevision);
        assert!(a.reabierta());
        let events = a.take_events();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].resultado, Resultado::EnRevision);
        a.revisar(Decision::Aprobar, "verificado", "ana", Utc::now())
            .unwrap();
        assert_eq!(a.resultado(), Resultado::Aprobada);
        assert_eq!(a.motivos(), vec!["verificado".to_owned()]);
    }

    #[test]
    fn an_audit_en_revision_cannot_be_reopened() {
        let a = given_audit("ventas.andes");
        assert_eq!(
            a.decidir_reapertura("m", "ana", Utc::now()),
            Err(TransicionAuditoria::NoDecidida(Resultado::EnRevision))
        );
    }
}
