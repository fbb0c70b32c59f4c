use std::sync::Arc;

use async_trait::async_trait;

use super::avro::{ComandoCompania, decodificar_comando, id_de_comando};
use crate::companias::application::{
    AprobarCompaniaError, CompaniaHandlers, CompaniaRepository, CrearCompaniaError,
    RechazarCompaniaError,
};
use crate::companias::domain::CompaniaEvent;
use crate::contracts::services;
use crate::seedwork::application::{
    CommandContext, EventTranslator, FalloComando, HandleError, Message, TransactionalHandler,
    execute, preload_run,
};
use crate::seedwork::infrastructure::avro::{AvroCodec, RespuestaRechazo};

/// Commands from `comandos-companias`, run through the same handlers as
/// the HTTP API inside the consumer's shared transaction (which holds the
/// inbox rows), so a message is acknowledged once its effect is committed.
pub struct ComandosCompaniasConsumer<R, E> {
    handlers: Arc<CompaniaHandlers<R, E>>,
    codec: Arc<AvroCodec>,
    rechazos: RespuestaRechazo,
}

impl<R, E> ComandosCompaniasConsumer<R, E> {
    pub fn new(handlers: Arc<CompaniaHandlers<R, E>>, codec: Arc<AvroCodec>) -> Self {
        Self {
            rechazos: RespuestaRechazo::new(codec.clone(), services::COMPANIAS, "Compania"),
            handlers,
            codec,
        }
    }
}

/// Which failures wait, which are retried and which are poison. A store
/// outage waits; a company not there yet (its creation may still be on the
/// way) is retried; a duplicate is poison; a decision the record refuses
/// (decided otherwise already) is answered to its sender and acknowledged.
fn crear_fallido(error: CrearCompaniaError) -> HandleError {
    match error {
        CrearCompaniaError::Store(e) => e.into(),
        CrearCompaniaError::YaExiste(_) | CrearCompaniaError::Encoding(_) => {
            HandleError::Poison(error.to_string())
        }
    }
}

fn aprobar_fallido(error: AprobarCompaniaError) -> FalloComando {
    match error {
        AprobarCompaniaError::Store(e) => e.into(),
        AprobarCompaniaError::NoEncontrada(_) => HandleError::Retryable(error.to_string()).into(),
        AprobarCompaniaError::TransicionInvalida(e) => FalloComando::Rechazo {
            motivo: e.to_string(),
            estado_actual: Some(e.from.to_string()),
        },
        AprobarCompaniaError::Encoding(_) => HandleError::Poison(error.to_string()).into(),
    }
}

fn rechazar_fallido(error: RechazarCompaniaError) -> FalloComando {
    match error {
        RechazarCompaniaError::Store(e) => e.into(),
        RechazarCompaniaError::NoEncontrada(_) => HandleError::Retryable(error.to_string()).into(),
        RechazarCompaniaError::TransicionInvalida(e) => FalloComando::Rechazo {
            motivo: e.to_string(),
            estado_actual: Some(e.from.to_string()),
        },
        RechazarCompaniaError::Encoding(_) => HandleError::Poison(error.to_string()).into(),
    }
}

#[async_trait]
impl<R, E> TransactionalHandler for ComandosCompaniasConsumer<R, E>
where
    R: CompaniaRepository,
    E: EventTranslator<CompaniaEvent> + 'static,
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
            ComandoCompania::Crear(c) => execute(&h.crear, uow, c, &ctx)
                .await
                .map(|_| ())
                .map_err(crear_fallido),
            ComandoCompania::Aprobar(c) => {
                let id = c.id.to_string();
                match execute(&h.aprobar, uow, c, &ctx).await {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        let fallo = aprobar_fallido(e);
                        self.rechazos.atender(uow, &header, &id, fallo).await
                    }
                }
            }
            ComandoCompania::Rechazar(c) => {
                let id = c.id.to_string();
                match execute(&h.rechazar, uow, c, &ctx).await {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        let fallo = rechazar_fallido(e);
                        self.rechazos.atender(uow, &header, &id, fallo).await
                    }
                }
            }
        }
    }
}
