use std::sync::Arc;

use async_trait::async_trait;
use serde::Deserialize;
use tokio::sync::broadcast;

use super::SqlProyecciones;
use super::escrituras::{Anotacion, ComandoTerminado, Decidido, Escritura, campos};
use crate::bff_web::application::{
    AuditoriaVista, Cambio, PasoVista, RegistroPropiedadVista, RegistroVista, Suceso, TipoRegistro,
};
use crate::bff_web::domain::{Decision, EstadoComando, EstadoRegistro, EtapaRegistro};
use crate::contracts::{topics, types};
use crate::seedwork::application::{HandleError, Message, TransactionalHandler};
use crate::seedwork::infrastructure::avro::{AvroCodec, Decoded};
use crate::seedwork::infrastructure::{SqlUnitOfWork, is_dead_letter_topic};

/// What the projector reads from each registered-record event topic.
struct FuenteDeRegistros {
    tipo: TipoRegistro,
    topic: &'static str,
    id_field: &'static str,
    creado: &'static str,
    aprobado: &'static str,
    rechazado: &'static str,
    /// A saga's compensation took the record away (for geographic data, a
    /// `rechazado` event marked `eliminado`).
    eliminado: Option<&'static str>,
    campos: &'static [&'static str],
}

const FUENTES: [FuenteDeRegistros; 3] = [
    FuenteDeRegistros {
        tipo: TipoRegistro::Compania,
        topic: topics::EVENTOS_COMPANIAS,
        id_field: "id_compania",
        creado: types::COMPANIA_CREADA,
        aprobado: types::COMPANIA_APROBADA,
        rechazado: types::COMPANIA_RECHAZADA,
        eliminado: None,
        campos: &["nombre", "email", "identificacion", "pais", "telefono"],
    },
    FuenteDeRegistros {
        tipo: TipoRegistro::DatosGeograficos,
        topic: topics::EVENTOS_GEOGRAFICOS,
        id_field: "id_datos_geograficos",
        creado: types::DATOS_GEOGRAFICOS_CREADOS,
        aprobado: types::DATOS_GEOGRAFICOS_APROBADOS,
        rechazado: types::DATOS_GEOGRAFICOS_RECHAZADOS,
        eliminado: None,
        campos: &["nombre_propiedad", "latitud", "longitud", "direccion"],
    },
    FuenteDeRegistros {
        tipo: TipoRegistro::Propiedad,
        topic: topics::EVENTOS_PROPIEDADES,
        id_field: "id_propiedad",
        creado: types::PROPIEDAD_CREADA,
        aprobado: types::PROPIEDAD_APROBADA,
        rechazado: types::PROPIEDAD_RECHAZADA,
        eliminado: Some(types::PROPIEDAD_ELIMINADA),
        campos: &["nombre", "identificacion_catastral", "nit"],
    },
];

/// The topics the projector consumes.
pub const TOPICS: [&str; 11] = [
    topics::EVENTOS_COMPANIAS,
    topics::EVENTOS_GEOGRAFICOS,
    topics::EVENTOS_PROPIEDADES,
    topics::EVENTOS_AUDITORIA,
    topics::EVENTOS_REGISTROS,
    topics::DLQ_COMANDOS_COMPANIAS,
    topics::DLQ_COMANDOS_GEOGRAFICOS,
    topics::DLQ_COMANDOS_PROPIEDADES,
    topics::DLQ_COMANDOS_AUDITORIA,
    topics::DLQ_COMANDOS_REVISIONES,
    topics::RECHAZOS_COMANDOS,
];

#[derive(Deserialize)]
struct RegistroData {
    id_propiedad: String,
    id_datos_geograficos: String,
    estado: String,
    paso: String,
    motivo: Option<String>,
    pasos: Vec<PasoVista>,
    fecha: i64,
}

#[derive(Deserialize)]
struct HallazgoData {
    campo: String,
    problema: String,
}

