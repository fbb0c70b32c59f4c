//! `comandos-geograficos`: which commands it carries and how each runs, for the
//! seedwork's `ComandosConsumer` (decode, preload the run, apply in its
//! transaction, answer a refusal). The handlers are the HTTP API's.

use async_trait::async_trait;

use super::avro::ComandoDatosGeograficos;
use crate::contracts::services;
use crate::geograficos::application::{DatosGeograficosHandlers, DatosGeograficosRepository};
use crate::geograficos::domain::DatosGeograficosEvent;
use crate::seedwork::application::{
    CommandContext, EventTranslator, FalloComando, HandleError, StoreError, execute,
};
use crate::seedwork::domain::EntityId;
use crate::seedwork::infrastructure::avro::{ComandosConsumer, ComandosDeRegistro};

/// Commands from `comandos-geograficos`, applied in the consumer's transaction.
pub type ComandosGeograficosConsumer<R, E> = ComandosConsumer<DatosGeograficosHandlers<R, E>>;

#[async_trait]
impl<R, E> ComandosDeRegistro for DatosGeograficosHandlers<R, E>
where
    R: DatosGeograficosRepository,
    E: EventTranslator<DatosGeograficosEvent> + 'static,
{
    type Comando = ComandoDatosGeograficos;
    type Uow = R::Uow;
    const SERVICIO: &'static str = services::GEOGRAFICOS;
    const TIPO_ENTIDAD: &'static str = "DatosGeograficos";

    async fn precargar(&self, uow: &mut R::Uow, ids: &[EntityId]) -> Result<(), StoreError> {
        self.repository.precargar(uow, ids).await
    }

    async fn ejecutar(
        &self,
        uow: &mut R::Uow,
        comando: ComandoDatosGeograficos,
        ctx: &CommandContext,
    ) -> Result<(), FalloComando> {
        match comando {
            ComandoDatosGeograficos::Crear(c) => execute(&self.crear, uow, c, ctx)
                .await
                .map(|_| ())
                .map_err(|e| HandleError::from(e).into()),
            ComandoDatosGeograficos::Aprobar(c) => execute(&self.aprobar, uow, c, ctx)
                .await
                .map_err(Into::into),
            ComandoDatosGeograficos::Rechazar(c) => execute(&self.rechazar, uow, c, ctx)
                .await
                .map_err(Into::into),
            ComandoDatosGeograficos::Eliminar(c) => execute(&self.eliminar, uow, c, ctx)
                .await
                .map_err(|e| HandleError::from(e).into()),
        }
    }
}
