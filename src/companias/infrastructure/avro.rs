//! The Avro mapping of `companias`: its events as `eventos-companias`
//! records, and `comandos-companias` records (any writer version) as
//! validated commands. Field names are those of `schemas/`.

use std::sync::Arc;

use crate::companias::application::{AprobarCompania, CrearCompania, RechazarCompania};
use crate::companias::domain::{CompaniaCreada, CompaniaEvent, DatosCompania};
use crate::contracts::{services, topics, types};
use crate::seedwork::application::{CommandContext, EventTranslator, Message, TranslateError};
use crate::seedwork::domain::{EntityId, Estado};
use crate::seedwork::infrastructure::avro::{
    AvroCodec, ComandoDeTopico, Decoded, EventEncoder, Field, Payload, RecordContract, creation_id,
    id_field, optional_text, revision, writes_latest,
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

impl EventTranslator<CompaniaEvent> for AvroEventosCompania {
    fn translate(
        &self,
        event: &CompaniaEvent,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        let data = match event {
            CompaniaEvent::CompaniaCreada(e) => creada(e),
            CompaniaEvent::CompaniaAprobada(e) => revision::aprobada(ID, e.id, e.fecha),
            CompaniaEvent::CompaniaRechazada(e) => {
                revision::rechazada(ID, e.id, &e.motivos, e.fecha)
            }
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

impl ComandoDeTopico for ComandoCompania {
    /// Which record is which command, validated (any writer version).
    fn de_registro(decoded: &Decoded) -> Result<Option<ComandoCompania>, String> {
        let comando = match decoded.header.message_type.as_str() {
            types::CREAR_COMPANIA => ComandoCompania::Crear(crear(decoded)?),
            types::APROBAR_COMPANIA => ComandoCompania::Aprobar(AprobarCompania {
                id: id_field(decoded, ID)?,
                motivo_revision: decoded.text("revision"),
            }),
            types::RECHAZAR_COMPANIA => ComandoCompania::Rechazar(RechazarCompania {
                id: id_field(decoded, ID)?,
                motivos: revision::motivos(decoded)?,
                motivo_revision: decoded.text("revision"),
            }),
            _ => return Ok(None),
        };
        Ok(Some(comando))
    }

    fn id(&self) -> EntityId {
        match self {
            Self::Crear(c) => c.id,
            Self::Aprobar(c) => c.id,
            Self::Rechazar(c) => c.id,
        }
    }
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
    use crate::seedwork::infrastructure::avro::require_contract;
    use crate::seedwork::infrastructure::avro::revision::testing::{
        Decision, assert_contract_holds, codec,
    };

    #[test]
    fn the_mapping_matches_the_newest_schemas() {
        assert_contract_holds(contrato, 0);
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

    /// A `comandos-companias` decision of `kind`, with `revision` when given.
    fn decision<'a>(kind: &'a str, revision: Option<&'a str>) -> Decision<'a> {
        let rechazo = kind == types::RECHAZAR_COMPANIA;
        Decision {
            topic: topics::COMANDOS_COMPANIAS,
            id_field: ID,
            kind,
            motivos: rechazo.then_some("email faltante"),
            revision,
            flags: &[],
        }
    }

    #[test]
    fn a_decision_carries_its_revision_and_an_older_writer_none() {
        let reader = codec();
        let revisada = decision(types::APROBAR_COMPANIA, Some("reabierta")).message(&reader);
        match ComandoCompania::decodificar(&reader, &revisada) {
            Ok((_, ComandoCompania::Aprobar(c))) => {
                assert_eq!(c.motivo_revision.as_deref(), Some("reabierta"))
            }
            other => panic!("{other:?}"),
        }
        let v2 = codec().with_writer_version(topics::COMANDOS_COMPANIAS, 2);
        let ordinaria = decision(types::RECHAZAR_COMPANIA, None).message(&v2);
        match ComandoCompania::decodificar(&reader, &ordinaria) {
            Ok((_, ComandoCompania::Rechazar(c))) => assert_eq!(c.motivo_revision, None),
            other => panic!("{other:?}"),
        }
    }
}
