//! `CrearCompania`, `AprobarCompania`, `RechazarCompania`: each a command,
//! its handler and its error. A handler runs inside the caller's unit of
//! work: load → the aggregate decides → save and stage its events (the
//! outbox rows commit with the company). Each command says only what it does
//! where its record does not exist and what the record decides where it
//! does (`ComandoDeAgregado`); the seedwork loads and saves.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::companias::application::RECURSO;
use crate::companias::domain::{Compania, DatosCompania};
use crate::contracts::types;
use crate::seedwork::application::{
    AggregatePorts, ComandoDeAgregado, Command, CreacionError, DecisionError, SiNoExiste,
};
use crate::seedwork::domain::{EntityId, Motivos};

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

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type CrearCompaniaError = CreacionError;

/// Its handler: load → create (above) → save with its events, written
/// once in the seedwork over the repository and the event translator.
pub type CrearCompaniaHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for CrearCompania {
    type Agregado = Compania;
    type Error = CrearCompaniaError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        ahora: DateTime<Utc>,
    ) -> Result<SiNoExiste<Compania, EntityId>, CrearCompaniaError> {
        let id = self.id;
        Ok(SiNoExiste::Crea(
            Compania::registrar(id, self.datos, ahora),
            id,
        ))
    }

    /// The id is taken.
    fn aplicar(self, _: &mut Compania, _: DateTime<Utc>) -> Result<EntityId, CrearCompaniaError> {
        Err(CrearCompaniaError::YaExiste {
            recurso: RECURSO,
            id: self.id,
        })
    }
}

/// Approves a Pendiente company; approving an approved one is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct AprobarCompania {
    pub id: EntityId,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change. `None`:
    /// an ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for AprobarCompania {
    const NAME: &'static str = types::APROBAR_COMPANIA;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type AprobarCompaniaError = DecisionError;

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type AprobarCompaniaHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for AprobarCompania {
    type Agregado = Compania;
    type Error = AprobarCompaniaError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<Compania, ()>, AprobarCompaniaError> {
        Err(AprobarCompaniaError::NoEncontrada {
            recurso: RECURSO,
            id: self.id,
        })
    }

    fn aplicar(
        self,
        compania: &mut Compania,
        ahora: DateTime<Utc>,
    ) -> Result<(), AprobarCompaniaError> {
        Ok(compania.aprobar(self.motivo_revision.as_deref(), ahora)?)
    }
}

/// Rejects a Pendiente company with reasons; rejecting twice is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct RechazarCompania {
    pub id: EntityId,
    pub motivos: Motivos,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change. `None`:
    /// an ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for RechazarCompania {
    const NAME: &'static str = types::RECHAZAR_COMPANIA;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type RechazarCompaniaError = DecisionError;

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type RechazarCompaniaHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for RechazarCompania {
    type Agregado = Compania;
    type Error = RechazarCompaniaError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<Compania, ()>, RechazarCompaniaError> {
        Err(RechazarCompaniaError::NoEncontrada {
            recurso: RECURSO,
            id: self.id,
        })
    }

    fn aplicar(
        self,
        compania: &mut Compania,
        ahora: DateTime<Utc>,
    ) -> Result<(), RechazarCompaniaError> {
        Ok(compania.rechazar(&self.motivos, self.motivo_revision.as_deref(), ahora)?)
    }
}

/// The context's three command handlers over the same ports.
pub struct CompaniaHandlers<R, E> {
    /// Where they load and save (a consumer preloads a run's companies).
    pub repository: Arc<R>,
    pub crear: Arc<CrearCompaniaHandler<R, E>>,
    pub aprobar: AprobarCompaniaHandler<R, E>,
    pub rechazar: RechazarCompaniaHandler<R, E>,
}

impl<R, E> CompaniaHandlers<R, E> {
    pub fn new(repository: R, eventos: E) -> Self {
        let (repository, eventos) = (Arc::new(repository), Arc::new(eventos));
        Self {
            crear: Arc::new(CrearCompaniaHandler::new(
                repository.clone(),
                eventos.clone(),
            )),
            aprobar: AprobarCompaniaHandler::new(repository.clone(), eventos.clone()),
            rechazar: RechazarCompaniaHandler::new(repository.clone(), eventos),
            repository,
        }
    }
}

#[cfg(test)]
mod tests;
