use std::sync::Arc;

use async_trait::async_trait;

use super::handlers::AuditoriaHandlers;
use crate::auditoria::application::IniciarRegistroPropiedad;
use crate::auditoria::domain::DatosRegistro;
use crate::contracts::types;
use crate::seedwork::application::{HandleError, Message, TransactionalHandler, execute};
use crate::seedwork::infrastructure::SqlUnitOfWork;
use crate::seedwork::infrastructure::avro::{AvroCodec, Decoded, id_field};

/// Commands from `comandos-auditoria`: `RegistrarPropiedad` starts a
/// property-registration saga (once per property id), in the consumer's
/// transaction with the inbox row.
pub struct ComandosAuditoriaConsumer {
    handlers: Arc<AuditoriaHandlers>,
    codec: Arc<AvroCodec>,
}

impl ComandosAuditoriaConsumer {
    pub fn new(handlers: Arc<AuditoriaHandlers>, codec: Arc<AvroCodec>) -> Self {
        Self { handlers, codec }
    }
}

/// `RegistrarPropiedad` as a command; an error names the field (poison).
fn registrar_propiedad(decoded: &Decoded) -> Result<IniciarRegistroPropiedad, String> {
    let text = |name: &str| decoded.text(name).unwrap_or_default();
    Ok(IniciarRegistroPropiedad {
        id_propiedad: id_field(decoded, "id_propiedad")?,
        datos: DatosRegistro {
            nombre: text("nombre"),
            identificacion_catastral: text("identificacion_catastral"),
            nit: text("nit"),
            latitud: text("latitud"),
            longitud: text("longitud"),
            direccion: text("direccion"),
        },
    })
}

#[async_trait]
impl TransactionalHandler for ComandosAuditoriaConsumer {
    type Uow = SqlUnitOfWork;
    type Effect = ();

    async fn apply(&self, uow: &mut SqlUnitOfWork, message: &Message) -> Result<(), HandleError> {
        let decoded = self.codec.decode_consumed(message)?;
        let h = &decoded.header;
        if h.message_type != types::REGISTRAR_PROPIEDAD {
            return Err(HandleError::Poison(format!(
                "{} carries no command {}",
                message.topic, h.message_type
            )));
        }
        let command = registrar_propiedad(&decoded).map_err(HandleError::Poison)?;
        let ctx = decoded.context();
        execute(&self.handlers.registrar_propiedad, uow, command, &ctx)
            .await
            .map(|_| ())
            .map_err(HandleError::from)
    }
}
