//! The Avro mapping of `geograficos`: its events as `eventos-geograficos`
//! records, and `comandos-geograficos` records (any writer version) as
//! validated commands. Field names are those of `schemas/`.

use std::sync::Arc;

use crate::contracts::{services, topics, types};
use crate::geograficos::application::{
    AprobarDatosGeograficos, CrearDatosGeograficos, EliminarDatosGeograficos,
    RechazarDatosGeograficos,
};
use crate::geograficos::domain::{
    Coordenadas, DatosGeograficosCreados, DatosGeograficosEvent, DatosGeograficosRechazados,
};
use crate::seedwork::application::{CommandContext, EventTranslator, Message, TranslateError};
use crate::seedwork::domain::{EntityId, Estado};
use crate::seedwork::infrastructure::avro::{
    AvroCodec, ComandoDeTopico, Decoded, EventEncoder, Field, Payload, RecordContract, creation_id,
    id_field, optional_text, revision, writes_latest,
};

const ID: &str = "id_datos_geograficos";

/// Encodes a property's geographic data events for `eventos-geograficos`.
pub struct AvroEventosDatosGeograficos {
    encoder: EventEncoder,
}

impl AvroEventosDatosGeograficos {
    pub fn new(codec: Arc<AvroCodec>) -> Self {
        Self {
            encoder: EventEncoder::new(codec, topics::EVENTOS_GEOGRAFICOS, services::GEOGRAFICOS),
        }
    }
}

fn creada(e: &DatosGeograficosCreados) -> Payload {
    let d = &e.datos;
    let mut data = Payload::from([
        (ID, Field::Text(e.id.to_string())),
        (
            "nombre_propiedad",
            Field::Text(d.nombre_propiedad.to_string()),
        ),
        ("latitud", Field::Text(d.latitud.to_string())),
        ("longitud", Field::Text(d.longitud.to_string())),
        ("estado", Field::Text(Estado::Pendiente.to_string())),
        ("fecha_creacion", Field::Long(e.fecha.timestamp_millis())),
    ]);
    optional_text(&mut data, "direccion", d.direccion.as_str());
    // Schema v2 carries numeric copies; a v1 writer leaves them out.
    if let Some(n) = Coordenadas::decimal(&d.latitud) {
        data.insert("latitud_decimal", Field::Double(n));
    }
    if let Some(n) = Coordenadas::decimal(&d.longitud) {
        data.insert("longitud_decimal", Field::Double(n));
    }
    data
}

fn rechazada(e: &DatosGeograficosRechazados) -> Payload {
    let mut data = revision::rechazada(ID, e.id, &e.motivos, e.fecha);
    // Schema v3; left out (false) for an ordinary rejection.
    if e.eliminado {
        data.insert("eliminado", Field::Bool(true));
    }
    data
}

impl EventTranslator<DatosGeograficosEvent> for AvroEventosDatosGeograficos {
    fn translate(
        &self,
        event: &DatosGeograficosEvent,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        let data = match event {
            DatosGeograficosEvent::DatosGeograficosCreados(e) => creada(e),
            DatosGeograficosEvent::DatosGeograficosAprobados(e) => {
                revision::aprobada(ID, e.id, e.fecha)
            }
            DatosGeograficosEvent::DatosGeograficosRechazados(e) => rechazada(e),
        };
        self.encoder
            .encode(event.name(), &event.id().to_string(), &data, ctx)
    }
}

/// A command from `comandos-geograficos`.
#[derive(Debug, Clone)]
pub enum ComandoDatosGeograficos {
    Crear(CrearDatosGeograficos),
    Aprobar(AprobarDatosGeograficos),
    Rechazar(RechazarDatosGeograficos),
    /// `RechazarDatosGeograficos` with `eliminar` (v3): a saga's compensation.
    Eliminar(EliminarDatosGeograficos),
}

fn rechazar(decoded: &Decoded) -> Result<ComandoDatosGeograficos, String> {
    let id = id_field(decoded, ID)?;
    if decoded.flag("eliminar") == Some(true) {
        let motivos = decoded.texts("motivos").unwrap_or_default();
        return Ok(ComandoDatosGeograficos::Eliminar(
            EliminarDatosGeograficos {
                id,
                motivo: motivos.join("; "),
            },
        ));
    }
    Ok(ComandoDatosGeograficos::Rechazar(
        RechazarDatosGeograficos {
            id,
            motivos: revision::motivos(decoded)?,
            motivo_revision: decoded.text("revision"),
        },
    ))
}

fn crear(decoded: &Decoded) -> Result<CrearDatosGeograficos, String> {
    let id = creation_id(decoded, ID)?;
    let text = |name: &str| decoded.text(name).unwrap_or_default();
    let datos = Coordenadas::parse(
        &text("nombre_propiedad"),
        &text("latitud"),
        &text("longitud"),
        &text("direccion"),
    )
    .map_err(|e| e.to_string())?;
    Ok(CrearDatosGeograficos { id, datos })
}

