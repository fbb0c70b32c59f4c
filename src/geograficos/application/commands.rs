//! `CrearDatosGeograficos`, `AprobarDatosGeograficos`, `RechazarDatosGeograficos`,
//! `EliminarDatosGeograficos` (a saga's compensation): each a command,
//! its handler and its error. A handler runs inside the caller's unit of
//! work: load → the aggregate decides → save and stage its events (the
//! outbox rows commit with the record). Each command says only what it does
//! where its record does not exist and what the record decides where it
//! does (`ComandoDeAgregado`); the seedwork loads and saves.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::contracts::types;
use crate::geograficos::application::RECURSO;
use crate::geograficos::domain::{Coordenadas, DatosGeograficos};
use crate::seedwork::application::{
    AggregatePorts, ComandoDeAgregado, Command, CompensacionError, CreacionError, DecisionError,
    SiNoExiste,
};
use crate::seedwork::domain::{EntityId, Motivos};

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

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type CrearDatosGeograficosError = CreacionError;

/// Its handler: load → create (above) → save with its events, written
/// once in the seedwork over the repository and the event translator.
pub type CrearDatosGeograficosHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for CrearDatosGeograficos {
    type Agregado = DatosGeograficos;
    type Error = CrearDatosGeograficosError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        ahora: DateTime<Utc>,
    ) -> Result<SiNoExiste<DatosGeograficos, EntityId>, CrearDatosGeograficosError> {
        let id = self.id;
        Ok(SiNoExiste::Crea(
            DatosGeograficos::registrar(id, self.datos, ahora),
            id,
        ))
    }

    /// The id is taken.
    fn aplicar(
        self,
        _: &mut DatosGeograficos,
        _: DateTime<Utc>,
    ) -> Result<EntityId, CrearDatosGeograficosError> {
        Err(CrearDatosGeograficosError::YaExiste {
            recurso: RECURSO,
            id: self.id,
        })
    }
}

/// Approves a Pendiente record; approving an approved one is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct AprobarDatosGeograficos {
    pub id: EntityId,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change (an
    /// eliminated record is still decided as without one). `None`: an
    /// ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for AprobarDatosGeograficos {
    const NAME: &'static str = types::APROBAR_DATOS_GEOGRAFICOS;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type AprobarDatosGeograficosError = DecisionError;

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type AprobarDatosGeograficosHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for AprobarDatosGeograficos {
    type Agregado = DatosGeograficos;
    type Error = AprobarDatosGeograficosError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<DatosGeograficos, ()>, AprobarDatosGeograficosError> {
        Err(AprobarDatosGeograficosError::NoEncontrada {
            recurso: RECURSO,
            id: self.id,
        })
    }

    fn aplicar(
        self,
        datos: &mut DatosGeograficos,
        ahora: DateTime<Utc>,
    ) -> Result<(), AprobarDatosGeograficosError> {
        Ok(datos.aprobar(self.motivo_revision.as_deref(), ahora)?)
    }
}

/// Rejects a Pendiente record with reasons; rejecting twice is a no-op.
/// A `motivo_revision` re-decides it whatever its estado (see the field).
#[derive(Debug, Clone)]
pub struct RechazarDatosGeograficos {
    pub id: EntityId,
    pub motivos: Motivos,
    /// Set (to the auditor's reason) when an auditor re-decides an audit
    /// they reopened: the decision applies whatever the record's estado and
    /// its event is recorded even when the estado does not change (an
    /// eliminated record is still decided as without one). `None`: an
    /// ordinary decision.
    pub motivo_revision: Option<String>,
}

impl Command for RechazarDatosGeograficos {
    const NAME: &'static str = types::RECHAZAR_DATOS_GEOGRAFICOS;
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type RechazarDatosGeograficosError = DecisionError;

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type RechazarDatosGeograficosHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for RechazarDatosGeograficos {
    type Agregado = DatosGeograficos;
    type Error = RechazarDatosGeograficosError;

    fn id(&self) -> EntityId {
        self.id
    }

    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<DatosGeograficos, ()>, RechazarDatosGeograficosError> {
        Err(RechazarDatosGeograficosError::NoEncontrada {
            recurso: RECURSO,
            id: self.id,
        })
    }

    fn aplicar(
        self,
        datos: &mut DatosGeograficos,
        ahora: DateTime<Utc>,
    ) -> Result<(), RechazarDatosGeograficosError> {
        Ok(datos.rechazar(&self.motivos, self.motivo_revision.as_deref(), ahora)?)
    }
}

/// A saga's compensation: the record leaves the listings, rejected with
/// the cause; eliminating twice is a no-op.
#[derive(Debug, Clone)]
pub struct EliminarDatosGeograficos {
    pub id: EntityId,
    pub motivo: String,
}

impl Command for EliminarDatosGeograficos {
    /// On the wire: `RechazarDatosGeograficos` with `eliminar` (schema v3).
    const NAME: &'static str = "EliminarDatosGeograficos";
    type Output = ();
}

/// Its failures, mapped to HTTP and to a consumer's verdict in the seedwork.
pub type EliminarDatosGeograficosError = CompensacionError;

/// Its handler: load → decide (above) → save with its events, written once
/// in the seedwork over the repository and the event translator.
pub type EliminarDatosGeograficosHandler<R, E> = AggregatePorts<R, E>;

impl ComandoDeAgregado for EliminarDatosGeograficos {
    type Agregado = DatosGeograficos;
    type Error = EliminarDatosGeograficosError;

    fn id(&self) -> EntityId {
        self.id
    }

    /// Nothing created, nothing to compensate: the saga may compensate a
    /// step whose creation never happened.
    fn si_no_existe(
        self,
        _: DateTime<Utc>,
    ) -> Result<SiNoExiste<DatosGeograficos, ()>, EliminarDatosGeograficosError> {
        Ok(SiNoExiste::Nada(()))
    }

    fn aplicar(
        self,
        datos: &mut DatosGeograficos,
        ahora: DateTime<Utc>,
    ) -> Result<(), EliminarDatosGeograficosError> {
        datos.eliminar(&self.motivo, ahora);
        Ok(())
    }
}

/// The context's four command handlers over the same ports.
pub struct DatosGeograficosHandlers<R, E> {
    /// Where they load and save (a consumer preloads a run's records).
    pub repository: Arc<R>,
    pub crear: Arc<CrearDatosGeograficosHandler<R, E>>,
    pub aprobar: AprobarDatosGeograficosHandler<R, E>,
    pub rechazar: RechazarDatosGeograficosHandler<R, E>,
    pub eliminar: EliminarDatosGeograficosHandler<R, E>,
}

impl<R, E> DatosGeograficosHandlers<R, E> {
    pub fn new(repository: R, eventos: E) -> Self {
        let (repository, eventos) = (Arc::new(repository), Arc::new(eventos));
        Self {
            crear: Arc::new(CrearDatosGeograficosHandler::new(
                repository.clone(),
                eventos.clone(),
            )),
            aprobar: AprobarDatosGeograficosHandler::new(repository.clone(), eventos.clone()),
            rechazar: RechazarDatosGeograficosHandler::new(repository.clone(), eventos.clone()),
            eliminar: EliminarDatosGeograficosHandler::new(repository.clone(), eventos),
            repository,
        }
    }
}

#[cfg(test)]
mod tests;
