use std::sync::Arc;

use async_trait::async_trait;

use super::avro::{ComandoPropiedad, decodificar_comando};
use crate::propiedades::application::{
    AprobarPropiedadError, CrearPropiedadError, EliminarPropiedadError, PropiedadHandlers,
    PropiedadRepository, RechazarPropiedadError,
};
use crate::propiedades::domain::PropiedadEvent;
use crate::seedwork::application::{
    CommandContext, EventTranslator, HandleError, Message, TransactionalHandler, execute,
};
use crate::seedwork::infrastructure::avro::AvroCodec;

/// Commands from `comandos-propiedades`, run through the same handlers as
/// the HTTP API inside the consumer's shared transaction (which holds the
/// inbox rows), so a message is acknowledged once its effect is committed.
pub struct ComandosPropiedadesConsumer<R, E> {
    handlers: Arc<PropiedadHandlers<R, E>>,
    codec: Arc<AvroCodec>,
}

impl<R, E> ComandosPropiedadesConsumer<R, E> {
    pub fn new(handlers: Arc<PropiedadHandlers<R, E>>, codec: Arc<AvroCodec>) -> Self {
        Self { handlers, codec }
    }
}

/// Which failures wait, which are retried and which are poison. A store
/// outage waits; a record not there yet (its creation may still be on the
/// way) is retried; an impossible decision or a duplicate is poison. A
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

fn aprobar_fallido(error: AprobarPropiedadError) -> HandleError {
    match error {
        AprobarPropiedadError::Store(e) => e.into(),
        AprobarPropiedadError::NoEncontrada(_) => HandleError::Retryable(error.to_string()),
        AprobarPropiedadError::TransicionInvalida(_) | AprobarPropiedadError::Encoding(_) => {
            HandleError::Poison(error.to_string())
        }
    }
}

fn rechazar_fallido(error: RechazarPropiedadError) -> HandleError {
    match error {
        RechazarPropiedadError::Store(e) => e.into(),
        RechazarPropiedadError::NoEncontrada(_) => HandleError::Retryable(error.to_string()),
        RechazarPropiedadError::TransicionInvalida(_) | RechazarPropiedadError::Encoding(_) => {
            HandleError::Poison(error.to_string())
        }
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
            ComandoPropiedad::Aprobar(c) => execute(&h.aprobar, uow, c, &ctx)
                .await
                .map_err(aprobar_fallido),
            ComandoPropiedad::Rechazar(c) => execute(&h.rechazar, uow, c, &ctx)
                .await
                .map_err(rechazar_fallido),
            ComandoPropiedad::Eliminar(c) => execute(&h.eliminar, uow, c, &ctx)
                .await
                .map_err(eliminar_fallido),
        }
    }
}
