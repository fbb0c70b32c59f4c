//! The reply of a context that refused a command (`ComandoRechazado` on
//! `rechazos-comandos`), written in the same transaction as the inbox row
//! of the command it answers. Each record context configures one with its
//! entity type and service name.

use std::sync::Arc;

use super::{AvroCodec, EnvelopeHeader, EventEncoder, Field, Payload};
use crate::contracts::{topics, types};
use crate::seedwork::application::{
    CommandContext, FalloComando, HandleError, TranslateError, UnitOfWork,
};

pub struct RespuestaRechazo {
    encoder: EventEncoder,
    tipo_entidad: &'static str,
}

impl RespuestaRechazo {
    pub fn new(codec: Arc<AvroCodec>, servicio: &'static str, tipo_entidad: &'static str) -> Self {
        Self {
            encoder: EventEncoder::new(codec, topics::RECHAZOS_COMANDOS, servicio),
            tipo_entidad,
        }
    }

    /// A refusal is answered and the command acknowledged; any other
    /// failure stays the delivery's.
    pub async fn atender<U: UnitOfWork>(
        &self,
        uow: &mut U,
        comando: &EnvelopeHeader,
        id_entidad: &str,
        fallo: FalloComando,
    ) -> Result<(), HandleError> {
        match fallo {
            FalloComando::Entrega(error) => Err(error),
            FalloComando::Rechazo {
                motivo,
                estado_actual,
            } => {
                tracing::info!(
                    command = %comando.message_type,
                    id = %comando.id,
                    %motivo,
                    "command refused; the sender is told"
                );
                let respuesta = self
                    .mensaje(comando, id_entidad, &motivo, estado_actual.as_deref())
                    .map_err(|e| HandleError::Poison(e.to_string()))?;
                uow.add_message(respuesta);
                Ok(())
            }
        }
    }

    fn mensaje(
        &self,
        comando: &EnvelopeHeader,
        id_entidad: &str,
        motivo: &str,
        estado_actual: Option<&str>,
    ) -> Result<crate::seedwork::application::Message, TranslateError> {
        let mut data = Payload::from([
            ("id_comando", Field::Text(comando.id.clone())),
            ("tipo_comando", Field::Text(comando.message_type.clone())),
            ("tipo_entidad", Field::Text(self.tipo_entidad.to_owned())),
            ("id_entidad", Field::Text(id_entidad.to_owned())),
            ("motivo", Field::Text(motivo.to_owned())),
        ]);
        if let Some(estado) = estado_actual {
            data.insert("estado_actual", Field::Text(estado.to_owned()));
        }
        // Caused by the refused command, in its conversation.
        let ctx = CommandContext::from_message(
            &comando.id,
            &comando.correlation_id,
            comando.causation_id.as_deref(),
        );
        self.encoder
            .encode(types::COMANDO_RECHAZADO, id_entidad, &data, &ctx)
    }
}
