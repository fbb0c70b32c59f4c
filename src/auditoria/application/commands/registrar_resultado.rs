use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;
use thiserror::Error;

use crate::auditoria::application::AuditoriaStore;
use crate::auditoria::domain::TipoEntidad;
use crate::seedwork::application::{Command, CommandContext, CommandHandler, StoreError};
use crate::seedwork::domain::Estado;

/// The source context reports a record's final state (its `...Aprobada` or
/// `...Rechazada` event): the saga waiting for it is done.
#[derive(Debug, Clone)]
pub struct RegistrarResultado {
    pub tipo: TipoEntidad,
    pub id_entidad: String,
    pub estado: Estado,
}

impl Command for RegistrarResultado {
    const NAME: &'static str = "RegistrarResultado";
    type Output = ();
}

#[derive(Debug, Error)]
pub enum RegistrarResultadoError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub struct RegistrarResultadoHandler<S> {
    store: Arc<S>,
}

impl<S> RegistrarResultadoHandler<S> {
    pub fn new(store: Arc<S>) -> Self {
        Self { store }
    }
}

#[async_trait]
impl<S: AuditoriaStore> CommandHandler<RegistrarResultado> for RegistrarResultadoHandler<S> {
    type Uow = S::Uow;
    type Error = RegistrarResultadoError;

    async fn handle(
        &self,
        uow: &mut S::Uow,
        command: RegistrarResultado,
        _ctx: &CommandContext,
    ) -> Result<(), RegistrarResultadoError> {
        // A manual decision on a record the audit never saw has no saga.
        if let Some(mut saga) = self
            .store
            .saga_de(uow, command.tipo, &command.id_entidad)
            .await?
        {
            if saga.completar(command.estado, Utc::now()) {
                self.store.guardar_saga(uow, &saga).await?;
            }
        }
        Ok(())
    }
}