#[derive(Deserialize)]
struct AuditoriaData {
    id_auditoria: String,
    tipo_entidad: String,
    id_entidad: String,
    resultado: String,
    hallazgos: Vec<HallazgoData>,
    fecha: i64,
    /// v3: an auditor's reason and name.
    #[serde(default)]
    motivo: Option<String>,
    #[serde(default)]
    revisor: Option<String>,
}

impl AuditoriaData {
    fn vista(self) -> AuditoriaVista {
        AuditoriaVista {
            id: self.id_auditoria,
            tipo_entidad: self.tipo_entidad,
            id_entidad: self.id_entidad,
            resultado: self.resultado,
            hallazgos: self
                .hallazgos
                .into_iter()
                .map(|h| (h.campo, h.problema))
                .collect(),
            fecha: self.fecha,
            motivo: self.motivo,
            revisor: self.revisor,
        }
    }
}

/// An audit in the record's history: its verdict, its findings, and who
/// decided it and why when a person did.
fn detalle_de_auditoria(vista: &AuditoriaVista) -> String {
    let hallazgos: Vec<String> = vista
        .hallazgos
        .iter()
        .map(|(c, p)| format!("{c} {p}"))
        .collect();
    let mut detalle = if hallazgos.is_empty() {
        vista.resultado.clone()
    } else {
        format!("{}: {}", vista.resultado, hallazgos.join(", "))
    };
    if let (Some(revisor), Some(motivo)) = (&vista.revisor, &vista.motivo) {
        detalle = format!("{detalle} — {revisor}: «{motivo}»");
    }
    detalle
}

/// Keeps the BFF's projections from integration events, idempotently (the
/// inbox `InTransactions` claims), and announces each change to the
/// subscriptions after commit.
pub struct Projector {
    store: SqlProyecciones,
    codec: Arc<AvroCodec>,
    cambios: broadcast::Sender<Cambio>,
}

/// What one event did: the changes announced after the commit, and its
/// line in the record's history.
pub struct Proyectado {
    cambios: Vec<Cambio>,
    anotacion: Option<Anotacion>,
    /// A command of ours it ended (written with the run's others).
    terminado: Option<ComandoTerminado>,
    /// What it writes to the projection at the end of the run, with the
    /// run's other writes of its kind (one statement per kind).
    escritura: Option<Escritura>,
}

impl Proyectado {
    fn sin_historia(cambios: Vec<Cambio>) -> Self {
        Self {
            cambios,
            anotacion: None,
            terminado: None,
            escritura: None,
        }
    }

    fn escribiendo(escritura: Escritura) -> Self {
        let mut proyectado = Self::sin_historia(Vec::new());
        proyectado.escritura = Some(escritura);
        proyectado
    }

    fn terminando(mut self, id: &str, estado: EstadoComando, error: Option<String>) -> Self {
        self.terminado = Some(ComandoTerminado {
            id: id.to_owned(),
            estado,
            error,
        });
        self
    }
}

impl Projector {
    pub fn new(
        store: SqlProyecciones,
        codec: Arc<AvroCodec>,
        cambios: broadcast::Sender<Cambio>,
    ) -> Self {
        Self {
            store,
            codec,
            cambios,
        }
    }

    /// What an event did to a record, for its history (written with the
    /// run's other lines in one statement before the commit).
    fn anotar(decoded: &Decoded, tipo: &str, id_entidad: &str, detalle: String) -> Anotacion {
        Anotacion {
            id_evento: decoded.header.id.clone(),
            tipo: tipo.to_owned(),
            id_entidad: id_entidad.to_owned(),
            suceso: Suceso {
                evento: decoded.header.message_type.clone(),
                detalle,
                fecha: decoded.header.time_millis,
            },
        }
    }

