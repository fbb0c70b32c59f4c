use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use thiserror::Error;

use super::guardar_con_eventos;
use crate::companias::application::CompaniaRepository;
use crate::companias::domain::{Compania, CompaniaEvent, DatosCompania};
use crate::contracts::types;
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, EventTranslator, StoreError, TranslateError,
};
use crate::seedwork::domain::EntityId;

/// Registers a company with the data as given (blank fields accepted).
#[derive(Debug, Clone)]
pub struct CrearCompania {
    pub id: EntityId,
    pub datos: DatosCompania,
}

impl Command for CrearCompania {
    const NAME: &'static str = types::CREAR_COMPANIA;
    type Output = EntityId;
}

#[derive(Debug, Error)]
pub enum CrearCompaniaError {
    #[error("compania {0} already exists")]
    YaExiste(EntityId),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

pub struct CrearCompaniaHandler<R, E> {
    repository: Arc<R>,
    eventos: Arc<E>,
}

impl<R, E> CrearCompaniaHandler<R, E> {
    pub fn new(repository: Arc<R>, eventos: Arc<E>) -> Self {
        Self {
            repository,
            eventos,
        }
    }
}

#[async_trait]
impl<R, E> CommandHandler<CrearCompania> for CrearCompaniaHandler<R, E>
where
    R: CompaniaRepository,
    E: EventTranslator<CompaniaEvent>,
{
    type Uow = R::Uow;
    type Error = CrearCompaniaError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: CrearCompania,
        ctx: &CommandContext,
    ) -> Result<EntityId, CrearCompaniaError> {
        if self.repository.cargar(uow, command.id).await?.is_some() {
            return Err(CrearCompaniaError::YaExiste(command.id));
        }
        let mut compania = Compania::registrar(command.id, command.datos, Utc::now());
        guardar_con_eventos::<_, _, CrearCompaniaError>(
            self.repository.as_ref(),
            self.eventos.as_ref(),
            uow,
            &mut compania,
            ctx,
        )
        .await?;
        Ok(command.id)
    }
}
