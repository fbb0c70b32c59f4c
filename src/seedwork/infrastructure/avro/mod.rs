//! The Avro codec: envelopes encoded with the writer schema of
//! `schemas/<topic>/vN.avsc` and decoded against the reader's own version.

mod codec;
mod comandos;
mod payload;
mod rechazo;
mod registry;
pub mod revision;

pub use codec::{AvroCodec, CodecError, Decoded, EnvelopeHeader, traceparent};
pub use comandos::{ComandoDeTopico, ComandosConsumer, ComandosDeRegistro};
pub use payload::{
    EventEncoder, Field, Payload, RecordContract, creation_id, id_field, optional_text,
    require_contract, writes_latest,
};
pub use rechazo::RespuestaRechazo;
pub use registry::{SchemaRegistry, TopicSchemas};
