use std::sync::Arc;

use async_trait::async_trait;

use super::handlers::AuditoriaHandlers;
use crate::auditoria::application::RegistrarRechazo;
use crate::auditoria::domain::{Resultado, TipoEntidad};
use crate::contracts::types;
use crate::seedwork::application::{HandleError, Message, TransactionalHandler, execute};
use crate::seedwork::infrastructure::SqlUnitOfWork;
use crate::seedwork::infrastructure::avro::{AvroCodec, Decoded};

/// The source contexts' refusals from `rechazos-comandos`: the saga whose
/// command was refused fails at once, with the reason.
pub struct RechazosConsumer {
    handlers: Arc<AuditoriaHandlers>,
    codec: Arc<AvroCodec>,
}

impl RechazosConsumer {
    pub fn new(handlers: Arc<AuditoriaHandlers>, codec: Arc<AvroCodec>) -> Self {
        Self { handlers, codec }
    }
}

fn texto(decoded: &Decoded, campo: &str) -> Result<String, String> {
    decoded
        .text(campo)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| format!("{campo} is required"))
}

fn rechazo(decoded: &Decoded) -> Result<RegistrarRechazo, String> {
    if decoded.header.message_type != types::COMANDO_RECHAZADO {
        return Err(format!(
            "rechazos-comandos carries no {}",
            decoded.header.message_type
        ));
    }
    let tipo: TipoEntidad = texto(decoded, "tipo_entidad")?
        .parse()
        .map_err(|e: crate::seedwork::domain::FieldError| e.to_string())?;
    // Pendiente (or nothing) is no decision to follow.
    let decidido = decoded
        .text("estado_actual")
        .and_then(|e| e.parse::<Resultado>().ok());
    Ok(RegistrarRechazo {
        tipo,
        id_entidad: texto(decoded, "id_entidad")?,
        id_comando: texto(decoded, "id_comando")?,
        motivo: texto(decoded, "motivo")?,
        decidido,
    })
}

#[async_trait]
impl TransactionalHandler for RechazosConsumer {
    type Uow = SqlUnitOfWork;
    type Effect = ();

    async fn apply(&self, uow: &mut SqlUnitOfWork, message: &Message) -> Result<(), HandleError> {
        let decoded = self.codec.decode_consumed(message)?;
        let comando = rechazo(&decoded).map_err(HandleError::Poison)?;
        execute(&self.handlers.rechazo, uow, comando, &decoded.context())
            .await
            .map_err(HandleError::from)
    }
}
