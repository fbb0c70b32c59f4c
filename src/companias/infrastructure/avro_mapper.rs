//! Rust views of the records in `schemas/{comandos,eventos}-companias/`.
//! The schema files stay the only schema: these structs are checked against
//! them by the codec on every encode and decode (and by tests at build time).
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::companias::domain::{Compania, CompaniaEvent, DatosCompania};
use crate::companias::{EVENT_TOPIC, SERVICE};
use crate::seedwork::application::review::{Aprobar, Crear, Rechazar, ReviewCommand};
use crate::seedwork::application::{CommandContext, EventTranslator, Message, TranslateError};
use crate::seedwork::domain::{EntityId, Estado, Motivos};
use crate::seedwork::infrastructure::CommandDecoder;
use crate::seedwork::infrastructure::avro::{AvroCodec, CodecError, Decoded, EnvelopeHeader};

#[derive(Debug, Serialize, Deserialize)]
pub struct CompaniaCreadaV1 {
    pub id_compania: String,
    pub nombre: String,
    pub email: String,
    pub identificacion: String,
    pub estado: String,
    pub fecha_creacion: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CompaniaAprobadaV1 {
    pub id_compania: String,
    pub estado: String,
    pub fecha_actualizacion: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CompaniaRechazadaV1 {
    pub id_compania: String,
    pub estado: String,
    pub motivos: Vec<String>,
    pub fecha_actualizacion: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct CrearCompaniaV1 {
    pub id_compania: Option<String>,
    pub nombre: String,
    pub email: String,
    pub identificacion: String,
    pub fecha_creacion: i64,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct AprobarCompaniaV1 {
    pub id_compania: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct RechazarCompaniaV1 {
    pub id_compania: String,
    pub motivos: Vec<String>,
}

/// Encodes `CompaniaEvent`s as Avro envelopes on `eventos-companias`.
#[derive(Clone)]
pub struct CompaniaAvroEvents {
    codec: Arc<AvroCodec>,
}

impl CompaniaAvroEvents {
    pub fn new(codec: Arc<AvroCodec>) -> Self {
        Self { codec }
    }

    fn encode<T: Serialize>(
        &self,
        event: &CompaniaEvent,
        ctx: &CommandContext,
        data: &T,
    ) -> Result<Message, CodecError> {
        let header = EnvelopeHeader::new(
            event.name(),
            SERVICE,
            &ctx.correlation_id,
            Some(&ctx.command_id),
        );
        self.codec
            .message(EVENT_TOPIC, event.compania_id(), &header, data)
    }
}

impl EventTranslator<CompaniaEvent> for CompaniaAvroEvents {
    fn translate(
        &self,
        event: &CompaniaEvent,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        let result = match event {
            CompaniaEvent::CompaniaCreada {
                id,
                nombre,
                email,
                identificacion,
                fecha_creacion,
            } => self.encode(
                event,
                ctx,
                &CompaniaCreadaV1 {
                    id_compania: id.clone(),
                    nombre: nombre.clone(),
                    email: email.clone(),
                    identificacion: identificacion.clone(),
                    estado: Estado::Pendiente.to_string(),
                    fecha_creacion: fecha_creacion.timestamp_millis(),
                },
            ),
            CompaniaEvent::CompaniaAprobada { id, fecha } => self.encode(
                event,
                ctx,
                &CompaniaAprobadaV1 {
                    id_compania: id.clone(),
                    estado: Estado::Aprobada.to_string(),
                    fecha_actualizacion: fecha.timestamp_millis(),
                },
            ),
            CompaniaEvent::CompaniaRechazada { id, motivos, fecha } => self.encode(
                event,
                ctx,
                &CompaniaRechazadaV1 {
                    id_compania: id.clone(),
                    estado: Estado::Rechazada.to_string(),
                    motivos: motivos.clone(),
                    fecha_actualizacion: fecha.timestamp_millis(),
                },
            ),
        };
        result.map_err(|e| TranslateError {
            event: event.name().to_owned(),
            reason: e.to_string(),
        })
    }
}

/// Decodes and validates commands from `comandos-companias` (any writer version).
pub struct CompaniaCommandDecoder {
    codec: Arc<AvroCodec>,
}

impl CompaniaCommandDecoder {
    pub fn new(codec: Arc<AvroCodec>) -> Self {
        Self { codec }
    }

    fn decode_command(
        &self,
        message: &Message,
    ) -> Result<(Decoded, ReviewCommand<Compania>), String> {
        let text = |e: &dyn std::fmt::Display| e.to_string();
        let decoded = self.codec.decode_message(message).map_err(|e| text(&e))?;
        let command = match decoded.header.message_type.as_str() {
            "CrearCompania" => {
                let data: CrearCompaniaV1 = decoded.data().map_err(|e| text(&e))?;
                // Without an explicit id the command id names the company, so a
                // re-sent creation targets the same company.
                let id = match &data.id_compania {
                    Some(id) => EntityId::parse("id_compania", id),
                    None => EntityId::parse("id", &decoded.header.id),
                }
                .map_err(|e| text(&e))?;
                let datos = DatosCompania::parse(&data.nombre, &data.email, &data.identificacion)
                    .map_err(|e| text(&e))?;
                ReviewCommand::Crear(Crear { id, datos })
            }
            "AprobarCompania" => {
                let data: AprobarCompaniaV1 = decoded.data().map_err(|e| text(&e))?;
                ReviewCommand::Aprobar(Aprobar::new(
                    EntityId::parse("id_compania", &data.id_compania).map_err(|e| text(&e))?,
                ))
            }
            "RechazarCompania" => {
                let data: RechazarCompaniaV1 = decoded.data().map_err(|e| text(&e))?;
                ReviewCommand::Rechazar(Rechazar::new(
                    EntityId::parse("id_compania", &data.id_compania).map_err(|e| text(&e))?,
                    Motivos::parse(&data.motivos).map_err(|e| text(&e))?,
                ))
            }
            other => return Err(format!("{} carries no command {other}", message.topic)),
        };
        Ok((decoded, command))
    }
}

impl CommandDecoder<Compania> for CompaniaCommandDecoder {
    fn decode(
        &self,
        message: &Message,
    ) -> Result<(EnvelopeHeader, ReviewCommand<Compania>), String> {
        self.decode_command(message).map(|(d, c)| (d.header, c))
    }
}