    /// One function per kind of message: a dead-lettered command, an
    /// audit, a record created, a record decided.
    async fn project(
        &self,
        message: &Message,
        uow: &mut SqlUnitOfWork,
    ) -> Result<Proyectado, HandleError> {
        if is_dead_letter_topic(&message.topic) {
            return Ok(Self::comando_fallido(message));
        }
        let decoded = self.codec.decode_consumed(message)?;
        let kind = decoded.header.message_type.as_str();
        if kind == types::AUDITORIA_COMPLETADA {
            return self.auditoria_completada(&decoded, uow).await;
        }
        if kind == types::REGISTRO_PROPIEDAD_AVANZADO {
            return self.registro_avanzado(&decoded, uow).await;
        }
        if kind == types::COMANDO_RECHAZADO {
            return Self::comando_rechazado(&decoded);
        }
        let Some(fuente) = FUENTES.iter().find(|f| f.topic == message.topic) else {
            return Ok(Proyectado::sin_historia(Vec::new()));
        };
        let id = decoded
            .text(fuente.id_field)
            .ok_or_else(|| HandleError::Poison(format!("{kind} without {}", fuente.id_field)))?;
        let eliminado = Some(kind) == fuente.eliminado
            || (kind == fuente.rechazado && decoded.flag("eliminado") == Some(true));
        let detalle = decoded.texts("motivos").unwrap_or_default().join(", ");
        let anotacion = Self::anotar(&decoded, fuente.tipo.as_str(), &id, detalle);
        let mut proyectado = Self::registro_de_fuente(fuente, id, eliminado, &decoded);
        proyectado.anotacion = Some(anotacion);
        Ok(proyectado)
    }

    /// A source context's event: the record created, decided or
    /// eliminated (written at the end of the run).
    fn registro_de_fuente(
        fuente: &FuenteDeRegistros,
        id: String,
        eliminado: bool,
        decoded: &Decoded,
    ) -> Proyectado {
        let kind = decoded.header.message_type.as_str();
        if eliminado {
            Proyectado::escribiendo(Escritura::Eliminado {
                tipo: fuente.tipo,
                id,
            })
        } else if kind == fuente.creado {
            Self::registro_creado(fuente, id, decoded)
        } else if kind == fuente.aprobado {
            Self::registro_decidido(fuente, id, Decision::Aprobar, decoded)
        } else if kind == fuente.rechazado {
            Self::registro_decidido(fuente, id, Decision::Rechazar, decoded)
        } else {
            // Not a change the projection knows (a newer event type):
            // acknowledged, never taken for a rejection.
            tracing::debug!(%kind, "event type not projected");
            Proyectado::sin_historia(Vec::new())
        }
    }

    /// A command of ours the target context refused or never managed.
    fn comando_fallido(message: &Message) -> Proyectado {
        let error = message
            .properties
            .get("error")
            .cloned()
            .unwrap_or_else(|| format!("dead-lettered on {}", message.topic));
        Proyectado::sin_historia(Vec::new()).terminando(
            &message.id,
            EstadoComando::Fallido,
            Some(error),
        )
    }

    /// A command the target context refused (it answered instead of
    /// dead-lettering it): FALLIDO with the reason, when it is ours.
    fn comando_rechazado(decoded: &Decoded) -> Result<Proyectado, HandleError> {
        let (Some(id), Some(motivo)) = (decoded.text("id_comando"), decoded.text("motivo")) else {
            return Err(HandleError::Poison(
                "ComandoRechazado without id_comando or motivo".into(),
            ));
        };
        Ok(Proyectado::sin_historia(Vec::new()).terminando(
            &id,
            EstadoComando::Fallido,
            Some(motivo),
        ))
    }

