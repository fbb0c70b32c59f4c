//! The Avro codec: envelopes encoded with the writer schema of
//! `schemas/<topic>/vN.avsc` and decoded against the reader's own version.

mod codec;
mod registry;

pub use codec::{AvroCodec, CodecError, Decoded, EnvelopeHeader, traceparent};
pub use registry::{SchemaRegistry, TopicSchemas};
