//! `CrearPropiedad`, `AprobarPropiedad`, `RechazarPropiedad`,
//! `EliminarPropiedad` (a saga's compensation): each a command,
//! its handler and its error. A handler runs inside the caller's unit of
//! work: load → the aggregate decides → save and stage its events (the
//! outbox rows commit with the record). A creation is its handler's own; a
//! change of an existing record says only what it decides
//! (`ComandoDeAgregado`) and the seedwork loads and saves it.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::contracts::types;
use crate::propiedades::application::{PropiedadRepository, RECURSO};
use crate::propiedades::domain::{DatosPropiedad, Propiedad, PropiedadEvent};
use crate::seedwork::application::{
    AggregatePorts, ComandoDeAgregado, Command, CommandContext, CommandHandler, CompensacionError,
    DecisionError, EventTranslator, SiNoExiste, StoreError, TranslateError, stage_events,
};
use crate::seedwork::domain::{EntityId, Motivos};

/// Registers a property with the data as given (blank fields accepted);
/// its cadastral id, when given, must be free.
#[derive(Debug, Clone)]
pub struct CrearPropiedad {
    pub id: EntityId,
    pub datos: DatosPropiedad,
}

impl Command for CrearPropiedad {
    const NAME: &'static str = types::CREAR_PROPIEDAD;
    type Output = CreacionPropiedad;
}

/// What a registration came to. A taken cadastral id is an answer, not a
/// failure of the handler: `CreacionPropiedadFallida` commits (so a saga
/// waiting for the creation hears why), and the command is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreacionPropiedad {
    Creada(EntityId),
    Fallida { identificacion_catastral: String },
}

#[derive(Debug, Error)]
pub enum CrearPropiedadError {
    #[error("propiedad {0} already exists")]
    YaExiste(EntityId),
    /// Another property holds the cadastral id: the registration cannot be.
    #[error("identificacion_catastral {0} ya registrada")]
    CatastralRegistrada(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
}

/// Its ports: the repository and the event translator.
pub type CrearPropiedadHandler<R, E> = AggregatePorts<R, E>;

#[async_trait]
impl<R, E> CommandHandler<CrearPropiedad> for CrearPropiedadHandler<R, E>
where
    R: PropiedadRepository,
    E: EventTranslator<PropiedadEvent>,
{
    type Uow = R::Uow;
    type Error = CrearPropiedadError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        command: CrearPropiedad,
        ctx: &CommandContext,
    ) -> Result<CreacionPropiedad, CrearPropiedadError> {
        if self.repository.cargar(uow, command.id).await?.is_some() {
            return Err(CrearPropiedadError::YaExiste(command.id));
        }
        let catastral = command.datos.identificacion_catastral.as_str();
        if !catastral.is_empty() && self.repository.catastral_registrada(uow, catastral).await? {
            let fallida =
                Propiedad::decidir_registro_fallido(command.id, &command.datos, Utc::now());
            let events = [PropiedadEvent::CreacionPropiedadFallida(fallida)];
            stage_events(uow, &events, self.eventos.as_ref(), ctx)?;
            return Ok(CreacionPropiedad::Fallida {
                identificacion_catastral: catastral.to_owned(),
            });
        }
        let mut datos = Propiedad::registrar(command.id, command.datos, Utc::now());
        self.guardar_con_eventos::<_, CrearPropiedadError>(uow, &mut datos, ctx)
            .await?;
        Ok(CreacionPropiedad::Creada(command.id))
    }
}

/// Approves a Pendiente record; approving an approved one is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct AprobarPropiedad {
    pub id: EntityId,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change (an
    /// eliminated record is still decided as without one). `None`: an
    /// ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for AprobarPropiedad {
    const NAME: &'static str = types::APROBAR_PROPIEDAD;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type AprobarPropiedadError = DecisionError;

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type AprobarPropiedadHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for AprobarPropiedad {
    type Agregado = Propiedad;
    type Error = AprobarPropiedadError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<Propiedad, ()>, AprobarPropiedadError> {
        Err(AprobarPropiedadError::NoEncontrada {
            recurso: RECURSO,
            id: self.id,
        })
    }

    fn aplicar(
        self,
        propiedad: &mut Propiedad,
        ahora: DateTime<Utc>,
    ) -> Result<(), AprobarPropiedadError> {
        Ok(propiedad.aprobar(self.motivo_revision.as_deref(), ahora)?)
    }
}

/// Rejects a Pendiente record with reasons; rejecting twice is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct RechazarPropiedad {
    pub id: EntityId,
    pub motivos: Motivos,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change (an
    /// eliminated record is still decided as without one). `None`: an
    /// ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for RechazarPropiedad {
    const NAME: &'static str = types::RECHAZAR_PROPIEDAD;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type RechazarPropiedadError = DecisionError;

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type RechazarPropiedadHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for RechazarPropiedad {
    type Agregado = Propiedad;
    type Error = RechazarPropiedadError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<Propiedad, ()>, RechazarPropiedadError> {
        Err(RechazarPropiedadError::NoEncontrada {
            recurso: RECURSO,
            id: self.id,
        })
    }

    fn aplicar(
        self,
        propiedad: &mut Propiedad,
        ahora: DateTime<Utc>,
    ) -> Result<(), RechazarPropiedadError> {
        Ok(propiedad.rechazar(&self.motivos, self.motivo_revision.as_deref(), ahora)?)
    }
}

/// A saga's compensation: the property leaves the listings, rejected with
/// the cause; eliminating twice is a no-op.
#[derive(Debug, Clone)]
pub struct EliminarPropiedad {
    pub id: EntityId,
    pub motivo: String,
}

impl Command for EliminarPropiedad {
    const NAME: &'static str = types::ELIMINAR_PROPIEDAD;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type EliminarPropiedadError = CompensacionError;

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type EliminarPropiedadHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for EliminarPropiedad {
    type Agregado = Propiedad;
    type Error = EliminarPropiedadError;

    fn id(&self) -> EntityId {
        self.id
    }

    /// Nothing created, nothing to compensate: the saga may compensate a
    /// step whose creation never happened.
    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<Propiedad, ()>, EliminarPropiedadError> {
        Ok(SiNoExiste::Nada(()))
    }

    fn aplicar(
        self,
        propiedad: &mut Propiedad,
        ahora: DateTime<Utc>,
    ) -> Result<(), EliminarPropiedadError> {
        propiedad.eliminar(&self.motivo, ahora);
        Ok(())
    }
}

/// The context's four command handlers over the same ports.
pub struct PropiedadHandlers<R, E> {
    /// Where they load and save (a consumer preloads a run's records).
    pub repository: Arc<R>,
    pub crear: Arc<CrearPropiedadHandler<R, E>>,
    pub aprobar: AprobarPropiedadHandler<R, E>,
    pub rechazar: RechazarPropiedadHandler<R, E>,
    pub eliminar: EliminarPropiedadHandler<R, E>,
}

impl<R, E> PropiedadHandlers<R, E> {
    pub fn new(repository: R, eventos: E) -> Self {
        let (repository, eventos) = (Arc::new(repository), Arc::new(eventos));
        Self {
            crear: Arc::new(CrearPropiedadHandler::new(
                repository.clone(),
                eventos.clone(),
            )),
            aprobar: AprobarPropiedadHandler::new(repository.clone(), eventos.clone()),
            rechazar: RechazarPropiedadHandler::new(repository.clone(), eventos.clone()),
            eliminar: EliminarPropiedadHandler::new(repository.clone(), eventos),
            repository,
        }
    }
}

#[cfg(test)]
mod tests;
