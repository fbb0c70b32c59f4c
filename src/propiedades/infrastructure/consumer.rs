use std::sync::Arc;

use async_trait::async_trait;

use super::avro::{ComandoPropiedad, decodificar_comando, id_de_comando};
use crate::contracts::services;
use crate::propiedades::application::{
    CrearPropiedadError, PropiedadHandlers, PropiedadRepository,
};
use crate::propiedades::domain::PropiedadEvent;
use crate::seedwork::application::{
    CommandContext, EventTranslator, HandleError, Message, TransactionalHandler, execute,
    preload_run,
};
use crate::seedwork::infrastructure::avro::{AvroCodec, RespuestaRechazo};

/// Commands from `comandos-propiedades`, run through the same handlers as
/// the HTTP API inside the consumer's shared transaction (which holds the
/// inbox rows), so a message is acknowledged once its effect is committed.
pub struct ComandosPropiedadesConsumer<R, E> {
    handlers: Arc<PropiedadHandlers<R, E>>,
    codec: Arc<AvroCodec>,
    rechazos: RespuestaRechazo,
}

impl<R, E> ComandosPropiedadesConsumer<R, E> {
    pub fn new(handlers: Arc<PropiedadHandlers<R, E>>, codec: Arc<AvroCodec>) -> Self {
        Self {
            rechazos: RespuestaRechazo::new(codec.clone(), services::PROPIEDADES, "Propiedad"),
            handlers,
            codec,
        }
    }
}

/// A creation's failures (decisions' and compensations' are classified in
/// the seedwork, `record_errors`): a store outage waits, a duplicate is
/// poison. A taken cadastral id is no failure here: the handler answers it with
/// `CreacionPropiedadFallida`, which commits with the inbox row.
fn crear_fallido(error: CrearPropiedadError) -> HandleError {
    match error {
        CrearPropiedadError::Store(e) => e.into(),
        CrearPropiedadError::YaExiste(_)
        | CrearPropiedadError::CatastralRegistrada(_)
        | CrearPropiedadError::Encoding(_) => HandleError::Poison(error.to_string()),
    }
}

#[async_trait]
impl<R, E> TransactionalHandler for ComandosPropiedadesConsumer<R, E>
where
    R: PropiedadRepository,
    E: EventTranslator<PropiedadEvent> + 'static,
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
            ComandoPropiedad::Crear(c) => execute(&h.crear, uow, c, &ctx)
                .await
                .map(|_| ())
                .map_err(crear_fallido),
            ComandoPropiedad::Aprobar(c) => {
                let id = c.id.to_string();
                let hecho = execute(&h.aprobar, uow, c, &ctx).await;
                self.rechazos.tras_decision(uow, &header, &id, hecho).await
            }
            ComandoPropiedad::Rechazar(c) => {
                let id = c.id.to_string();
                let hecho = execute(&h.rechazar, uow, c, &ctx).await;
                self.rechazos.tras_decision(uow, &header, &id, hecho).await
            }
            ComandoPropiedad::Eliminar(c) => execute(&h.eliminar, uow, c, &ctx)
                .await
                .map_err(HandleError::from),
        }
    }
}
