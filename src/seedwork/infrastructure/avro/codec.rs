use std::collections::BTreeMap;
use std::sync::Arc;

use apache_avro::Schema;
use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::schema::{RecordSchema, UnionSchema};
use apache_avro::types::Value;
use apache_avro::writer::datum::GenericDatumWriter;
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

use super::SchemaRegistry;
use crate::seedwork::application::{CAUSATION_PROPERTY, Message};

#[derive(Debug, Error)]
pub enum CodecError {
    #[error("no schema for topic {0}")]
    UnknownTopic(String),
    #[error("topic {topic} has no schema version {version}")]
    UnknownVersion { topic: String, version: u32 },
    #[error("schema of {0} is not an envelope record with a `data` union")]
    NotAnEnvelope(String),
    #[error("topic {topic} carries no message type {message_type}")]
    UnknownType { topic: String, message_type: String },
    #[error("invalid {message_type}: {reason}")]
    Invalid {
        message_type: String,
        reason: String,
    },
    #[error("undecodable message: {0}")]
    Undecodable(String),
}

/// The CloudEvents-style envelope header every message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeHeader {
    pub id: String,
    pub message_type: String,
    pub specversion: String,
    pub source: String,
    pub time_millis: i64,
    pub correlation_id: String,
    pub causation_id: Option<String>,
    pub datacontenttype: String,
}

impl EnvelopeHeader {
    pub fn new(
        message_type: &str,
        source: &str,
        correlation_id: &str,
        causation_id: Option<&str>,
    ) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            message_type: message_type.to_owned(),
            specversion: "1.0".into(),
            source: source.to_owned(),
            time_millis: chrono::Utc::now().timestamp_millis(),
            correlation_id: correlation_id.to_owned(),
            causation_id: causation_id.map(str::to_owned),
            datacontenttype: "application/avro".into(),
        }
    }
}

/// A decoded envelope: its header and its payload already resolved to the
/// reader's schema version.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub header: EnvelopeHeader,
    pub writer_version: u32,
    data: Value,
}

impl Decoded {
    /// The context of what a consumer does with this message: its id as
    /// the command id, in the message's conversation, caused by it.
    pub fn context(&self) -> crate::seedwork::application::CommandContext {
        let h = &self.header;
        crate::seedwork::application::CommandContext::from_message(
            &h.id,
            &h.correlation_id,
            h.causation_id.as_deref(),
        )
    }

    /// The payload as the reader's Rust type (fields the writer lacked carry
    /// the reader schema's defaults).
    pub fn data<T: DeserializeOwned>(&self) -> Result<T, CodecError> {
        apache_avro::from_value(&self.data).map_err(|e| CodecError::Invalid {
            message_type: self.header.message_type.clone(),
            reason: e.to_string(),
        })
    }

    /// The envelope and its data as JSON, for a person to read (the
    /// operations view's dead letters).
    pub fn as_json(&self) -> serde_json::Value {
        let h = &self.header;
        serde_json::json!({
            "id": h.id,
            "type": h.message_type,
            "source": h.source,
            "time": h.time_millis,
            "correlation_id": h.correlation_id,
            "causation_id": h.causation_id,
            "schema_version": self.writer_version,
            "data": serde_json::Value::try_from(self.data.clone())
                .unwrap_or_else(|e| serde_json::Value::String(format!("(not JSON: {e})"))),
        })
    }

