use std::sync::Arc;

use async_trait::async_trait;

use super::avro::{ComandoCompania, decodificar_comando, id_de_comando};
use crate::companias::application::{CompaniaHandlers, CompaniaRepository};
use crate::companias::domain::CompaniaEvent;
use crate::contracts::services;
use crate::seedwork::application::{
    CommandContext, EventTranslator, HandleError, Message, TransactionalHandler, execute,
    preload_run,
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
                .map_err(HandleError::from),
            ComandoCompania::Aprobar(c) => {
                let id = c.id.to_string();
                let hecho = execute(&h.aprobar, uow, c, &ctx).await;
                self.rechazos.tras_decision(uow, &header, &id, hecho).await
            }
            ComandoCompania::Rechazar(c) => {
                let id = c.id.to_string();
                let hecho = execute(&h.rechazar, uow, c, &ctx).await;
                self.rechazos.tras_decision(uow, &header, &id, hecho).await
            }
        }
    }
}
