//! The review's fields on the wire, the same for every reviewed record: an
//! approval's and a rejection's event, a rejection command's reasons and a
//! decision command as a test writes it. A context's mapping names its id
//! field and adds its own fields.

use chrono::{DateTime, Utc};

use super::{Decoded, Field, Payload};
use crate::seedwork::domain::{EntityId, Estado, Motivos};

/// `…Aprobada`: the record, its estado and when it changed.
pub fn aprobada(id_field: &'static str, id: EntityId, fecha: DateTime<Utc>) -> Payload {
    Payload::from([
        (id_field, Field::Text(id.to_string())),
        ("estado", Field::Text(Estado::Aprobada.to_string())),
        ("fecha_actualizacion", Field::Long(fecha.timestamp_millis())),
    ])
}

/// `…Rechazada`: the record, its estado, why and when.
pub fn rechazada(
    id_field: &'static str,
    id: EntityId,
    motivos: &[String],
    fecha: DateTime<Utc>,
) -> Payload {
    Payload::from([
        (id_field, Field::Text(id.to_string())),
        ("estado", Field::Text(Estado::Rechazada.to_string())),
        ("motivos", Field::List(motivos.to_vec())),
        ("fecha_actualizacion", Field::Long(fecha.timestamp_millis())),
    ])
}

/// A rejection command's reasons, validated (none, or a blank one, is an
/// error naming the field).
pub fn motivos(decoded: &Decoded) -> Result<Motivos, String> {
    let motivos = decoded.texts("motivos").unwrap_or_default();
    Motivos::parse(&motivos).map_err(|e| e.to_string())
}

#[cfg(test)]
pub mod testing {
    //! A context's mapping tests: its contract against the schemas, and
    //! decision commands as another writer (version) sends them.

    use std::sync::Arc;

    use super::super::{
        AvroCodec, EnvelopeHeader, Field, Payload, RecordContract, SchemaRegistry, require_contract,
    };
    use crate::seedwork::application::Message;

    /// The codec over the embedded schemas, newest writer versions.
    pub fn codec() -> AvroCodec {
        AvroCodec::new(Arc::new(SchemaRegistry::embedded().expect("schemas")))
    }

    /// The mapping's contract holds against the newest schemas, and a field
    /// its `record`-th record uses that no schema has would be caught.
    pub fn assert_contract_holds(contrato: fn(&AvroCodec) -> Vec<RecordContract>, record: usize) {
        let codec = codec();
        require_contract(&codec, &contrato(&codec)).expect("contract");
        let mut broken = contrato(&codec);
        broken[record].fields.push("fax");
        let missing = require_contract(&codec, &broken).unwrap_err();
        assert!(missing.to_string().contains("fax"), "{missing}");
    }

    /// A decision command from `writer` on `topic`: `kind` for the record
    /// `id_field`, with `motivos` (a rejection), a `revision` reason and
    /// the context's own boolean `flags` set, when given.
    pub struct Decision<'a> {
        pub topic: &'a str,
        pub id_field: &'static str,
        pub kind: &'a str,
        pub motivos: Option<&'a str>,
        pub revision: Option<&'a str>,
        pub flags: &'a [&'static str],
    }

    impl Decision<'_> {
        pub fn message(&self, writer: &AvroCodec) -> Message {
            let id = "0192f3a0-0000-7000-8000-000000000001";
            let mut data = Payload::from([(self.id_field, Field::Text(id.into()))]);
            if let Some(motivo) = self.motivos {
                data.insert("motivos", Field::List(vec![motivo.into()]));
            }
            if let Some(revision) = self.revision {
                data.insert("revision", Field::Text(revision.into()));
            }
            for flag in self.flags {
                data.insert(flag, Field::Bool(true));
            }
            let header = EnvelopeHeader::new(self.kind, "test", "corr", None);
            writer
                .message(self.topic, id, &header, &data)
                .expect("encodes")
        }
    }
}
