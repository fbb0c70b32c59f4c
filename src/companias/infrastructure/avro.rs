//! The Avro mapping of `companias`: its events as `eventos-companias`
//! records, and `comandos-companias` records (any writer version) as
//! validated commands. Field names are those of `schemas/`.

use std::sync::Arc;

use crate::companias::application::{AprobarCompania, CrearCompania, RechazarCompania};
use crate::companias::domain::{
    CompaniaAprobada, CompaniaCreada, CompaniaEvent, CompaniaRechazada, DatosCompania,
};
use crate::contracts::{services, topics, types};
use crate::seedwork::application::{CommandContext, EventTranslator, Message, TranslateError};
use crate::seedwork::domain::{EntityId, Estado, Motivos};
use crate::seedwork::infrastructure::avro::{
    AvroCodec, Decoded, EnvelopeHeader, EventEncoder, Field, Payload, RecordContract, creation_id,
    id_field, optional_text, writes_latest,
};

const ID: &str = "id_compania";

/// Encodes a company's events for `eventos-companias`.
pub struct AvroEventosCompania {
    encoder: EventEncoder,
}

impl AvroEventosCompania {
    pub fn new(codec: Arc<AvroCodec>) -> Self {
        Self {
            encoder: EventEncoder::new(codec, topics::EVENTOS_COMPANIAS, services::COMPANIAS),
        }
    }
}

fn creada(e: &CompaniaCreada) -> Payload {
    let d = &e.datos;
    let mut data = Payload::from([
        (ID, Field::Text(e.id.to_string())),
        ("nombre", Field::Text(d.nombre.to_string())),
        ("email", Field::Text(d.email.to_string())),
        ("identificacion", Field::Text(d.identificacion.to_string())),
        ("estado", Field::Text(Estado::Pendiente.to_string())),
        ("fecha_creacion", Field::Long(e.fecha.timestamp_millis())),
    ]);
    optional_text(&mut data, "pais", d.pais.as_str());
    optional_text(&mut data, "telefono", d.telefono.as_str());
    data
}

fn aprobada(e: &CompaniaAprobada) -> Payload {
    Payload::from([
        (ID, Field::Text(e.id.to_string())),
        ("estado", Field::Text(Estado::Aprobada.to_string())),
        (
            "fecha_actualizacion",
            Field::Long(e.fecha.timestamp_millis()),
        ),
    ])
}

fn rechazada(e: &CompaniaRechazada) -> Payload {
    Payload::from([
        (ID, Field::Text(e.id.to_string())),
        ("estado", Field::Text(Estado::Rechazada.to_string())),
        ("motivos", Field::List(e.motivos.clone())),
        (
            "fecha_actualizacion",
            Field::Long(e.fecha.timestamp_millis()),
        ),
    ])
}

impl EventTranslator<CompaniaEvent> for AvroEventosCompania {
    fn translate(
        &self,
        event: &CompaniaEvent,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        let data = match event {
            CompaniaEvent::CompaniaCreada(e) => creada(e),
            CompaniaEvent::CompaniaAprobada(e) => aprobada(e),
            CompaniaEvent::CompaniaRechazada(e) => rechazada(e),
        };
        self.encoder
            .encode(event.name(), &event.id().to_string(), &data, ctx)
    }
}

/// A command from `comandos-companias`.
#[derive(Debug, Clone)]
pub enum ComandoCompania {
    Crear(CrearCompania),
    Aprobar(AprobarCompania),
    Rechazar(RechazarCompania),
}

impl ComandoCompania {
    /// The record the command addresses.
    pub fn id(&self) -> EntityId {
        match self {
            Self::Crear(c) => c.id,
            Self::Aprobar(c) => c.id,
            Self::Rechazar(c) => c.id,
        }
    }
}

fn crear(decoded: &Decoded) -> Result<CrearCompania, String> {
    let id = creation_id(decoded, ID)?;
    let text = |name: &str| decoded.text(name).unwrap_or_default();
    let datos = DatosCompania::parse(
        &text("nombre"),
        &text("email"),
        &text("identificacion"),
        &text("pais"),
        &text("telefono"),
    )
    .map_err(|e| e.to_string())?;
    Ok(CrearCompania { id, datos })
}

/// Decodes and validates a command (any writer version). An error names
/// what is wrong: the message is poison.
pub fn decodificar_comando(
    codec: &AvroCodec,
    message: &Message,
) -> Result<(EnvelopeHeader, ComandoCompania), String> {
    let decoded = codec.decode_message(message).map_err(|e| e.to_string())?;
    let comando = match decoded.header.message_type.as_str() {
        types::CREAR_COMPANIA => ComandoCompania::Crear(crear(&decoded)?),
        types::APROBAR_COMPANIA => ComandoCompania::Aprobar(AprobarCompania {
            id: id_field(&decoded, ID)?,
            motivo_revision: decoded.text("revision"),
        }),
        types::RECHAZAR_COMPANIA => {
            let motivos = decoded.texts("motivos").unwrap_or_default();
            ComandoCompania::Rechazar(RechazarCompania {
                id: id_field(&decoded, ID)?,
                motivos: Motivos::parse(&motivos).map_err(|e| e.to_string())?,
                motivo_revision: decoded.text("revision"),
            })
        }
        other => return Err(format!("{} carries no command {other}", message.topic)),
    };
    Ok((decoded.header, comando))
}

