use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::bff_web::SERVICE;
use crate::bff_web::application::{ComandoEncoder, ComandoSaliente, TipoRegistro};
use crate::contracts::topics;
use crate::seedwork::application::{CommandContext, Message, TranslateError};
use crate::seedwork::infrastructure::avro::{AvroCodec, EnvelopeHeader, Field};

/// Encodes commands with the command topics' schemas in `schemas/`.
pub struct AvroComandoEncoder {
    codec: Arc<AvroCodec>,
}

impl AvroComandoEncoder {
    pub fn new(codec: Arc<AvroCodec>) -> Self {
        Self { codec }
    }
}

/// The command topic and id field of a command: the record's context, or
/// auditoria for a registration (its saga does the rest).
fn destino(comando: &ComandoSaliente) -> (&'static str, &'static str) {
    match (comando, comando.tipo()) {
        (ComandoSaliente::Registrar { .. }, _) => (topics::COMANDOS_AUDITORIA, "id_propiedad"),
        (ComandoSaliente::Revisar { .. }, _) => (topics::COMANDOS_REVISIONES, "id_entidad"),
        (_, TipoRegistro::Compania) => (topics::COMANDOS_COMPANIAS, "id_compania"),
        (_, TipoRegistro::DatosGeograficos) => {
            (topics::COMANDOS_GEOGRAFICOS, "id_datos_geograficos")
        }
        (_, TipoRegistro::Propiedad) => (topics::COMANDOS_PROPIEDADES, "id_propiedad"),
    }
}

impl ComandoEncoder for AvroComandoEncoder {
    fn encode(
        &self,
        comando: &ComandoSaliente,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        let (topic, id_field) = destino(comando);
        let mut data: BTreeMap<String, Field> = BTreeMap::new();
        data.insert(id_field.to_owned(), Field::Text(comando.id().to_string()));
        match comando {
            ComandoSaliente::Crear { campos, .. } | ComandoSaliente::Registrar { campos, .. } => {
                for (k, v) in campos {
                    data.insert(k.clone(), Field::Text(v.clone()));
                }
            }
            ComandoSaliente::Aprobar { .. } => {}
            ComandoSaliente::Rechazar { motivos, .. } => {
                data.insert("motivos".into(), Field::List(motivos.as_slice().to_vec()));
            }
            ComandoSaliente::Revisar {
                tipo,
                motivo,
                revisor,
                ..
            } => {
                data.insert("tipo_entidad".into(), Field::Text(tipo.as_str().to_owned()));
                data.insert("motivo".into(), Field::Text(motivo.clone()));
                data.insert("revisor".into(), Field::Text(revisor.clone()));
            }
        }
        let kind = comando.nombre();
        let mut header = EnvelopeHeader::new(&kind, SERVICE, &ctx.correlation_id, None);
        header.id = ctx.command_id.clone();
        let payload = CrearPayload {
            data,
            fecha_creacion: header.time_millis,
        };
        self.codec
            .message(topic, &comando.id().to_string(), &header, &payload)
            .map_err(|e| TranslateError {
                event: kind,
                reason: e.to_string(),
            })
    }
}

/// The command's fields plus `fecha_creacion`, which creation records carry
/// and the other records ignore.
#[derive(Serialize)]
struct CrearPayload {
    #[serde(flatten)]
    data: BTreeMap<String, Field>,
    fecha_creacion: i64,
}