    fn field(&self, name: &str) -> Option<&Value> {
        match &self.data {
            Value::Record(fields) => fields.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A text field of the payload (`None` when absent or null).
    pub fn text(&self, name: &str) -> Option<String> {
        self.field(name).and_then(as_text)
    }

    /// A numeric field of the payload, whether written as int, long, float or double.
    pub fn number(&self, name: &str) -> Option<f64> {
        fn num(v: &Value) -> Option<f64> {
            match v {
                Value::Int(i) => Some(f64::from(*i)),
                Value::Long(l) => Some(*l as f64),
                Value::Float(f) => Some(f64::from(*f)),
                Value::Double(d) => Some(*d),
                Value::Union(_, inner) => num(inner),
                _ => None,
            }
        }
        self.field(name).and_then(num)
    }

    /// A boolean field of the payload.
    pub fn flag(&self, name: &str) -> Option<bool> {
        match self.field(name) {
            Some(Value::Boolean(b)) => Some(*b),
            Some(Value::Union(_, inner)) => match inner.as_ref() {
                Value::Boolean(b) => Some(*b),
                _ => None,
            },
            _ => None,
        }
    }

    /// A list-of-text field of the payload.
    pub fn texts(&self, name: &str) -> Option<Vec<String>> {
        match self.field(name) {
            Some(Value::Array(items)) => Some(items.iter().filter_map(as_text).collect()),
            _ => None,
        }
    }
}

/// Encodes and decodes envelopes with the schemas of `schemas/`.
///
/// Writers use the newest version of a topic unless told otherwise; the
/// version travels as the `schema.version` message property. Readers resolve
/// the writer's data against their own version. The `data` union is resolved
/// by record name as the Avro specification says: apache-avro's own union
/// resolution picks the first branch whose shape fits, which is wrong once
/// two versions of a record differ by a defaulted field.
#[derive(Debug, Clone)]
pub struct AvroCodec {
    registry: Arc<SchemaRegistry>,
    writer_versions: BTreeMap<String, u32>,
}

impl AvroCodec {
    pub fn new(registry: Arc<SchemaRegistry>) -> Self {
        Self {
            registry,
            writer_versions: BTreeMap::new(),
        }
    }

    pub fn registry(&self) -> &SchemaRegistry {
        &self.registry
    }

    /// Pins the version this codec writes on `topic` (a rolling upgrade keeps
    /// writing the old version until every reader knows the new one).
    pub fn with_writer_version(mut self, topic: &str, version: u32) -> Self {
        self.writer_versions.insert(topic.to_owned(), version);
        self
    }

    pub fn writer_version(&self, topic: &str) -> Result<u32, CodecError> {
        if let Some(v) = self.writer_versions.get(topic) {
            return Ok(*v);
        }
        self.registry
            .topic(topic)
            .map(|t| t.latest_version())
            .ok_or_else(|| CodecError::UnknownTopic(topic.to_owned()))
    }

    fn schema(&self, topic: &str, version: u32) -> Result<&Schema, CodecError> {
        self.registry
            .topic(topic)
            .ok_or_else(|| CodecError::UnknownTopic(topic.to_owned()))?
            .schema(version)
            .ok_or_else(|| CodecError::UnknownVersion {
                topic: topic.to_owned(),
                version,
            })
    }

    /// Encodes `data` (whose record name is `header.message_type`) in an
    /// envelope with the writer version of `topic`.
    pub fn encode<T: Serialize>(
        &self,
        topic: &str,
        header: &EnvelopeHeader,
        data: &T,
    ) -> Result<(u32, Vec<u8>), CodecError> {
        let version = self.writer_version(topic)?;
        let bytes = self.encode_version(topic, version, header, data)?;
        Ok((version, bytes))
    }

    pub fn encode_version<T: Serialize>(
        &self,
        topic: &str,
        version: u32,
        header: &EnvelopeHeader,
        data: &T,
    ) -> Result<Vec<u8>, CodecError> {
        let schema = self.schema(topic, version)?;
        let envelope = envelope_record(topic, schema)?;
        let invalid = |reason: String| CodecError::Invalid {
            message_type: header.message_type.clone(),
            reason,
        };
        let mut fields = Vec::with_capacity(envelope.fields.len());
        for field in &envelope.fields {
            let value =
                match field.name.as_str() {
                    "data" => {
                        let union = as_union(topic, &field.schema)?;
                        let (index, branch) = branch_named(union, &header.message_type)
                            .ok_or_else(|| CodecError::UnknownType {
                                topic: topic.to_owned(),
                                message_type: header.message_type.clone(),
                            })?;
                        let value = apache_avro::to_value(data)
                            .map_err(|e| invalid(e.to_string()))?
                            .resolve(branch)
                            .map_err(|e| invalid(e.to_string()))?;
                        Value::Union(index as u32, Box::new(value))
                    }
                    name => header_value(header, name)
                        .or_else(|| field.default.clone().and_then(|d| Value::try_from(d).ok()))
                        .ok_or_else(|| invalid(format!("envelope field {name} has no value")))?
                        .resolve(&field.schema)
                        .map_err(|e| invalid(format!("{name}: {e}")))?,
                };
            fields.push((field.name.clone(), value));
        }
        GenericDatumWriter::builder(schema)
            .build()
            .and_then(|w| w.write_value_to_vec(Value::Record(fields)))
            .map_err(|e| invalid(e.to_string()))
    }

    /// Fails unless the record `message_type` of `topic` (the version this
    /// codec writes) has every field in `fields`: run at start, so a Rust
    /// mapping that drifted from `schemas/` stops the service at once.
    pub fn require_fields(
        &self,
        topic: &str,
        message_type: &str,
        fields: &[&str],
    ) -> Result<(), CodecError> {
        let version = self.writer_version(topic)?;
        let schema = self.schema(topic, version)?;
        let union = as_union(topic, &envelope_field(topic, schema, "data")?.schema)?;
        let (_, branch) =
            branch_named(union, message_type).ok_or_else(|| CodecError::UnknownType {
                topic: topic.to_owned(),
                message_type: message_type.to_owned(),
            })?;
        let Schema::Record(record) = branch else {
            return Err(CodecError::NotAnEnvelope(topic.to_owned()));
        };
        for field in fields {
            if !record.fields.iter().any(|f| f.name == *field) {
                return Err(CodecError::Invalid {
                    message_type: message_type.to_owned(),
                    reason: format!("schemas/{topic}/v{version}.avsc has no field {field}"),
                });
            }
        }
        Ok(())
    }

    /// Decodes bytes written with `writer_version` of `topic`, resolved to this
    /// reader's version of the topic (its newest, or the pinned one).
    pub fn decode(
        &self,
        topic: &str,
        writer_version: u32,
        bytes: &[u8],
    ) -> Result<Decoded, CodecError> {
        let reader_version = self.writer_version(topic)?;
        self.decode_as(topic, writer_version, reader_version, bytes)
    }

    pub fn decode_as(
        &self,
        topic: &str,
        writer_version: u32,
        reader_version: u32,
        bytes: &[u8],
    ) -> Result<Decoded, CodecError> {
        let writer = self.schema(topic, writer_version)?;
        let reader = self.schema(topic, reader_version)?;
        let (fields, writer_index, data) = read_envelope(writer, bytes)?;
        let writer_union = as_union(topic, &envelope_field(topic, writer, "data")?.schema)?;
        let type_name = writer_union
            .variants()
            .get(writer_index as usize)
            .and_then(|s| s.name())
            .map(|n| n.name().to_owned())
            .ok_or_else(|| CodecError::Undecodable(format!("no union branch {writer_index}")))?;
        let reader_union = as_union(topic, &envelope_field(topic, reader, "data")?.schema)?;
        let (_, reader_branch) =
            branch_named(reader_union, &type_name).ok_or_else(|| CodecError::UnknownType {
                topic: topic.to_owned(),
                message_type: type_name.clone(),
            })?;
        let data = data
            .resolve(reader_branch)
            .map_err(|e| CodecError::Invalid {
                message_type: type_name.clone(),
                reason: e.to_string(),
            })?;
        let header = envelope_header(&fields, &type_name)?;
        if header.message_type != type_name {
            return Err(CodecError::Undecodable(format!(
                "envelope type {} does not match its data {type_name}",
                header.message_type
            )));
        }
        Ok(Decoded {
            header,
            writer_version,
            data,
        })
    }

    /// A bus message for `data`, keyed by `key`, with the envelope header.
    pub fn message<T: Serialize>(
        &self,
        topic: &str,
        key: &str,
        header: &EnvelopeHeader,
        data: &T,
    ) -> Result<Message, CodecError> {
        let (version, payload) = self.encode(topic, header, data)?;
        let mut properties = BTreeMap::new();
        properties.insert("schema.version".to_owned(), version.to_string());
        properties.insert("type".to_owned(), header.message_type.clone());
        properties.insert("correlation_id".to_owned(), header.correlation_id.clone());
        // What caused it, readable without decoding: a replay matches a
        // command's refusal (`ComandoRechazado`) to the command by it.
        if let Some(causation) = &header.causation_id {
            properties.insert(CAUSATION_PROPERTY.to_owned(), causation.clone());
        }
        properties.insert(
            "traceparent".to_owned(),
            traceparent(&header.correlation_id, &header.id),
        );
        Ok(Message {
            id: header.id.clone(),
            topic: topic.to_owned(),
            key: key.to_owned(),
            message_type: header.message_type.clone(),
            schema_version: version,
            properties,
            payload,
            redelivery_count: 0,
        })
    }

    /// Decodes a bus message using its `schema.version`.
    pub fn decode_message(&self, message: &Message) -> Result<Decoded, CodecError> {
        self.decode(&message.topic, message.schema_version, &message.payload)
    }

    /// Decodes a consumed message; one that does not decode is poison (it
    /// will never decode: dead-lettered at once).
    pub fn decode_consumed(
        &self,
        message: &Message,
    ) -> Result<Decoded, crate::seedwork::application::HandleError> {
        self.decode_message(message)
            .map_err(|e| crate::seedwork::application::HandleError::Poison(e.to_string()))
    }
}

/// The envelope's header fields (everything but `data`); `type` defaults
/// to the data's record name, which it must match.
fn envelope_header(
    fields: &[(String, Value)],
    type_name: &str,
) -> Result<EnvelopeHeader, CodecError> {
    let get = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v);
    let text = |name: &str| get(name).and_then(as_text);
    Ok(EnvelopeHeader {
        id: text("id").ok_or_else(|| CodecError::Undecodable("envelope without id".into()))?,
        message_type: text("type").unwrap_or_else(|| type_name.to_owned()),
        specversion: text("specversion").unwrap_or_else(|| "1.0".into()),
        source: text("source").unwrap_or_default(),
        time_millis: match get("time") {
            Some(Value::Long(t)) | Some(Value::TimestampMillis(t)) => *t,
            _ => 0,
        },
        correlation_id: text("correlation_id").unwrap_or_default(),
        causation_id: text("causation_id"),
        datacontenttype: text("datacontenttype").unwrap_or_else(|| "application/avro".into()),
    })
}

/// A W3C `traceparent` whose trace id is the correlation id (a UUID's 32 hex
/// digits, or a hash of another id) and whose span is this message.
pub fn traceparent(correlation_id: &str, message_id: &str) -> String {
    fn hex_of(text: &str, len: usize) -> String {
        let compact: String = text
            .chars()
            .filter(char::is_ascii_hexdigit)
            .collect::<String>()
            .to_ascii_lowercase();
        if compact.len() >= len && text.len() == 36 {
            return compact[compact.len() - len..].to_owned();
        }
        // Not a UUID: a stable FNV-1a hash, widened to the length asked.
        let mut out = String::new();
        let mut seed = 0xcbf2_9ce4_8422_2325u64;
        while out.len() < len {
            for b in text.bytes() {
                seed ^= u64::from(b);
                seed = seed.wrapping_mul(0x0100_0000_01b3);
            }
            out.push_str(&format!("{seed:016x}"));
        }
        out[..len].to_owned()
    }
    format!(
        "00-{}-{}-01",
        hex_of(correlation_id, 32),
        hex_of(message_id, 16)
    )
}

fn envelope_record<'a>(topic: &str, schema: &'a Schema) -> Result<&'a RecordSchema, CodecError> {
    match schema {
        Schema::Record(record) => Ok(record),
        _ => Err(CodecError::NotAnEnvelope(topic.to_owned())),
    }
}

