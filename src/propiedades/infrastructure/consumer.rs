use std::sync::Arc;

use async_trait::async_trait;

use super::avro::{ComandoPropiedad, decodificar_comando, id_de_comando};
use crate::contracts::services;
use crate::propiedades::application::{
    AprobarPropiedadError, CrearPropiedadError, EliminarPropiedadError, PropiedadHandlers,
    PropiedadRepository, RechazarPropiedadError,
};
use crate::propiedades::domain::PropiedadEvent;
use crate::seedwork::application::{
    CommandContext, EventTranslator, FalloComando, HandleError, Message, TransactionalHandler,
    execute, preload_run,
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

/// Which failures wait, which are retried and which are poison. A store
/// outage waits; a record not there yet (its creation may still be on the
/// way) is retried; a duplicate is poison; a decision the record refuses
/// (decided otherwise already) is answered to its sender and acknowledged. A
/// taken cadastral id is no failure here: the handler answers it with
/// `CreacionPropiedadFallida`, which commits with the inbox row.
fn crear_fallido(error: CrearPropiedadError) -> HandleError {
    match error {
        CrearPropiedadError::Store(e) => e.into(),
        CrearPropiedadError::YaExiste(_)
        | CrearPropiedadError::CatastralRegistrada(_)
        | CrearPropiedadError::Encoding(_) => HandleError::Poison(error.to_string()),
    }
}

fn eliminar_fallido(error: EliminarPropiedadError) -> HandleError {
    match error {
        EliminarPropiedadError::Store(e) => e.into(),
        EliminarPropiedadError::Encoding(_) => HandleError::Poison(error.to_string()),
    }
}

fn aprobar_fallido(error: AprobarPropiedadError) -> FalloComando {
    match error {
        AprobarPropiedadError::Store(e) => e.into(),
        AprobarPropiedadError::NoEncontrada(_) => HandleError::Retryable(error.to_string()).into(),
        AprobarPropiedadError::TransicionInvalida(e) => FalloComando::Rechazo {
            motivo: e.to_string(),
            estado_actual: Some(e.from.to_string()),
        },
        AprobarPropiedadError::Encoding(_) => HandleError::Poison(error.to_string()).into(),
    }
}

fn rechazar_fallido(error: RechazarPropiedadError) -> FalloComando {
    match error {
        RechazarPropiedadError::Store(e) => e.into(),
        RechazarPropiedadError::NoEncontrada(_) => HandleError::Retryable(error.to_string()).into(),
        RechazarPropiedadError::TransicionInvalida(e) => FalloComando::Rechazo {
            motivo: e.to_string(),
            estado_actual: Some(e.from.to_string()),
        },
        RechazarPropiedadError::Encoding(_) => HandleError::Poison(error.to_string()).into(),
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
                match execute(&h.aprobar, uow, c, &ctx).await {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        let fallo = aprobar_fallido(e);
                        self.rechazos.atender(uow, &header, &id, fallo).await
                    }
                }
            }
            ComandoPropiedad::Rechazar(c) => {
                let id = c.id.to_string();
                match execute(&h.rechazar, uow, c, &ctx).await {
                    Ok(()) => Ok(()),
                    Err(e) => {
                        let fallo = rechazar_fallido(e);
                        self.rechazos.atender(uow, &header, &id, fallo).await
                    }
                }
            }
            ComandoPropiedad::Eliminar(c) => execute(&h.eliminar, uow, c, &ctx)
                .await
                .map_err(eliminar_fallido),
        }
    }
}
