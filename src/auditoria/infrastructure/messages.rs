use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::fuentes::fuente;
use crate::auditoria::application::{HitoEnTexto, SagaMessages, hito_en_texto};
use crate::auditoria::domain::{
    AuditoriaCompletada, ComandoRegistro, Decision, Envio, ParteRegistro, RegistroPropiedad, Saga,
};
use crate::contracts::services::AUDITORIA as SERVICE;
use crate::contracts::topics;
use crate::contracts::types;
use crate::seedwork::application::{CommandContext, Message, TranslateError};
use crate::seedwork::infrastructure::avro::{AvroCodec, EnvelopeHeader, Field, Payload};

#[derive(Serialize)]
struct HallazgoV1<'a> {
    campo: &'a str,
    problema: &'a str,
}

#[derive(Serialize)]
struct AuditoriaCompletadaV1<'a> {
    id_auditoria: String,
    tipo_entidad: &'a str,
    id_entidad: &'a str,
    resultado: &'a str,
    hallazgos: Vec<HallazgoV1<'a>>,
    fecha: i64,
    /// v2; a v1 writer drops it.
    reglas_version: &'a str,
    /// v3: an auditor's reason and name (null for the rules' verdict).
    motivo: Option<&'a str>,
    revisor: Option<&'a str>,
}

#[derive(Serialize)]
struct PasoRegistroV1<'a> {
    paso: &'a str,
    resultado: &'a str,
    detalle: Option<&'a str>,
    fecha: i64,
}

#[derive(Serialize)]
struct RegistroPropiedadAvanzadoV1<'a> {
    id_propiedad: String,
    id_datos_geograficos: String,
    estado: &'a str,
    paso: &'a str,
    motivo: Option<&'a str>,
    pasos: Vec<PasoRegistroV1<'a>>,
    fecha: i64,
}

/// A registration's command: its topic, type and payload, in the
/// participant's contract.
fn comando_registro(
    registro: &RegistroPropiedad,
    comando: &ComandoRegistro,
) -> (&'static str, &'static str, Payload) {
    let s = registro.snapshot();
    let d = &s.datos;
    let (id_propiedad, id_datos) = (s.id.to_string(), s.id_datos.to_string());
    let ahora = chrono::Utc::now().timestamp_millis();
    match comando {
        ComandoRegistro::CrearPropiedad => (
            topics::COMANDOS_PROPIEDADES,
            types::CREAR_PROPIEDAD,
            Payload::from([
                ("id_propiedad", Field::Text(id_propiedad)),
                ("nombre", Field::Text(d.nombre.clone())),
                (
                    "identificacion_catastral",
                    Field::Text(d.identificacion_catastral.clone()),
                ),
                ("nit", Field::Text(d.nit.clone())),
                ("fecha_creacion", Field::Long(ahora)),
            ]),
        ),
        ComandoRegistro::CrearDatosGeograficos => {
            let mut data = Payload::from([
                ("id_datos_geograficos", Field::Text(id_datos)),
                ("nombre_propiedad", Field::Text(d.nombre.clone())),
                ("latitud", Field::Text(d.latitud.clone())),
                ("longitud", Field::Text(d.longitud.clone())),
                ("fecha_creacion", Field::Long(ahora)),
            ]);
            if !d.direccion.is_empty() {
                data.insert("direccion", Field::Text(d.direccion.clone()));
            }
            (
                topics::COMANDOS_GEOGRAFICOS,
                types::CREAR_DATOS_GEOGRAFICOS,
                data,
            )
        }
        ComandoRegistro::EliminarPropiedad { motivo } => (
            topics::COMANDOS_PROPIEDADES,
            types::ELIMINAR_PROPIEDAD,
            Payload::from([
                ("id_propiedad", Field::Text(id_propiedad)),
                ("motivo", Field::Text(motivo.clone())),
            ]),
        ),
        // v3: a rejection marked `eliminar` is the compensation.
        ComandoRegistro::EliminarDatosGeograficos { motivo } => (
            topics::COMANDOS_GEOGRAFICOS,
            types::RECHAZAR_DATOS_GEOGRAFICOS,
            Payload::from([
                ("id_datos_geograficos", Field::Text(id_datos)),
                ("motivos", Field::List(vec![motivo.clone()])),
                ("eliminar", Field::Bool(true)),
            ]),
        ),
    }
}