fn envelope_field<'a>(
    topic: &str,
    schema: &'a Schema,
    name: &str,
) -> Result<&'a apache_avro::schema::RecordField, CodecError> {
    envelope_record(topic, schema)?
        .fields
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| CodecError::NotAnEnvelope(topic.to_owned()))
}

fn as_union<'a>(topic: &str, schema: &'a Schema) -> Result<&'a UnionSchema, CodecError> {
    match schema {
        Schema::Union(union) => Ok(union),
        _ => Err(CodecError::NotAnEnvelope(topic.to_owned())),
    }
}

fn branch_named<'a>(union: &'a UnionSchema, name: &str) -> Option<(usize, &'a Schema)> {
    union
        .variants()
        .iter()
        .enumerate()
        .find(|(_, s)| s.name().is_some_and(|n| n.name() == name))
}

fn header_value(header: &EnvelopeHeader, field: &str) -> Option<Value> {
    Some(match field {
        "id" => Value::String(header.id.clone()),
        "type" => Value::String(header.message_type.clone()),
        "specversion" => Value::String(header.specversion.clone()),
        "source" => Value::String(header.source.clone()),
        "time" => Value::Long(header.time_millis),
        "correlation_id" => Value::String(header.correlation_id.clone()),
        "causation_id" => match &header.causation_id {
            Some(c) => Value::String(c.clone()),
            None => Value::Null,
        },
        "datacontenttype" => Value::String(header.datacontenttype.clone()),
        _ => return None,
    })
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Union(_, inner) => as_text(inner),
        _ => None,
    }
}

