use chrono::{DateTime, Duration, Utc};

use super::resultado::Resultado;
use super::{Auditoria, Decision, PoliticaDeReintentos, TipoEntidad};
use crate::seedwork::domain::EntityId;

/// Where a saga stands: waiting for the source context's reply, done, or
/// given up after its retries (visible, never silent). A registration
/// saga may also end compensated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstadoSaga {
    Pendiente,
    Completada,
    Compensada,
    Fallida,
}

crate::palabras!(
    EstadoSaga, campo = "estado",
    Pendiente => "pendiente",
    Completada => "completada",
    Compensada => "compensada",
    Fallida => "fallida",
);

/// The orchestrated saga of one audit: audit → send `AprobarX`/`RechazarX`
/// → wait for the matching event → done. A step without a reply by its
/// deadline is re-sent (same command id, so the receiver's inbox knows it)
/// until `max_intentos`, then the saga fails and says why.
#[derive(Debug, Clone, PartialEq)]
pub struct Saga {
    state: SagaSnapshot,
}

/// A saga's whole state as it is stored and read back (the saga log's
/// row); only the saga itself changes it.
#[derive(Debug, Clone, PartialEq)]
pub struct SagaSnapshot {
    pub id: EntityId,
    pub tipo_entidad: TipoEntidad,
    pub id_entidad: String,
    pub estado: EstadoSaga,
    pub decision: Decision,
    pub motivos: Vec<String>,
    pub id_comando: String,
    /// The conversation the audit belongs to, kept for re-sent commands.
    pub correlation_id: String,
    pub intentos: u32,
    pub proximo_intento: DateTime<Utc>,
    pub ultimo_error: Option<String>,
    pub fecha_creacion: DateTime<Utc>,
    pub fecha_actualizacion: DateTime<Utc>,
    pub version: i64,
    /// An auditor's re-decision of a reopened audit (their reason): the
    /// source context applies it whatever the record's estado.
    pub revision: Option<String>,
}

/// The decision a saga carries to one record.
#[derive(Debug, Clone, PartialEq)]
pub struct Orden {
    pub id: EntityId,
    pub tipo_entidad: TipoEntidad,
    pub id_entidad: String,
    pub decision: Decision,
    pub motivos: Vec<String>,
}

/// What the saga must do next after a timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reintento {
    /// Send the command again.
    Reenviar,
    /// Give up: the saga is now Fallida.
    Abandonar,
}

impl Saga {
    /// Starts the saga of a decided audit (the rules' verdict or an
    /// auditor's); its first command is sent now. A reopened audit's
    /// decision is a revision.
    pub fn iniciar(
        auditoria: &Auditoria,
        decision: Decision,
        id_comando: String,
        correlation_id: &str,
        timeout: Duration,
        ahora: DateTime<Utc>,
    ) -> Self {
        debug_assert_eq!(
            auditoria.decision(),
            Some(decision),
            "a decided audit's own"
        );
        // A person's decision is a saga of its own beside the rules' one.
        let id = match auditoria.snapshot().revisor {
            Some(_) => EntityId::new(),
            None => auditoria.id(),
        };
        let orden = Orden {
            id,
            tipo_entidad: auditoria.tipo_entidad(),
            id_entidad: auditoria.id_entidad().to_owned(),
            decision,
            motivos: auditoria.motivos(),
        };
        let mut saga = Self::decidir(orden, id_comando, correlation_id, timeout, ahora);
        if auditoria.reabierta() {
            saga.state.revision = Some(auditoria.motivo().unwrap_or_default().to_owned());
        }
        saga
    }

