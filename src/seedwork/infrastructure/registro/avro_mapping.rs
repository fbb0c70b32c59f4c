use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::Serialize;

use crate::seedwork::application::review::{Aprobar, Crear, Rechazar, ReviewCommand};
use crate::seedwork::application::{CommandContext, EventTranslator, Message, TranslateError};
use crate::seedwork::domain::{DatosRegistro, EntityId, Estado, Motivos, Registro, RegistroEvent};
use crate::seedwork::infrastructure::CommandDecoder;
use crate::seedwork::infrastructure::avro::{AvroCodec, EnvelopeHeader};

/// A payload field; the record schema in `schemas/` gives it its Avro type
/// when the codec resolves the payload against it (fields a newer schema
/// adds take their defaults).
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Field {
    Text(String),
    Long(i64),
    Double(f64),
    List(Vec<String>),
}

/// Encodes `RegistroEvent<D>`s as Avro envelopes on the context's event topic.
pub struct RegistroAvroEvents<D> {
    codec: Arc<AvroCodec>,
    topic: &'static str,
    source: &'static str,
    _datos: PhantomData<fn() -> D>,
}

impl<D> RegistroAvroEvents<D> {
    pub fn new(codec: Arc<AvroCodec>, topic: &'static str, source: &'static str) -> Self {
        Self {
            codec,
            topic,
            source,
            _datos: PhantomData,
        }
    }
}

impl<D: DatosRegistro> EventTranslator<RegistroEvent<D>> for RegistroAvroEvents<D> {
    fn translate(
        &self,
        event: &RegistroEvent<D>,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        let mut decimals: Vec<(String, f64)> = Vec::new();
        let mut data: BTreeMap<&str, Field> = BTreeMap::new();
        data.insert(D::ID_FIELD, Field::Text(event.id().to_string()));
        match event {
            RegistroEvent::Creado { datos, fecha, .. } => {
                for f in D::FIELDS {
                    let value = datos.field(f);
                    // Left out, a nullable field takes its default: null.
                    if !(value.is_empty() && D::OPTIONAL_FIELDS.contains(f)) {
                        data.insert(f, Field::Text(value.to_owned()));
                    }
                }
                // Schema v2 carries numeric copies; v1 writers drop them.
                for f in D::DECIMAL_FIELDS {
                    if let Some(n) = datos
                        .field(f)
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|n| n.is_finite())
                    {
                        decimals.push((format!("{f}_decimal"), n));
                    }
                }
                data.insert("estado", Field::Text(Estado::Pendiente.to_string()));
                data.insert("fecha_creacion", Field::Long(fecha.timestamp_millis()));
            }
            RegistroEvent::Aprobado { fecha, .. } => {
                data.insert("estado", Field::Text(Estado::Aprobada.to_string()));
                data.insert("fecha_actualizacion", Field::Long(fecha.timestamp_millis()));
            }
            RegistroEvent::Rechazado { motivos, fecha, .. } => {
                data.insert("estado", Field::Text(Estado::Rechazada.to_string()));
                data.insert("motivos", Field::List(motivos.clone()));
                data.insert("fecha_actualizacion", Field::Long(fecha.timestamp_millis()));
            }
        }
        for (name, n) in &decimals {
            data.insert(name.as_str(), Field::Double(*n));
        }
        let header = EnvelopeHeader::new(
            event.name(),
            self.source,
            &ctx.correlation_id,
            Some(&ctx.command_id),
        );
        self.codec
            .message(self.topic, &event.id().to_string(), &header, &data)
            .map_err(|e| TranslateError {
                event: event.name().to_owned(),
                reason: e.to_string(),
            })
    }
}

/// Decodes and validates commands from the context's command topic (any
/// writer version). An error names what is wrong; the message is poison.
pub struct RegistroCommandDecoder<D> {
    codec: Arc<AvroCodec>,
    _datos: PhantomData<fn() -> D>,
}

impl<D> RegistroCommandDecoder<D> {
    pub fn new(codec: Arc<AvroCodec>) -> Self {
        Self {
            codec,
            _datos: PhantomData,
        }
    }
}

impl<D: DatosRegistro> CommandDecoder<Registro<D>> for RegistroCommandDecoder<D> {
    fn decode(
        &self,
        message: &Message,
    ) -> Result<(EnvelopeHeader, ReviewCommand<Registro<D>>), String> {
        let decoded = self
            .codec
            .decode_message(message)
            .map_err(|e| e.to_string())?;
        let id = |decoded: &crate::seedwork::infrastructure::avro::Decoded| {
            let raw = decoded
                .text(D::ID_FIELD)
                .ok_or_else(|| format!("{}: missing", D::ID_FIELD))?;
            EntityId::parse(D::ID_FIELD, &raw).map_err(|e| e.to_string())
        };
        let kind = decoded.header.message_type.as_str();
        let command = if kind == D::CREAR {
            // Without an explicit id the command id names the record, so a
            // re-sent creation targets the same record.
            let id = match decoded.text(D::ID_FIELD) {
                Some(raw) => EntityId::parse(D::ID_FIELD, &raw),
                None => EntityId::parse("id", &decoded.header.id),
            }
            .map_err(|e| e.to_string())?;
            let datos = D::parse(&|f: &str| decoded.text(f).unwrap_or_default())
                .map_err(|e| e.to_string())?;
            ReviewCommand::Crear(Crear { id, datos })
        } else if kind == D::APROBAR {
            ReviewCommand::Aprobar(Aprobar::new(id(&decoded)?))
        } else if kind == D::RECHAZAR {
            let motivos = decoded.texts("motivos").unwrap_or_default();
            ReviewCommand::Rechazar(Rechazar::new(
                id(&decoded)?,
                Motivos::parse(&motivos).map_err(|e| e.to_string())?,
            ))
        } else {
            return Err(format!("{} carries no command {kind}", message.topic));
        };
        Ok((decoded.header, command))
    }
}