/// An envelope's fields but its data, its data's union branch and value.
type EnvelopeRead = (Vec<(String, Value)>, u32, Value);

/// The envelope's fields as its writer wrote them, apart from its data:
/// the index of the data's union branch and its value.
fn read_envelope(writer: &Schema, bytes: &[u8]) -> Result<EnvelopeRead, CodecError> {
    let mut slice = bytes;
    let value = GenericDatumReader::builder(writer)
        .build()
        .and_then(|r| r.read_value(&mut slice))
        .map_err(|e| CodecError::Undecodable(e.to_string()))?;
    if !slice.is_empty() {
        return Err(CodecError::Undecodable(format!(
            "{} trailing bytes",
            slice.len()
        )));
    }
    let Value::Record(mut fields) = value else {
        return Err(CodecError::Undecodable("envelope is not a record".into()));
    };
    let data_pos = fields
        .iter()
        .position(|(n, _)| n == "data")
        .ok_or_else(|| CodecError::Undecodable("envelope without data".into()))?;
    let (_, data) = fields.swap_remove(data_pos);
    let Value::Union(writer_index, data) = data else {
        return Err(CodecError::Undecodable("data is not a union".into()));
    };
    Ok((fields, writer_index, *data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codec() -> AvroCodec {
        AvroCodec::new(Arc::new(
            SchemaRegistry::embedded().expect("schemas/ parse"),
        ))
    }

    #[derive(Debug, Serialize, serde::Deserialize, PartialEq)]
    struct Aprobar {
        id_compania: String,
    }

    #[test]
    fn every_schema_file_is_an_envelope_with_a_data_union() {
        let codec = codec();
        let mut topics = 0;
        for (topic, schemas) in codec.registry().topics() {
            for version in schemas.versions() {
                let schema = schemas.schema(version).expect("parsed");
                let data = envelope_field(topic, schema, "data").expect("data field");
                assert!(as_union(topic, &data.schema).is_ok(), "{topic} v{version}");
                for header in ["id", "type", "source", "time", "correlation_id"] {
                    envelope_field(topic, schema, header).expect("header field");
                }
            }
            topics += 1;
        }
        assert!(topics >= 2);
    }

    #[test]
    fn round_trips_an_envelope() {
        let codec = codec();
        let header = EnvelopeHeader::new("AprobarCompania", "test", "corr", Some("cause"));
        let data = Aprobar {
            id_compania: "c-1".into(),
        };
        let message = codec
            .message("comandos-companias", "c-1", &header, &data)
            .expect("encode");
        assert_eq!(
            message.properties["schema.version"],
            codec
                .writer_version("comandos-companias")
                .expect("version")
                .to_string()
        );
        assert_eq!(message.properties["type"], "AprobarCompania");
        let decoded = codec.decode_message(&message).expect("decode");
        assert_eq!(decoded.header, header);
        assert_eq!(decoded.data::<Aprobar>().expect("data"), data);
    }

    #[test]
    fn a_mapping_that_drifted_from_the_schema_is_caught_at_start() {
        let codec = codec();
        assert!(
            codec
                .require_fields("comandos-companias", "CrearCompania", &["nombre", "email"])
                .is_ok()
        );
        let err = codec
            .require_fields(
                "comandos-companias",
                "CrearCompania",
                &["nombre", "razon_social"],
            )
            .expect_err("missing field");
        assert!(err.to_string().contains("razon_social"), "{err}");
        assert!(
            codec
                .require_fields("comandos-companias", "BorrarCompania", &[])
                .is_err()
        );
    }

    #[test]
    fn refuses_a_type_the_topic_does_not_carry() {
        let header = EnvelopeHeader::new("BorrarCompania", "test", "corr", None);
        let err = codec()
            .message(
                "comandos-companias",
                "k",
                &header,
                &Aprobar {
                    id_compania: "x".into(),
                },
            )
            .expect_err("unknown type");
        assert!(matches!(err, CodecError::UnknownType { .. }));
    }

    #[test]
    fn refuses_data_that_does_not_fit_the_record() {
        #[derive(Serialize)]
        struct Wrong {
            id_compania: i64,
        }
        let header = EnvelopeHeader::new("AprobarCompania", "test", "corr", None);
        let err = codec().message(
            "comandos-companias",
            "k",
            &header,
            &Wrong { id_compania: 3 },
        );
        assert!(matches!(err, Err(CodecError::Invalid { .. })));
    }

    #[test]
    fn garbage_and_trailing_bytes_are_undecodable() {
        let codec = codec();
        assert!(matches!(
            codec.decode("comandos-companias", 1, b"\xff\xff\xff garbage"),
            Err(CodecError::Undecodable(_))
        ));
        let header = EnvelopeHeader::new("AprobarCompania", "test", "corr", None);
        let (_, mut bytes) = codec
            .encode(
                "comandos-companias",
                &header,
                &Aprobar {
                    id_compania: "x".into(),
                },
            )
            .expect("encode");
        bytes.push(0);
        assert!(matches!(
            codec.decode("comandos-companias", 1, &bytes),
            Err(CodecError::Undecodable(_))
        ));
        assert!(matches!(
            codec.decode("comandos-companias", 9, &bytes),
            Err(CodecError::UnknownVersion { .. })
        ));
    }
}
