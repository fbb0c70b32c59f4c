use std::sync::Arc;

use async_trait::async_trait;

use super::avro::{ComandoDatosGeograficos, decodificar_comando, id_de_comando};
use crate::contracts::services;
use crate::geograficos::application::{
    AprobarDatosGeograficosError, CrearDatosGeograficosError, DatosGeograficosHandlers,
    DatosGeograficosRepository, EliminarDatosGeograficosError, RechazarDatosGeograficosError,
};
use crate::geograficos::domain::DatosGeograficosEvent;
use crate::seedwork::application::{
    CommandContext, EventTranslator, FalloComando, HandleError, Message, TransactionalHandler,
    execute, preload_run,
};
use crate::seedwork::infrastructure::avro::{AvroCodec, RespuestaRechazo};

/// Commands from `comandos-geograficos`, run through the same handlers as
/// the HTTP API inside the consumer's shared transaction (which holds the
/// inbox rows), so a message is acknowledged once its effect is committed.
pub struct ComandosGeograficosConsumer<R, E> {
    handlers: Arc<DatosGeograficosHandlers<R, E>>,
    codec: Arc<AvroCodec>,
    rechazos: RespuestaRechazo,
}

impl<R, E> ComandosGeograficosConsumer<R, E> {
    pub fn new(handlers: Arc<DatosGeograficosHandlers<R, E>>, codec: Arc<AvroCodec>) -> Self {
        Self {
            rechazos: RespuestaRechazo::new(
                codec.clone(),
                services::GEOGRAFICOS,
                "DatosGeograficos",
            ),
            handlers,
            codec,
        }
    }
}

/// Which failures wait, which are retried and which are poison. A store
/// outage waits; a record not there yet (its creation may still be on the
/// way) is retried; a duplicate is poison; a decision the record refuses
/// (decided otherwise already) is answered to its sender and acknowledged.
fn crear_fallido(error: CrearDatosGeograficosError) -> HandleError {
    match error {
        CrearDatosGeograficosError::Store(e) => e.into(),
        CrearDatosGeograficosError::YaExiste(_) | CrearDatosGeograficosError::Encoding(_) => {
            HandleError::Poison(error.to_string())
        }
    }
}

fn aprobar_fallido(error: AprobarDatosGeograficosError) -> FalloComando {
    match error {
        AprobarDatosGeograficosError::Store(e) => e.into(),
        AprobarDatosGeograficosError::NoEncontrada(_) => {
            HandleError::Retryable(error.to_string()).into()
        }
        AprobarDatosGeograficosError::TransicionInvalida(e) => FalloComando::Rechazo {
            motivo: e.to_string(),
            estado_actual: Some(e.from.to_string()),
        },
        AprobarDatosGeograficosError::Encoding(_) => HandleError::Poison(error.to_string()).into(),
    }
}

fn rechazar_fallido(error: RechazarDatosGeograficosError) -> FalloComando {
    match error {
        RechazarDatosGeograficosError::Store(e) => e.into(),
        RechazarDatosGeograficosError::NoEncontrada(_) => {
            HandleError::Retryable(error.to_string()).into()
        }
        RechazarDatosGeograficosError::TransicionInvalida(e) => FalloComando::Rechazo {
            motivo: e.to_string(),
            estado_actual: Some(e.from.to_string()),
        },
        RechazarDatosGeograficosError::Encoding(_) => HandleError::Poison(error.to_string()).into(),
    }
}

fn eliminar_fallido(error: EliminarDatosGeograficosError) -> HandleError {
    match error {
        EliminarDatosGeograficosError::Store(e) => e.into(),
        EliminarDatosGeograficosError::Encoding(_) => HandleError::Poison(error.to_string()),
    }
}

#[async_trait]
impl<R, E> TransactionalHandler for ComandosGeograficosConsumer<R, E>
where
    R: DatosGeograficosRepository,
    E: EventTranslator<DatosGeograficosEvent> + 'static,
{
    type Uow = R::Uow;
    type Effect = ();

    async fn preload(&self, uow: &mut R::Uow, messages: &[&Message]) -> Result<(), HandleError> {
        // An undecodable message is left to `apply`, which dead-letters it.
        let id_of = |m: &Message| id_de_comando(&self.codec, m);
        preload_run(self.handlers.repository.as_ref(), uow, messages, id_of).await
    }

    async fn apply(&self, uow: &mut R::Uow, message: &Message) -> Result<(), HandleError> {
        let (header, comando) =
            decodificar_comando(&self.codec, message).map_err(HandleError::Poison)?;
        let ctx = CommandContext::from_message(
            &header.id,
            &header.correlation_id,
            header.causation_id.as_deref(),
        );
        let h = &self.handlers;
        match comando {
            ComandoDatosGeograficos::Crear(c) => execute(&h.crear, uow, c, &ctx)
                .await
                .map(|_| ())
                .map_err(crear_fallido),
            ComandoDatosGeograficos::Aprobar(c) => {
                let id = c.id.to_string();
                match execute(&h.aprobar, uow, c, &ctx).await {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        let fallo = aprobar_fallido(e);
                        self.rechazos.atender(uow, &header, &id, fallo).await
                    }
                }
            }
            ComandoDatosGeograficos::Rechazar(c) => {
                let id = c.id.to_string();
                match execute(&h.rechazar, uow, c, &ctx).await {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        let fallo = rechazar_fallido(e);
                        self.rechazos.atender(uow, &header, &id, fallo).await
                    }
                }
            }
            ComandoDatosGeograficos::Eliminar(c) => execute(&h.eliminar, uow, c, &ctx)
                .await
                .map_err(eliminar_fallido),
        }
    }
}
