use std::collections::BTreeMap;

use serde::Serialize;

use super::AvroCodec;
use crate::seedwork::infrastructure::InfraError;

/// A payload field; the record schema in `schemas/` gives it its Avro type
/// when the codec resolves the payload against it. A field left out takes
/// the schema's default (null for the optional fields later versions add).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Field {
    Text(String),
    Long(i64),
    Double(f64),
    Bool(bool),
    List(Vec<String>),
}

/// A payload by field name.
pub type Payload = BTreeMap<&'static str, Field>;

/// Adds an optional text field: left out (null on the wire) when blank.
pub fn optional_text(payload: &mut Payload, name: &'static str, value: &str) {
    if !value.is_empty() {
        payload.insert(name, Field::Text(value.to_owned()));
    }
}

/// One record a context writes or reads, with the fields its mapping needs.
pub struct RecordContract {
    pub topic: &'static str,
    pub record: &'static str,
    pub fields: Vec<&'static str>,
}

/// Checks at start that the context's Rust mapping matches `schemas/`, so a
/// contract change fails the start, not the first message.
pub fn require_contract(codec: &AvroCodec, records: &[RecordContract]) -> Result<(), InfraError> {
    for r in records {
        codec
            .require_fields(r.topic, r.record, &r.fields)
            .map_err(|e| InfraError::Schema {
                file: format!("schemas/{}", r.topic),
                reason: e.to_string(),
            })?;
    }
    Ok(())
}

/// Whether `topic` is written with its newest schema version: only then
/// must the optional fields later versions add exist in the writer schema
/// (a writer pinned to an older version, in a rolling upgrade, lacks them).
pub fn writes_latest(codec: &AvroCodec, topic: &str) -> bool {
    codec.writer_version(topic).ok() == codec.registry().topic(topic).map(|t| t.latest_version())
}

/// Encodes a context's events as envelopes on its event topic: the event's
/// name as type, the service as source, the command as causation.
pub struct EventEncoder {
    codec: std::sync::Arc<AvroCodec>,
    topic: &'static str,
    source: &'static str,
}

impl EventEncoder {
    pub fn new(
        codec: std::sync::Arc<AvroCodec>,
        topic: &'static str,
        source: &'static str,
    ) -> Self {
        Self {
            codec,
            topic,
            source,
        }
    }

    /// The message of one event (`key`: its aggregate's id).
    pub fn encode(
        &self,
        name: &str,
        key: &str,
        payload: &Payload,
        ctx: &crate::seedwork::application::CommandContext,
    ) -> Result<crate::seedwork::application::Message, crate::seedwork::application::TranslateError>
    {
        let header = super::EnvelopeHeader::new(
            name,
            self.source,
            &ctx.correlation_id,
            Some(&ctx.command_id),
        );
        self.codec
            .message(self.topic, key, &header, payload)
            .map_err(|e| crate::seedwork::application::TranslateError {
                event: name.to_owned(),
                reason: e.to_string(),
            })
    }
}

/// A payload's id field, required and a UUID.
pub fn id_field(
    decoded: &super::Decoded,
    field: &str,
) -> Result<crate::seedwork::domain::EntityId, String> {
    let raw = decoded
        .text(field)
        .ok_or_else(|| format!("{field}: missing"))?;
    crate::seedwork::domain::EntityId::parse(field, &raw).map_err(|e| e.to_string())
}

/// The id a creation names, or else its command id: a re-sent creation
/// then targets the same record.
pub fn creation_id(
    decoded: &super::Decoded,
    field: &str,
) -> Result<crate::seedwork::domain::EntityId, String> {
    match decoded.text(field) {
        Some(raw) => crate::seedwork::domain::EntityId::parse(field, &raw),
        None => crate::seedwork::domain::EntityId::parse("id", &decoded.header.id),
    }
    .map_err(|e| e.to_string())
}