/// Encodes the saga's messages with the schemas in `schemas/`.
pub struct AvroSagaMessages {
    codec: Arc<AvroCodec>,
}

impl AvroSagaMessages {
    pub fn new(codec: Arc<AvroCodec>) -> Self {
        Self { codec }
    }

    /// The mapping above must match `schemas/`; checked at start.
    pub fn check_contract(&self) -> Result<(), crate::seedwork::infrastructure::avro::CodecError> {
        let registros: [(&str, &str, &[&str]); 5] = [
            (
                topics::EVENTOS_REGISTROS,
                types::REGISTRO_PROPIEDAD_AVANZADO,
                &[
                    "id_propiedad",
                    "id_datos_geograficos",
                    "estado",
                    "paso",
                    "motivo",
                    "pasos",
                ],
            ),
            (
                topics::COMANDOS_PROPIEDADES,
                types::CREAR_PROPIEDAD,
                &["id_propiedad", "nombre", "identificacion_catastral", "nit"],
            ),
            (
                topics::COMANDOS_PROPIEDADES,
                types::ELIMINAR_PROPIEDAD,
                &["id_propiedad", "motivo"],
            ),
            (
                topics::COMANDOS_GEOGRAFICOS,
                types::CREAR_DATOS_GEOGRAFICOS,
                &[
                    "id_datos_geograficos",
                    "nombre_propiedad",
                    "latitud",
                    "longitud",
                ],
            ),
            (
                topics::COMANDOS_GEOGRAFICOS,
                types::RECHAZAR_DATOS_GEOGRAFICOS,
                &["id_datos_geograficos", "motivos", "eliminar"],
            ),
        ];
        for (topic, record, fields) in registros {
            self.codec.require_fields(topic, record, fields)?;
        }
        self.check_review_contract()?;
        self.codec.require_fields(
            topics::EVENTOS_AUDITORIA,
            types::AUDITORIA_COMPLETADA,
            &[
                "id_auditoria",
                "tipo_entidad",
                "id_entidad",
                "resultado",
                "hallazgos",
                "fecha",
                "motivo",
                "revisor",
            ],
        )
    }
}

impl AvroSagaMessages {
    /// The review's records: the decisions' `revision` on every source
    /// command topic, and the auditor's commands it reads.
    fn check_review_contract(
        &self,
    ) -> Result<(), crate::seedwork::infrastructure::avro::CodecError> {
        for f in super::FUENTES {
            self.codec
                .require_fields(f.command_topic, f.aprobar, &[f.id_field, "revision"])?;
            self.codec.require_fields(
                f.command_topic,
                f.rechazar,
                &[f.id_field, "motivos", "revision"],
            )?;
        }
        for record in [
            types::APROBAR_REVISION,
            types::RECHAZAR_REVISION,
            types::REABRIR_AUDITORIA,
        ] {
            self.codec.require_fields(
                topics::COMANDOS_REVISIONES,
                record,
                &["tipo_entidad", "id_entidad", "motivo", "revisor"],
            )?;
        }
        Ok(())
    }
}

fn failed(
    what: &str,
) -> impl Fn(crate::seedwork::infrastructure::avro::CodecError) -> TranslateError + '_ {
    move |e| TranslateError {
        event: what.to_owned(),
        reason: e.to_string(),
    }
}