impl ComandoDeTopico for ComandoDatosGeograficos {
    /// Which record is which command, validated (any writer version).
    fn de_registro(decoded: &Decoded) -> Result<Option<ComandoDatosGeograficos>, String> {
        let comando = match decoded.header.message_type.as_str() {
            types::CREAR_DATOS_GEOGRAFICOS => ComandoDatosGeograficos::Crear(crear(decoded)?),
            types::APROBAR_DATOS_GEOGRAFICOS => {
                ComandoDatosGeograficos::Aprobar(AprobarDatosGeograficos {
                    id: id_field(decoded, ID)?,
                    motivo_revision: decoded.text("revision"),
                })
            }
            types::RECHAZAR_DATOS_GEOGRAFICOS => rechazar(decoded)?,
            _ => return Ok(None),
        };
        Ok(Some(comando))
    }

    fn id(&self) -> EntityId {
        match self {
            Self::Crear(c) => c.id,
            Self::Aprobar(c) => c.id,
            Self::Rechazar(c) => c.id,
            Self::Eliminar(c) => c.id,
        }
    }
}

/// The records this mapping writes and reads, with the fields it uses. The
/// optional fields of later versions (`direccion`, v2; `eliminar` and
/// `eliminado`, v3; the commands' `motivo_revision`, v4) are required only of a
/// writer that writes the newest version.
pub fn contrato(codec: &AvroCodec) -> Vec<RecordContract> {
    let newest = writes_latest(codec, topics::COMANDOS_GEOGRAFICOS)
        && writes_latest(codec, topics::EVENTOS_GEOGRAFICOS);
    let mut datos = vec!["nombre_propiedad", "latitud", "longitud"];
    if newest {
        datos.push("direccion");
    }
    let with = |extra: &[&'static str]| [&[ID][..], extra, &datos].concat();
    vec![
        RecordContract {
            topic: topics::COMANDOS_GEOGRAFICOS,
            record: types::CREAR_DATOS_GEOGRAFICOS,
            fields: with(&[]),
        },
        RecordContract {
            topic: topics::COMANDOS_GEOGRAFICOS,
            record: types::APROBAR_DATOS_GEOGRAFICOS,
            fields: if newest {
                vec![ID, "revision"]
            } else {
                vec![ID]
            },
        },
        RecordContract {
            topic: topics::COMANDOS_GEOGRAFICOS,
            record: types::RECHAZAR_DATOS_GEOGRAFICOS,
            fields: if newest {
                vec![ID, "motivos", "eliminar", "revision"]
            } else {
                vec![ID, "motivos"]
            },
        },
        RecordContract {
            topic: topics::EVENTOS_GEOGRAFICOS,
            record: types::DATOS_GEOGRAFICOS_CREADOS,
            fields: with(&["estado", "fecha_creacion"]),
        },
        RecordContract {
            topic: topics::EVENTOS_GEOGRAFICOS,
            record: types::DATOS_GEOGRAFICOS_APROBADOS,
            fields: vec![ID, "estado", "fecha_actualizacion"],
        },
        RecordContract {
            topic: topics::EVENTOS_GEOGRAFICOS,
            record: types::DATOS_GEOGRAFICOS_RECHAZADOS,
            fields: if newest {
                vec![ID, "estado", "motivos", "eliminado", "fecha_actualizacion"]
            } else {
                vec![ID, "estado", "motivos", "fecha_actualizacion"]
            },
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
            .with_writer_version(topics::COMANDOS_GEOGRAFICOS, 1)
            .with_writer_version(topics::EVENTOS_GEOGRAFICOS, 1);
        let contract = contrato(&pinned);
        assert!(!contract[0].fields.contains(&"direccion"));
        assert!(require_contract(&pinned, &contract).is_ok());
    }

    /// A `comandos-geograficos` decision of `kind`, with `revision` and
    /// `eliminar` when given.
    fn decision<'a>(kind: &'a str, revision: Option<&'a str>, eliminar: bool) -> Decision<'a> {
        let rechazo = kind == types::RECHAZAR_DATOS_GEOGRAFICOS;
        Decision {
            topic: topics::COMANDOS_GEOGRAFICOS,
            id_field: ID,
            kind,
            motivos: rechazo.then_some("latitud fuera_de_rango"),
            revision,
            flags: if eliminar { &["eliminar"] } else { &[] },
        }
    }

    #[test]
    fn a_decision_carries_its_revision_and_an_older_writer_none() {
        let reader = codec();
        let revisada =
            decision(types::APROBAR_DATOS_GEOGRAFICOS, Some("reabierta"), false).message(&reader);
        match ComandoDatosGeograficos::decodificar(&reader, &revisada) {
            Ok((_, ComandoDatosGeograficos::Aprobar(c))) => {
                assert_eq!(c.motivo_revision.as_deref(), Some("reabierta"))
            }
            other => panic!("{other:?}"),
        }
        let v3 = codec().with_writer_version(topics::COMANDOS_GEOGRAFICOS, 3);
        let ordinaria = decision(types::RECHAZAR_DATOS_GEOGRAFICOS, None, false).message(&v3);
        match ComandoDatosGeograficos::decodificar(&reader, &ordinaria) {
            Ok((_, ComandoDatosGeograficos::Rechazar(c))) => assert_eq!(c.motivo_revision, None),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_compensation_stays_a_compensation_whatever_its_revision() {
        let reader = codec();
        let message =
            decision(types::RECHAZAR_DATOS_GEOGRAFICOS, Some("reabierta"), true).message(&reader);
        assert!(matches!(
            ComandoDatosGeograficos::decodificar(&reader, &message),
            Ok((_, ComandoDatosGeograficos::Eliminar(_)))
        ));
    }
}