    async fn auditoria_completada(
        &self,
        decoded: &Decoded,
        uow: &mut SqlUnitOfWork,
    ) -> Result<Proyectado, HandleError> {
        let a: AuditoriaData = decoded
            .data()
            .map_err(|e| HandleError::Poison(e.to_string()))?;
        let vista = a.vista();
        // An auditor's review (its causation) is done once recorded; the
        // rules' audits are caused by events, never by a command of ours.
        let revision = match (&decoded.header.causation_id, &vista.revisor) {
            (Some(causation), Some(_)) => Some(causation.clone()),
            _ => None,
        };
        let anotacion = Self::anotar(
            decoded,
            &vista.tipo_entidad,
            &vista.id_entidad,
            detalle_de_auditoria(&vista),
        );
        let mut cambios = self.en_revision(uow, &vista).await?;
        cambios.push(Cambio::Auditoria(vista.clone()));
        let mut proyectado = Proyectado::sin_historia(cambios);
        proyectado.escritura = Some(Escritura::Auditoria(vista));
        proyectado.anotacion = Some(anotacion);
        Ok(match revision {
            Some(id) => proyectado.terminando(&id, EstadoComando::Procesado, None),
            None => proyectado,
        })
    }

    /// Waiting for a person is the record's state too (its source context
    /// still has it Pendiente); a decision comes from the source. The
    /// rules' verdict applies to a Pendiente record only; an auditor's
    /// reopening takes a decided one back to review.
    async fn en_revision(
        &self,
        uow: &mut SqlUnitOfWork,
        vista: &AuditoriaVista,
    ) -> Result<Vec<Cambio>, HandleError> {
        let registro = match revision_del_registro(vista)? {
            None => return Ok(Vec::new()),
            Some((tipo, RevisionDelRegistro::EsperaPersona)) => self
                .store
                .registro_en_revision(uow, tipo, &vista.id_entidad, vista.fecha)
                .await
                .map_err(HandleError::from)?,
            Some((tipo, RevisionDelRegistro::Reabierto)) => self
                .store
                .registro_decidido(
                    uow,
                    tipo,
                    &vista.id_entidad,
                    EstadoRegistro::EnRevision.as_str(),
                    &[],
                    vista.fecha,
                )
                .await
                .map_err(HandleError::from)?,
        };
        Ok(registro.map(Cambio::Registro).into_iter().collect())
    }

    /// A registration moved: the UI follows the steps, and the BFF's
    /// `RegistrarPropiedad` ends with the registration: PROCESADO once it
    /// is completada, FALLIDO with the cause once compensated or failed.
    async fn registro_avanzado(
        &self,
        decoded: &Decoded,
        uow: &mut SqlUnitOfWork,
    ) -> Result<Proyectado, HandleError> {
        let r: RegistroData = decoded
            .data()
            .map_err(|e| HandleError::Poison(e.to_string()))?;
        let etapa = etapa_del_registro(&r)?;
        if let Some((estado, error)) = fin_del_registro(etapa, &r) {
            self.store
                .registro_terminado(uow, &r.id_propiedad, estado, error.as_deref())
                .await
                .map_err(HandleError::from)?;
        }
        let vista = RegistroPropiedadVista {
            id_propiedad: r.id_propiedad,
            id_datos_geograficos: r.id_datos_geograficos,
            estado: etapa,
            paso: r.paso,
            motivo: r.motivo,
            pasos: r.pasos,
            fecha: r.fecha,
        };
        let detalle = match &vista.motivo {
            Some(m) => format!("{} ({}): {m}", vista.paso, vista.estado),
            None => format!("{} ({})", vista.paso, vista.estado),
        };
        let anotacion = Self::anotar(
            decoded,
            TipoRegistro::Propiedad.as_str(),
            &vista.id_propiedad,
            detalle,
        );
        let changed = self
            .store
            .registro_propiedad_avanzado(uow, &vista)
            .await
            .map_err(HandleError::from)?;
        let mut proyectado = Proyectado::sin_historia(
            changed
                .then_some(Cambio::RegistroPropiedad(vista))
                .into_iter()
                .collect(),
        );
        proyectado.anotacion = Some(anotacion);
        Ok(proyectado)
    }