    /// Starts the saga of a decision taken elsewhere (a registration's:
    /// both parts approved, or both rejected).
    pub fn decidir(
        orden: Orden,
        id_comando: String,
        correlation_id: &str,
        timeout: Duration,
        ahora: DateTime<Utc>,
    ) -> Self {
        Self {
            state: SagaSnapshot {
                id: orden.id,
                tipo_entidad: orden.tipo_entidad,
                id_entidad: orden.id_entidad,
                estado: EstadoSaga::Pendiente,
                decision: orden.decision,
                motivos: orden.motivos,
                id_comando,
                correlation_id: correlation_id.to_owned(),
                intentos: 1,
                proximo_intento: ahora + timeout,
                ultimo_error: None,
                fecha_creacion: ahora,
                fecha_actualizacion: ahora,
                version: 0,
                revision: None,
            },
        }
    }

    /// A saga read back from the log.
    pub fn restore(state: SagaSnapshot) -> Self {
        Self { state }
    }

    /// Its state, to store.
    pub fn snapshot(&self) -> &SagaSnapshot {
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

    pub fn estado(&self) -> EstadoSaga {
        self.state.estado
    }

    pub fn decision(&self) -> Decision {
        self.state.decision
    }

    pub fn motivos(&self) -> &[String] {
        &self.state.motivos
    }

    /// An auditor's re-decision (their reason), applied by the source
    /// whatever the record's estado.
    pub fn revision(&self) -> Option<&str> {
        self.state.revision.as_deref()
    }

    /// The command it sends, the same id on every re-send.
    pub fn id_comando(&self) -> &str {
        &self.state.id_comando
    }

    pub fn correlation_id(&self) -> &str {
        &self.state.correlation_id
    }

    pub fn intentos(&self) -> u32 {
        self.state.intentos
    }

    pub fn ultimo_error(&self) -> Option<&str> {
        self.state.ultimo_error.as_deref()
    }

    /// The source context reported the record's final state: the decision
    /// this saga carries completes it; another one (taken there directly,
    /// or one that reached it first) fails it, saying so. A saga that gave
    /// up waiting completes on a late matching reply.
    pub fn completar(&mut self, estado_final: Resultado, ahora: DateTime<Utc>) -> bool {
        let s = &mut self.state;
        if s.estado == EstadoSaga::Completada {
            return false;
        }
        let expected = match s.decision {
            Decision::Aprobar => Resultado::Aprobada,
            Decision::Rechazar => Resultado::Rechazada,
        };
        if estado_final == expected {
            s.estado = EstadoSaga::Completada;
            s.ultimo_error = None;
        } else if s.estado == EstadoSaga::Pendiente {
            s.estado = EstadoSaga::Fallida;
            s.ultimo_error = Some(format!(
                "the record was decided {estado_final} in the {} context before this saga's decision ({}) reached it",
                s.tipo_entidad,
                s.decision.as_str()
            ));
        } else {
            return false;
        }
        s.fecha_actualizacion = ahora;
        true
    }

    /// The source context refused this saga's command (`ComandoRechazado`
    /// answering `id_comando`): the saga fails at once with its reason
    /// instead of re-sending until it gives up. A reply to another command
    /// (an earlier saga's) is not this saga's.
    pub fn rechazar(&mut self, id_comando: &str, motivo: &str, ahora: DateTime<Utc>) -> bool {
        let s = &mut self.state;
        if s.estado != EstadoSaga::Pendiente || s.id_comando != id_comando {
            return false;
        }
        s.estado = EstadoSaga::Fallida;
        s.ultimo_error = Some(format!(
            "the {} context refused to {}: {motivo}",
            s.tipo_entidad,
            s.decision.as_str()
        ));
        s.fecha_actualizacion = ahora;
        true
    }

    /// No reply by the deadline: re-send, or give up once `politica` is
    /// spent.
    pub fn vencer(&mut self, politica: &PoliticaDeReintentos, ahora: DateTime<Utc>) -> Reintento {
        let s = &mut self.state;
        s.fecha_actualizacion = ahora;
        if politica.agotada(s.intentos) {
            s.estado = EstadoSaga::Fallida;
            s.ultimo_error = Some(format!(
                "no reply from the {} context after {} attempts",
                s.tipo_entidad, s.intentos
            ));
            return Reintento::Abandonar;
        }
        s.intentos += 1;
        s.proximo_intento = politica.plazo(ahora, s.intentos);
        s.ultimo_error = Some(format!("no reply before attempt {}", s.intentos));
        Reintento::Reenviar
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saga(resultado_ok: bool) -> Saga {
        let campos = move |c: &str| -> Option<String> {
            Some(if c == "email" && !resultado_ok {
                String::new()
            } else {
                "a@b.co".into()
            })
        };
        let a = Auditoria::realizar(
            EntityId::new(),
            TipoEntidad::Compania,
            "c-1",
            &campos,
            &|_, _| true,
            &crate::auditoria::domain::ReglasRevision::por_defecto(),
            Utc::now(),
        );
        Saga::iniciar(
            &a,
            a.decision().expect("a decided audit"),
            "cmd-1".into(),
            "corr-1",
            Duration::seconds(10),
            Utc::now(),
        )
    }

    #[test]
    fn a_rejection_saga_carries_the_reasons() {
        let s = saga(false);
        assert_eq!(s.decision(), Decision::Rechazar);
        assert_eq!(s.motivos(), ["email faltante".to_owned()]);
        assert_eq!(s.estado(), EstadoSaga::Pendiente);
    }

    #[test]
    fn timeouts_resend_then_fail_visibly() {
        let mut s = saga(true);
        assert_eq!(
            s.vencer(
                &PoliticaDeReintentos {
                    timeout: Duration::seconds(1),
                    max_intentos: 3
                },
                Utc::now()
            ),
            Reintento::Reenviar
        );
        assert_eq!(
            s.vencer(
                &PoliticaDeReintentos {
                    timeout: Duration::seconds(1),
                    max_intentos: 3
                },
                Utc::now()
            ),
            Reintento::Reenviar
        );
        assert_eq!(
            s.vencer(
                &PoliticaDeReintentos {
                    timeout: Duration::seconds(1),
                    max_intentos: 3
                },
                Utc::now()
            ),
            Reintento::Abandonar
        );
        assert_eq!(s.estado(), EstadoSaga::Fallida);
        assert!(s.ultimo_error().is_some_and(|e| e.contains("3 attempts")));
    }

    #[test]
    fn another_decision_fails_the_saga_visibly_and_a_late_match_completes_it() {
        let mut s = saga(false);
        assert!(s.completar(Resultado::Aprobada, Utc::now()));
        assert_eq!(s.estado(), EstadoSaga::Fallida);
        assert!(
            s.ultimo_error()
                .is_some_and(|e| e.contains("decided Aprobada"))
        );
        assert!(s.completar(Resultado::Rechazada, Utc::now()));
        assert_eq!(s.estado(), EstadoSaga::Completada);
        assert_eq!(s.ultimo_error(), None);
    }

    #[test]
    fn a_refusal_of_its_own_command_fails_the_saga_at_once() {
        let mut s = saga(false);
        assert!(!s.rechazar("another-command", "no", Utc::now()));
        assert_eq!(s.estado(), EstadoSaga::Pendiente);
        assert!(s.rechazar(
            "cmd-1",
            "cannot reject a record that is Aprobada",
            Utc::now()
        ));
        assert_eq!(s.estado(), EstadoSaga::Fallida);
        assert!(
            s.ultimo_error()
                .is_some_and(|e| e.contains("refused to rechazar"))
        );
        assert!(!s.rechazar("cmd-1", "again", Utc::now()));
    }

    #[test]
    fn completing_twice_is_a_no_op() {
        let mut s = saga(true);
        assert!(s.completar(Resultado::Aprobada, Utc::now()));
        assert!(!s.completar(Resultado::Aprobada, Utc::now()));
        assert_eq!(s.ultimo_error(), None);
    }
}
