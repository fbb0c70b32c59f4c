//! `comandos-companias`: which commands it carries and how each runs, for the
//! seedwork's `ComandosConsumer` (decode, preload the run, apply in its
//! transaction, answer a refusal). The handlers are the HTTP API's.

use async_trait::async_trait;

use super::avro::ComandoCompania;
use crate::companias::application::{CompaniaHandlers, CompaniaRepository};
use crate::companias::domain::CompaniaEvent;
use crate::contracts::services;
use crate::seedwork::application::{
    CommandContext, EventTranslator, FalloComando, HandleError, StoreError, execute,
};
use crate::seedwork::domain::EntityId;
use crate::seedwork::infrastructure::avro::{ComandosConsumer, ComandosDeRegistro};

/// Commands from `comandos-companias`, applied in the consumer's transaction.
pub type ComandosCompaniasConsumer<R, E> = ComandosConsumer<CompaniaHandlers<R, E>>;

#[async_trait]
impl<R, E> ComandosDeRegistro for CompaniaHandlers<R, E>
where
    R: CompaniaRepository,
    E: EventTranslator<CompaniaEvent> + 'static,
{
    type Comando = ComandoCompania;
    type Uow = R::Uow;
    const SERVICIO: &'static str = services::COMPANIAS;
    const TIPO_ENTIDAD: &'static str = "Compania";

    async fn precargar(&self, uow: &mut R::Uow, ids: &[EntityId]) -> Result<(), StoreError> {
        self.repository.precargar(uow, ids).await
    }

    async fn ejecutar(
        &self,
        uow: &mut R::Uow,
        comando: ComandoCompania,
        ctx: &CommandContext,
    ) -> Result<(), FalloComando> {
        match comando {
            ComandoCompania::Crear(c) => execute(&self.crear, uow, c, ctx)
                .await
                .map(|_| ())
                .map_err(|e| HandleError::from(e).into()),
            ComandoCompania::Aprobar(c) => execute(&self.aprobar, uow, c, ctx)
                .await
                .map_err(Into::into),
            ComandoCompania::Rechazar(c) => execute(&self.rechazar, uow, c, ctx)
                .await
                .map_err(Into::into),
        }
    }
}
