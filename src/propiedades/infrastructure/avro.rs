//! The Avro mapping of `propiedades`: its events as `eventos-propiedades`
//! records, and `comandos-propiedades` records as validated commands.
//! Field names are those of `schemas/`.

use std::sync::Arc;

use crate::contracts::{services, topics, types};
use crate::propiedades::application::{
    AprobarPropiedad, CrearPropiedad, EliminarPropiedad, RechazarPropiedad,
};
use crate::propiedades::domain::{
    CreacionPropiedadFallida, DatosPropiedad, PropiedadCreada, PropiedadEliminada, PropiedadEvent,
};
use crate::seedwork::application::{CommandContext, EventTranslator, Message, TranslateError};
use crate::seedwork::domain::{EntityId, Estado};
use crate::seedwork::infrastructure::avro::{
    AvroCodec, ComandoDeTopico, Decoded, EventEncoder, Field, Payload, RecordContract, creation_id,
    id_field, revision, writes_latest,
};

const ID: &str = "id_propiedad";

/// Encodes a property's events for `eventos-propiedades`.
pub struct AvroEventosPropiedad {
    encoder: EventEncoder,
}

impl AvroEventosPropiedad {
    pub fn new(codec: Arc<AvroCodec>) -> Self {
        Self {
            encoder: EventEncoder::new(codec, topics::EVENTOS_PROPIEDADES, services::PROPIEDADES),
        }
    }
}

fn creada(e: &PropiedadCreada) -> Payload {
    let d = &e.datos;
    Payload::from([
        (ID, Field::Text(e.id.to_string())),
        ("nombre", Field::Text(d.nombre.to_string())),
        (
            "identificacion_catastral",
            Field::Text(d.identificacion_catastral.to_string()),
        ),
        ("nit", Field::Text(d.nit.to_string())),
        ("estado", Field::Text(Estado::Pendiente.to_string())),
        ("fecha_creacion", Field::Long(e.fecha.timestamp_millis())),
    ])
}

fn eliminada(e: &PropiedadEliminada) -> Payload {
    Payload::from([
        (ID, Field::Text(e.id.to_string())),
        ("motivo", Field::Text(e.motivo.clone())),
        (
            "fecha_actualizacion",
            Field::Long(e.fecha.timestamp_millis()),
        ),
    ])
}

fn fallida(e: &CreacionPropiedadFallida) -> Payload {
    Payload::from([
        (ID, Field::Text(e.id.to_string())),
        (
            "identificacion_catastral",
            Field::Text(e.identificacion_catastral.clone()),
        ),
        ("motivo", Field::Text(e.motivo.clone())),
        ("fecha", Field::Long(e.fecha.timestamp_millis())),
    ])
}

impl EventTranslator<PropiedadEvent> for AvroEventosPropiedad {
    fn translate(
        &self,
        event: &PropiedadEvent,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        let data = match event {
            PropiedadEvent::PropiedadCreada(e) => creada(e),
            PropiedadEvent::PropiedadAprobada(e) => revision::aprobada(ID, e.id, e.fecha),
            PropiedadEvent::PropiedadRechazada(e) => {
                revision::rechazada(ID, e.id, &e.motivos, e.fecha)
            }
            PropiedadEvent::PropiedadEliminada(e) => eliminada(e),
            PropiedadEvent::CreacionPropiedadFallida(e) => fallida(e),
        };
        self.encoder
            .encode(event.name(), &event.id().to_string(), &data, ctx)
    }
}

/// A command from `comandos-propiedades`.
#[derive(Debug, Clone)]
pub enum ComandoPropiedad {
    Crear(CrearPropiedad),
    Aprobar(AprobarPropiedad),
    Rechazar(RechazarPropiedad),
    Eliminar(EliminarPropiedad),
}

fn crear(decoded: &Decoded) -> Result<CrearPropiedad, String> {
    let id = creation_id(decoded, ID)?;
    let text = |name: &str| decoded.text(name).unwrap_or_default();
    let datos = DatosPropiedad::parse(
        &text("nombre"),
        &text("identificacion_catastral"),
        &text("nit"),
    )
    .map_err(|e| e.to_string())?;
    Ok(CrearPropiedad { id, datos })
}

fn rechazar(decoded: &Decoded) -> Result<RechazarPropiedad, String> {
    Ok(RechazarPropiedad {
        id: id_field(decoded, ID)?,
        motivos: revision::motivos(decoded)?,
        motivo_revision: decoded.text("revision"),
    })
}