    /// Created: the BFF's creation command (its causation) is done.
    fn registro_creado(fuente: &FuenteDeRegistros, id: String, decoded: &Decoded) -> Proyectado {
        let fecha = decoded
            .number("fecha_creacion")
            .map_or(decoded.header.time_millis, |n| n as i64);
        let vista = RegistroVista {
            tipo: fuente.tipo,
            id,
            campos: campos(
                fuente
                    .campos
                    .iter()
                    .map(|c| ((*c).to_owned(), decoded.text(c).unwrap_or_default())),
            ),
            estado: decoded.text("estado").unwrap_or_else(|| "Pendiente".into()),
            motivos_rechazo: Vec::new(),
            fecha_creacion: fecha,
            fecha_actualizacion: fecha,
        };
        let proyectado = Proyectado::escribiendo(Escritura::Creado(vista));
        match &decoded.header.causation_id {
            Some(causation) => proyectado.terminando(causation, EstadoComando::Procesado, None),
            None => proyectado,
        }
    }

    /// Approved or rejected: every matching decision the BFF accepted for
    /// the record is done (including the one that caused it).
    fn registro_decidido(
        fuente: &FuenteDeRegistros,
        id: String,
        decision: Decision,
        decoded: &Decoded,
    ) -> Proyectado {
        let fecha = decoded
            .number("fecha_actualizacion")
            .map_or(decoded.header.time_millis, |n| n as i64);
        let proyectado = Proyectado::escribiendo(Escritura::Decidido(Decidido {
            tipo: fuente.tipo,
            id,
            estado: decision.estado().as_str(),
            motivos: decoded.texts("motivos").unwrap_or_default(),
            fecha,
            tipo_comando: comando_que_lo_pide(decision, fuente.tipo).to_owned(),
        }));
        // The cause itself may be FALLIDO: a replay applied it after all.
        match &decoded.header.causation_id {
            Some(causation) => proyectado.terminando(causation, EstadoComando::Procesado, None),
            None => proyectado,
        }
    }
}

#[async_trait]
impl TransactionalHandler for Projector {
    type Uow = SqlUnitOfWork;
    type Effect = Proyectado;

    async fn apply(
        &self,
        uow: &mut SqlUnitOfWork,
        message: &Message,
    ) -> Result<Proyectado, HandleError> {
        self.project(message, uow).await
    }

    /// The run's writes to the projection (one statement per kind), its
    /// history lines and the commands it ended (one statement each).
    async fn before_commit(
        &self,
        uow: &mut SqlUnitOfWork,
        proyectados: &mut Vec<Proyectado>,
    ) -> Result<(), HandleError> {
        let escrituras: Vec<&Escritura> = proyectados
            .iter()
            .filter_map(|p| p.escritura.as_ref())
            .collect();
        let cambiados = self
            .store
            .escribir(uow, &escrituras)
            .await
            .map_err(HandleError::from)?;
        proyectados.push(Proyectado::sin_historia(
            cambiados.into_iter().map(Cambio::Registro).collect(),
        ));
        let anotaciones: Vec<&Anotacion> = proyectados
            .iter()
            .filter_map(|p| p.anotacion.as_ref())
            .collect();
        self.store
            .sucesos(uow, &anotaciones)
            .await
            .map_err(HandleError::from)?;
        let terminados: Vec<&ComandoTerminado> = proyectados
            .iter()
            .filter_map(|p| p.terminado.as_ref())
            .collect();
        self.store
            .comandos_terminados(uow, &terminados)
            .await
            .map_err(HandleError::from)
    }

    fn committed(&self, proyectados: Vec<Proyectado>) {
        for cambio in proyectados.into_iter().flat_map(|p| p.cambios) {
            // Nobody listening is fine.
            let _ = self.cambios.send(cambio);
        }
    }
}
/// What an audit does to the record it judged, decided apart from the
/// SQL that does it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RevisionDelRegistro {
    /// The rules left it to a person: it waits in review.
    EsperaPersona,
    /// A person reopened a decided record: back to review.
    Reabierto,
}