/// The records this mapping writes and reads, with the fields it uses. The
/// v2 fields (`pais`, `telefono`) and the commands' v3 `motivo_revision` are
/// required only of a writer that writes the newest version.
pub fn contrato(codec: &AvroCodec) -> Vec<RecordContract> {
    let newest = writes_latest(codec, topics::COMANDOS_COMPANIAS)
        && writes_latest(codec, topics::EVENTOS_COMPANIAS);
    let motivo_revision: &[&'static str] = match newest {
        true => &["revision"],
        false => &[],
    };
    let mut datos = vec!["nombre", "email", "identificacion"];
    if newest {
        datos.extend(["pais", "telefono"]);
    }
    let with = |extra: &[&'static str]| [&[ID][..], extra, &datos].concat();
    vec![
        RecordContract {
            topic: topics::COMANDOS_COMPANIAS,
            record: types::CREAR_COMPANIA,
            fields: with(&[]),
        },
        RecordContract {
            topic: topics::COMANDOS_COMPANIAS,
            record: types::APROBAR_COMPANIA,
            fields: [&[ID][..], motivo_revision].concat(),
        },
        RecordContract {
            topic: topics::COMANDOS_COMPANIAS,
            record: types::RECHAZAR_COMPANIA,
            fields: [&[ID, "motivos"][..], motivo_revision].concat(),
        },
        RecordContract {
            topic: topics::EVENTOS_COMPANIAS,
            record: types::COMPANIA_CREADA,
            fields: with(&["estado", "fecha_creacion"]),
        },
        RecordContract {
            topic: topics::EVENTOS_COMPANIAS,
            record: types::COMPANIA_APROBADA,
            fields: vec![ID, "estado", "fecha_actualizacion"],
        },
        RecordContract {
            topic: topics::EVENTOS_COMPANIAS,
            record: types::COMPANIA_RECHAZADA,
            fields: vec![ID, "estado", "motivos", "fecha_actualizacion"],
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seedwork::infrastructure::avro::{SchemaRegistry, require_contract};

    fn codec() -> AvroCodec {
        AvroCodec::new(Arc::new(SchemaRegistry::embedded().expect("schemas")))
    }

    #[test]
    fn the_mapping_matches_the_newest_schemas() {
        let codec = codec();
        assert!(require_contract(&codec, &contrato(&codec)).is_ok());
        let mut broken = contrato(&codec);
        broken[0].fields.push("fax");
        let missing = require_contract(&codec, &broken).unwrap_err();
        assert!(missing.to_string().contains("fax"), "{missing}");
    }

    #[test]
    fn a_writer_pinned_to_v1_needs_no_optional_field() {
        let pinned = codec()
            .with_writer_version(topics::COMANDOS_COMPANIAS, 1)
            .with_writer_version(topics::EVENTOS_COMPANIAS, 1);
        let contract = contrato(&pinned);
        assert!(!contract[0].fields.contains(&"pais"));
        assert!(require_contract(&pinned, &contract).is_ok());
    }

    /// A `comandos-companias` message of `kind` from `writer`, with
    /// `motivo_revision` when given.
    fn decision(writer: &AvroCodec, kind: &str, motivo_revision: Option<&str>) -> Message {
        let id = "0192f3a0-0000-7000-8000-000000000001";
        let mut data = Payload::from([(ID, Field::Text(id.into()))]);
        if kind == types::RECHAZAR_COMPANIA {
            data.insert("motivos", Field::List(vec!["email faltante".into()]));
        }
        if let Some(motivo_revision) = motivo_revision {
            data.insert("revision", Field::Text(motivo_revision.into()));
        }
        let header = EnvelopeHeader::new(kind, "auditoria", "corr", None);
        writer
            .message(topics::COMANDOS_COMPANIAS, id, &header, &data)
            .expect("encodes")
    }

    #[test]
    fn a_decision_carries_its_revision_and_an_older_writer_none() {
        let reader = codec();
        let revisada = decision(&reader, types::APROBAR_COMPANIA, Some("reabierta"));
        match decodificar_comando(&reader, &revisada) {
            Ok((_, ComandoCompania::Aprobar(c))) => {
                assert_eq!(c.motivo_revision.as_deref(), Some("reabierta"))
            }
            other => panic!("{other:?}"),
        }
        let v2 = codec().with_writer_version(topics::COMANDOS_COMPANIAS, 2);
        let ordinaria = decision(&v2, types::RECHAZAR_COMPANIA, None);
        match decodificar_comando(&reader, &ordinaria) {
            Ok((_, ComandoCompania::Rechazar(c))) => assert_eq!(c.motivo_revision, None),
            other => panic!("{other:?}"),
        }
    }
}
