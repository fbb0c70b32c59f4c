use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::fuentes::fuente;
use crate::auditoria::application::SagaMessages;
use crate::auditoria::domain::{AuditoriaCompletada, Decision, Saga};
use crate::contracts::services::AUDITORIA as SERVICE;
use crate::contracts::topics;
use crate::contracts::types;
use crate::seedwork::application::{CommandContext, Message, TranslateError};
use crate::seedwork::infrastructure::avro::{AvroCodec, EnvelopeHeader, Field};

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
            ],
        )
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
}