/// The record an audit moves to review, if any: an unknown record type is
/// not projected; an unknown result is poison, never taken for another.
fn revision_del_registro(
    vista: &AuditoriaVista,
) -> Result<Option<(TipoRegistro, RevisionDelRegistro)>, HandleError> {
    let Some(tipo) = TipoRegistro::parse(&vista.tipo_entidad) else {
        return Ok(None);
    };
    let resultado = EstadoRegistro::leer(&vista.resultado).ok_or_else(|| {
        HandleError::Poison(format!("unknown audit resultado {:?}", vista.resultado))
    })?;
    Ok(match (resultado, &vista.revisor) {
        (EstadoRegistro::EnRevision, None) => Some((tipo, RevisionDelRegistro::EsperaPersona)),
        (EstadoRegistro::EnRevision, Some(_)) => Some((tipo, RevisionDelRegistro::Reabierto)),
        (EstadoRegistro::Pendiente | EstadoRegistro::Aprobada | EstadoRegistro::Rechazada, _) => {
            None
        }
    })
}

/// A registration's stage, parsed once as it arrives: an unknown one is
/// poison, never taken for another.
fn etapa_del_registro(r: &RegistroData) -> Result<EtapaRegistro, HandleError> {
    r.estado
        .parse()
        .map_err(|_| HandleError::Poison(format!("unknown registration stage {:?}", r.estado)))
}

/// What a registration's stage makes of the `RegistrarPropiedad` command
/// that started it: nothing while under way, PROCESADO once completed,
/// FALLIDO with the cause once compensated or failed.
fn fin_del_registro(
    etapa: EtapaRegistro,
    r: &RegistroData,
) -> Option<(EstadoComando, Option<String>)> {
    match etapa {
        EtapaRegistro::EnCurso => None,
        EtapaRegistro::Completada => Some((EstadoComando::Procesado, None)),
        EtapaRegistro::Compensada | EtapaRegistro::Fallida => {
            let causa = r.motivo.as_deref().unwrap_or(&r.paso);
            let error = format!("registro {}: {causa}", etapa.as_str());
            Some((EstadoComando::Fallido, Some(error)))
        }
    }
}

/// The command of ours that asks a context for `decision` on a record of
/// kind `tipo` (named by the contracts, matched exhaustively).
fn comando_que_lo_pide(decision: Decision, tipo: TipoRegistro) -> &'static str {
    use crate::contracts::types as t;
    match (decision, tipo) {
        (Decision::Aprobar, TipoRegistro::Compania) => t::APROBAR_COMPANIA,
        (Decision::Rechazar, TipoRegistro::Compania) => t::RECHAZAR_COMPANIA,
        (Decision::Aprobar, TipoRegistro::DatosGeograficos) => t::APROBAR_DATOS_GEOGRAFICOS,
        (Decision::Rechazar, TipoRegistro::DatosGeograficos) => t::RECHAZAR_DATOS_GEOGRAFICOS,
        (Decision::Aprobar, TipoRegistro::Propiedad) => t::APROBAR_PROPIEDAD,
        (Decision::Rechazar, TipoRegistro::Propiedad) => t::RECHAZAR_PROPIEDAD,
    }
}

#[cfg(test)]
mod tests {
    //! The projector's event → change decisions, without a database.

    use std::sync::Arc;

    use super::*;
    use crate::seedwork::infrastructure::avro::{EnvelopeHeader, SchemaRegistry};

    fn codec() -> AvroCodec {
        AvroCodec::new(Arc::new(SchemaRegistry::embedded().expect("schemas")))
    }

    fn auditoria(resultado: &str, revisor: Option<&str>) -> AuditoriaVista {
        AuditoriaVista {
            id: "a-1".into(),
            tipo_entidad: "Compania".into(),
            id_entidad: "c-1".into(),
            resultado: resultado.into(),
            hallazgos: Vec::new(),
            fecha: 1,
            motivo: revisor.map(|_| "porque sí".into()),
            revisor: revisor.map(str::to_owned),
        }
    }

    fn registro(estado: &str, motivo: Option<&str>) -> RegistroData {
        RegistroData {
            id_propiedad: "p-1".into(),
            id_datos_geograficos: "d-1".into(),
            estado: estado.into(),
            paso: "decidir".into(),
            motivo: motivo.map(str::to_owned),
            pasos: Vec::new(),
            fecha: 1,
        }
    }