fn eliminar(decoded: &Decoded) -> Result<EliminarPropiedad, String> {
    Ok(EliminarPropiedad {
        id: id_field(decoded, ID)?,
        motivo: decoded.text("motivo").unwrap_or_default(),
    })
}

impl ComandoDeTopico for ComandoPropiedad {
    /// Which record is which command, validated (any writer version).
    fn de_registro(decoded: &Decoded) -> Result<Option<ComandoPropiedad>, String> {
        let comando = match decoded.header.message_type.as_str() {
            types::CREAR_PROPIEDAD => ComandoPropiedad::Crear(crear(decoded)?),
            types::APROBAR_PROPIEDAD => ComandoPropiedad::Aprobar(AprobarPropiedad {
                id: id_field(decoded, ID)?,
                motivo_revision: decoded.text("revision"),
            }),
            types::RECHAZAR_PROPIEDAD => ComandoPropiedad::Rechazar(rechazar(decoded)?),
            types::ELIMINAR_PROPIEDAD => ComandoPropiedad::Eliminar(eliminar(decoded)?),
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
/// commands' `motivo_revision` (v2) is required only of a writer that writes the
/// newest version.
pub fn contrato(codec: &AvroCodec) -> Vec<RecordContract> {
    let motivo_revision: &[&'static str] = match writes_latest(codec, topics::COMANDOS_PROPIEDADES)
    {
        true => &["revision"],
        false => &[],
    };
    let datos = ["nombre", "identificacion_catastral", "nit"];
    let with = |extra: &[&'static str]| [&[ID][..], extra, &datos].concat();
    let record = |topic, record, fields| RecordContract {
        topic,
        record,
        fields,
    };
    let (comandos, eventos) = (topics::COMANDOS_PROPIEDADES, topics::EVENTOS_PROPIEDADES);
    vec![
        record(comandos, types::CREAR_PROPIEDAD, with(&[])),
        record(
            comandos,
            types::APROBAR_PROPIEDAD,
            [&[ID][..], motivo_revision].concat(),
        ),
        record(
            comandos,
            types::RECHAZAR_PROPIEDAD,
            [&[ID, "motivos"][..], motivo_revision].concat(),
        ),
        record(comandos, types::ELIMINAR_PROPIEDAD, vec![ID, "motivo"]),
        record(
            eventos,
            types::PROPIEDAD_CREADA,
            with(&["estado", "fecha_creacion"]),
        ),
        record(
            eventos,
            types::PROPIEDAD_APROBADA,
            vec![ID, "estado", "fecha_actualizacion"],
        ),
        record(
            eventos,
            types::PROPIEDAD_RECHAZADA,
            vec![ID, "estado", "motivos", "fecha_actualizacion"],
        ),
        record(
            eventos,
            types::PROPIEDAD_ELIMINADA,
            vec![ID, "motivo", "fecha_actualizacion"],
        ),
        record(
            eventos,
            types::CREACION_PROPIEDAD_FALLIDA,
            vec![ID, "identificacion_catastral", "motivo", "fecha"],
        ),
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
    fn the_mapping_matches_the_schemas() {
        assert_contract_holds(contrato, 3);
    }

    /// A `comandos-propiedades` decision of `kind`, with `revision` when
    /// given.
    fn decision<'a>(kind: &'a str, revision: Option<&'a str>) -> Decision<'a> {
        let rechazo = kind == types::RECHAZAR_PROPIEDAD;
        Decision {
            topic: topics::COMANDOS_PROPIEDADES,
            id_field: ID,
            kind,
            motivos: rechazo.then_some("nit desconocido"),
            revision,
            flags: &[],
        }
    }

    #[test]
    fn a_decision_carries_its_revision_and_an_older_writer_none() {
        let reader = codec();
        let revisada = decision(types::RECHAZAR_PROPIEDAD, Some("reabierta")).message(&reader);
        match ComandoPropiedad::decodificar(&reader, &revisada) {
            Ok((_, ComandoPropiedad::Rechazar(c))) => {
                assert_eq!(c.motivo_revision.as_deref(), Some("reabierta"))
            }
            other => panic!("{other:?}"),
        }
        let v1 = codec().with_writer_version(topics::COMANDOS_PROPIEDADES, 1);
        let ordinaria = decision(types::APROBAR_PROPIEDAD, None).message(&v1);
        match ComandoPropiedad::decodificar(&reader, &ordinaria) {
            Ok((_, ComandoPropiedad::Aprobar(c))) => assert_eq!(c.motivo_revision, None),
            other => panic!("{other:?}"),
        }
        let contract = contrato(&v1);
        assert!(!contract[1].fields.contains(&"revision"));
        assert!(require_contract(&v1, &contract).is_ok());
    }
}
