use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use thiserror::Error;

use super::guardar_con_eventos;
use crate::contracts::types;
use crate::geograficos::application::DatosGeograficosRepository;
use crate::geograficos::domain::{Coordenadas, DatosGeograficos, DatosGeograficosEvent};
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, EventTranslator, StoreError, TranslateError,
};
use crate::seedwork::domain::EntityId;

/// Registers a record with the data as given (blank fields accepted).
#[derive(Debug, Clone)]
pub struct CrearDatosGeograficos {
    pub id: EntityId,
    pub datos: Coordenadas,
}

impl Command for CrearDatosGeograficos {
    const NAME: &'static str = types::CREAR_DATOS_GEOGRAFICOS;
    type Output = EntityId;
}

#[derive(Debug, Error)]
pub enum CrearDatosGeograficosError {
    #[error("datos_geograficos {0} already exists")]
    YaExiste(EntityId),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

pub struct CrearDatosGeograficosHandler<R, E> {
    repository: Arc<R>,
    eventos: Arc<E>,
}

impl<R, E> CrearDatosGeograficosHandler<R, E> {
    pub fn new(repository: Arc<R>, eventos: Arc<E>) -> Self {
        Self {
            repository,
            eventos,
        }
    }
}

#[async_trait]
impl<R, E> CommandHandler<CrearDatosGeograficos> for CrearDatosGeograficosHandler<R, E>
where
    R: DatosGeograficosRepository,
    E: EventTranslator<DatosGeograficosEvent>,
{
    type Uow = R::Uow;
    type Error = CrearDatosGeograficosError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: CrearDatosGeograficos,
        ctx: &CommandContext,
    ) -> Result<EntityId, CrearDatosGeograficosError> {
        if self.repository.cargar(uow, command.id).await?.is_some() {
            return Err(CrearDatosGeograficosError::YaExiste(command.id));
        }
        let mut datos = DatosGeograficos::registrar(command.id, command.datos, Utc::now());
        guardar_con_eventos::<_, _, CrearDatosGeograficosError>(
            self.repository.as_ref(),
            self.eventos.as_ref(),
            uow,
            &mut datos,
            ctx,
        )
        .await?;
        Ok(command.id)
    }
}