    /// given a registration's stage / then what its command comes to.
    #[test]
    fn a_registration_ends_its_command_by_its_stage() {
        let fin = |estado, motivo| {
            let r = registro(estado, motivo);
            fin_del_registro(etapa_del_registro(&r).expect("a known stage"), &r)
        };
        assert_eq!(fin("en_curso", None), None);
        assert_eq!(
            fin("completada", None),
            Some((EstadoComando::Procesado, None))
        );
        assert_eq!(
            fin("compensada", Some("propiedad: falta nombre")),
            Some((
                EstadoComando::Fallido,
                Some("registro compensada: propiedad: falta nombre".into())
            ))
        );
        assert_eq!(
            fin("fallida", None),
            Some((
                EstadoComando::Fallido,
                Some("registro fallida: decidir".into())
            ))
        );
        assert!(matches!(
            etapa_del_registro(&registro("terminada", None)),
            Err(HandleError::Poison(_))
        ));
    }

    #[test]
    fn an_audit_moves_its_record_to_review_by_who_acted() {
        let espera = revision_del_registro(&auditoria("EnRevision", None)).expect("known");
        assert_eq!(
            espera,
            Some((TipoRegistro::Compania, RevisionDelRegistro::EsperaPersona))
        );
        let reabierta =
            revision_del_registro(&auditoria("EnRevision", Some("ana"))).expect("known");
        assert_eq!(
            reabierta,
            Some((TipoRegistro::Compania, RevisionDelRegistro::Reabierto))
        );
        assert_eq!(
            revision_del_registro(&auditoria("Aprobada", None)).expect("known"),
            None
        );
        assert!(matches!(
            revision_del_registro(&auditoria("Quizas", None)),
            Err(HandleError::Poison(_))
        ));
        let mut otra = auditoria("EnRevision", None);
        otra.tipo_entidad = "Barco".into();
        assert_eq!(revision_del_registro(&otra).expect("not ours"), None);
    }

    /// A source context's event, decoded as the projector reads it.
    fn evento(topic: &str, tipo: &str, data: &impl serde::Serialize) -> Decoded {
        let codec = codec();
        let header = EnvelopeHeader::new(tipo, "test", "corr", None);
        let message = codec.message(topic, "c-1", &header, data).expect("encode");
        codec.decode_message(&message).expect("decode")
    }

    fn fuente(topic: &str) -> &'static FuenteDeRegistros {
        FUENTES.iter().find(|f| f.topic == topic).expect("fuente")
    }

    #[derive(serde::Serialize)]
    struct Decidida {
        id_compania: String,
        estado: String,
        motivos: Vec<String>,
        fecha_actualizacion: i64,
    }

    #[test]
    fn a_rejection_is_written_as_decided_and_names_the_command_that_asked() {
        let decoded = evento(
            topics::EVENTOS_COMPANIAS,
            types::COMPANIA_RECHAZADA,
            &Decidida {
                id_compania: "c-1".into(),
                estado: "Rechazada".into(),
                motivos: vec!["email faltante".into()],
                fecha_actualizacion: 7,
            },
        );
        let fuente = fuente(topics::EVENTOS_COMPANIAS);
        let proyectado = Projector::registro_de_fuente(fuente, "c-1".into(), false, &decoded);
        match proyectado.escritura {
            Some(Escritura::Decidido(d)) => {
                assert_eq!(d.estado, "Rechazada");
                assert_eq!(d.motivos, vec!["email faltante".to_owned()]);
                assert_eq!(d.tipo_comando, types::RECHAZAR_COMPANIA);
                assert_eq!(d.fecha, 7);
            }
            _ => panic!("a rejection writes a decision"),
        }
        let eliminado = Projector::registro_de_fuente(fuente, "c-1".into(), true, &decoded);
        assert!(matches!(
            eliminado.escritura,
            Some(Escritura::Eliminado { .. })
        ));
    }
}