impl SagaMessages for AvroSagaMessages {
    fn auditoria_completada(
        &self,
        e: &AuditoriaCompletada,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        let data = AuditoriaCompletadaV1 {
            id_auditoria: e.id.to_string(),
            tipo_entidad: e.tipo_entidad.as_str(),
            id_entidad: &e.id_entidad,
            resultado: e.resultado.as_str(),
            hallazgos: e
                .hallazgos
                .iter()
                .map(|h| HallazgoV1 {
                    campo: &h.campo,
                    problema: h.problema.as_str(),
                })
                .collect(),
            fecha: e.fecha.timestamp_millis(),
            reglas_version: crate::auditoria::domain::REGLAS_VERSION,
            motivo: e.motivo.as_deref(),
            revisor: e.revisor.as_deref(),
        };
        let header = EnvelopeHeader::new(
            types::AUDITORIA_COMPLETADA,
            SERVICE,
            &ctx.correlation_id,
            Some(&ctx.command_id),
        );
        self.codec
            .message(topics::EVENTOS_AUDITORIA, &e.id_entidad, &header, &data)
            .map_err(failed(types::AUDITORIA_COMPLETADA))
    }

    fn comando(&self, saga: &Saga, ctx: &CommandContext) -> Result<Message, TranslateError> {
        let f = fuente(saga.tipo_entidad());
        let mut data = BTreeMap::new();
        data.insert(f.id_field, Field::Text(saga.id_entidad().to_owned()));
        let kind = match saga.decision() {
            Decision::Aprobar => f.aprobar,
            Decision::Rechazar => {
                data.insert("motivos", Field::List(saga.motivos().to_vec()));
                f.rechazar
            }
        };
        // A reopened audit's decision: applied whatever the record's estado.
        if let Some(revision) = saga.revision() {
            data.insert("revision", Field::Text(revision.to_owned()));
        }
        let mut header = EnvelopeHeader::new(
            kind,
            SERVICE,
            &ctx.correlation_id,
            ctx.causation_id.as_deref(),
        );
        // The saga's command keeps its id across re-sends: the receiver's
        // inbox applies it once.
        header.id = saga.id_comando().to_owned();
        self.codec
            .message(f.command_topic, saga.id_entidad(), &header, &data)
            .map_err(failed(kind))
    }

    fn comando_registro(
        &self,
        registro: &RegistroPropiedad,
        envio: &Envio,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        let (topic, kind, data) = comando_registro(registro, &envio.comando);
        // Keyed by the part it is about, as that part's own commands are.
        let s = registro.snapshot();
        let key = match envio.comando.parte() {
            ParteRegistro::Propiedad => s.id,
            ParteRegistro::DatosGeograficos => s.id_datos,
        }
        .to_string();
        let mut header = EnvelopeHeader::new(
            kind,
            SERVICE,
            &ctx.correlation_id,
            ctx.causation_id.as_deref(),
        );
        header.id = envio.id_comando.clone();
        self.codec
            .message(topic, &key, &header, &data)
            .map_err(failed(kind))
    }

    fn registro_avanzado(
        &self,
        registro: &RegistroPropiedad,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        let s = registro.snapshot();
        let pasos: Vec<HitoEnTexto> = s.pasos.iter().map(hito_en_texto).collect();
        let data = RegistroPropiedadAvanzadoV1 {
            id_propiedad: s.id.to_string(),
            id_datos_geograficos: s.id_datos.to_string(),
            estado: s.estado.as_str(),
            paso: s.paso.as_str(),
            motivo: s.motivo.as_deref(),
            pasos: pasos
                .iter()
                .zip(&s.pasos)
                .map(|(t, h)| PasoRegistroV1 {
                    paso: t.paso,
                    resultado: &t.resultado,
                    detalle: t.detalle.as_deref(),
                    fecha: h.fecha.timestamp_millis(),
                })
                .collect(),
            fecha: s.fecha_actualizacion.timestamp_millis(),
        };
        // The conversation is the property's, whatever moved the saga.
        let header = EnvelopeHeader::new(
            types::REGISTRO_PROPIEDAD_AVANZADO,
            SERVICE,
            &s.id.to_string(),
            Some(&ctx.command_id),
        );
        self.codec
            .message(topics::EVENTOS_REGISTROS, &s.id.to_string(), &header, &data)
            .map_err(failed(types::REGISTRO_PROPIEDAD_AVANZADO))
    }
}
