use std::sync::Arc;

use async_trait::async_trait;

use super::avro::{ComandoDatosGeograficos, decodificar_comando};
use crate::geograficos::application::{
    AprobarDatosGeograficosError, CrearDatosGeograficosError, DatosGeograficosHandlers,
    DatosGeograficosRepository, EliminarDatosGeograficosError, RechazarDatosGeograficosError,
};
use crate::geograficos::domain::DatosGeograficosEvent;
use crate::seedwork::application::{
    CommandContext, EventTranslator, HandleError, Message, TransactionalHandler, execute,
};
use crate::seedwork::infrastructure::avro::AvroCodec;

/// Commands from `comandos-geograficos`, run through the same handlers as
/// the HTTP API inside the consumer's shared transaction (which holds the
/// inbox rows), so a message is acknowledged once its effect is committed.
pub struct ComandosGeograficosConsumer<R, E> {
    handlers: Arc<DatosGeograficosHandlers<R, E>>,
    codec: Arc<AvroCodec>,
}

impl<R, E> ComandosGeograficosConsumer<R, E> {
    pub fn new(handlers: Arc<DatosGeograficosHandlers<R, E>>, codec: Arc<AvroCodec>) -> Self {
        Self { handlers, codec }
    }
}

/// Which failures wait, which are retried and which are poison. A store
/// outage waits; a record not there yet (its creation may still be on the
/// way) is retried; an impossible decision or a duplicate is poison.
fn crear_fallido(error: CrearDatosGeograficosError) -> HandleError {
    match error {
        CrearDatosGeograficosError::Store(e) => e.into(),
        CrearDatosGeograficosError::YaExiste(_) | CrearDatosGeograficosError::Encoding(_) => {
            HandleError::Poison(error.to_string())
        }
    }
}

fn aprobar_fallido(error: AprobarDatosGeograficosError) -> HandleError {
    match error {
        AprobarDatosGeograficosError::Store(e) => e.into(),
        AprobarDatosGeograficosError::NoEncontrada(_) => HandleError::Retryable(error.to_string()),
        AprobarDatosGeograficosError::TransicionInvalida(_)
        | AprobarDatosGeograficosError::Encoding(_) => HandleError::Poison(error.to_string()),
    }
}

fn rechazar_fallido(error: RechazarDatosGeograficosError) -> HandleError {
    match error {
        RechazarDatosGeograficosError::Store(e) => e.into(),
        RechazarDatosGeograficosError::NoEncontrada(_) => HandleError::Retryable(error.to_string()),
        RechazarDatosGeograficosError::TransicionInvalida(_)
        | RechazarDatosGeograficosError::Encoding(_) => HandleError::Poison(error.to_string()),
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
            ComandoDatosGeograficos::Aprobar(c) => execute(&h.aprobar, uow, c, &ctx)
                .await
                .map_err(aprobar_fallido),
            ComandoDatosGeograficos::Rechazar(c) => execute(&h.rechazar, uow, c, &ctx)
                .await
                .map_err(rechazar_fallido),
            ComandoDatosGeograficos::Eliminar(c) => execute(&h.eliminar, uow, c, &ctx)
                .await
                .map_err(eliminar_fallido),
        }
    }
}
