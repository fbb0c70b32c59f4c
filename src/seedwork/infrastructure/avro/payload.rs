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
