//! `comandos-propiedades`: which commands it carries and how each runs, for the
//! seedwork's `ComandosConsumer` (decode, preload the run, apply in its
//! transaction, answer a refusal). The handlers are the HTTP API's.

use async_trait::async_trait;

use super::avro::ComandoPropiedad;
use crate::contracts::services;
use crate::propiedades::application::{
    CrearPropiedadError, PropiedadHandlers, PropiedadRepository,
};
use crate::propiedades::domain::PropiedadEvent;
use crate::seedwork::application::{
    CommandContext, EventTranslator, FalloComando, HandleError, StoreError, execute,
};
use crate::seedwork::domain::EntityId;
use crate::seedwork::infrastructure::avro::{ComandosConsumer, ComandosDeRegistro};

/// Commands from `comandos-propiedades`, applied in the consumer's transaction.
pub type ComandosPropiedadesConsumer<R, E> = ComandosConsumer<PropiedadHandlers<R, E>>;

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
impl<R, E> ComandosDeRegistro for PropiedadHandlers<R, E>
where
    R: PropiedadRepository,
    E: EventTranslator<PropiedadEvent> + 'static,
{
    type Comando = ComandoPropiedad;
    type Uow = R::Uow;
    const SERVICIO: &'static str = services::PROPIEDADES;
    const TIPO_ENTIDAD: &'static str = "Propiedad";

    async fn precargar(&self, uow: &mut R::Uow, ids: &[EntityId]) -> Result<(), StoreError> {
        self.repository.precargar(uow, ids).await
    }

    async fn ejecutar(
        &self,
        uow: &mut R::Uow,
        comando: ComandoPropiedad,
        ctx: &CommandContext,
    ) -> Result<(), FalloComando> {
        match comando {
            ComandoPropiedad::Crear(c) => execute(&self.crear, uow, c, ctx)
                .await
                .map(|_| ())
                .map_err(|e| crear_fallido(e).into()),
            ComandoPropiedad::Aprobar(c) => execute(&self.aprobar, uow, c, ctx)
                .await
                .map_err(Into::into),
            ComandoPropiedad::Rechazar(c) => execute(&self.rechazar, uow, c, ctx)
                .await
                .map_err(Into::into),
            ComandoPropiedad::Eliminar(c) => execute(&self.eliminar, uow, c, ctx)
                .await
                .map_err(|e| HandleError::from(e).into()),
        }
    }
}
