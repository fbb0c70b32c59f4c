//! The command handlers against in-memory ports: no database.

use async_trait::async_trait;

use super::*;
use crate::geograficos::application::DatosGeograficosRepository;
use crate::geograficos::domain::{Coordenadas, DatosGeograficos, DatosGeograficosEvent};
use crate::seedwork::application::testing::{
    MemoryAggregates, MemoryUnitOfWork, MemoryUnitOfWorkFactory, NamedEvents,
};
use crate::seedwork::application::{CommandContext, Repository, StoreError, dispatch};
use crate::seedwork::domain::{AggregateRoot, EntityId, Estado, Motivos};

#[derive(Clone, Default)]
struct MemoryDatos(MemoryAggregates<DatosGeograficos>);

#[async_trait]
impl Repository<DatosGeograficos> for MemoryDatos {
    type Uow = MemoryUnitOfWork;

    async fn cargar(
        &self,
        _uow: &mut MemoryUnitOfWork,
        id: EntityId,
    ) -> Result<Option<DatosGeograficos>, StoreError> {
        Ok(self.0.get(&id.to_string()))
    }

    async fn guardar(
        &self,
        uow: &mut MemoryUnitOfWork,
        d: &DatosGeograficos,
    ) -> Result<(), StoreError> {
        let saved = DatosGeograficos::restore(
            d.id(),
            d.datos().clone(),
            d.review().clone(),
            d.eliminado(),
            (d.fecha_creacion(), d.fecha_actualizacion()),
            d.version() + 1,
        );
        self.0.save(uow, d, saved)
    }
}

impl DatosGeograficosRepository for MemoryDatos {}

fn describe(e: &DatosGeograficosEvent) -> (String, String) {
    (e.name().to_owned(), e.id().to_string())
}

/// Out-of-range coordinates are registered (the audit judges them),
/// rejected once, and then can no longer be approved.
#[tokio::test]
async fn registered_then_rejected_once_and_never_approved_after() {
    let uows = MemoryUnitOfWorkFactory::default();
    let repository = MemoryDatos::default();
    let h = DatosGeograficosHandlers::new(
        repository.clone(),
        NamedEvents::new(describe as fn(&_) -> _),
    );
    let id = EntityId::new();
    let datos = Coordenadas::parse("Casa", "95", "-74.1", "").expect("datos");
    let ctx = CommandContext::new_root;
    dispatch(&uows, &h.crear, CrearDatosGeograficos { id, datos }, ctx())
        .await
        .expect("crear");
    let motivos = Motivos::parse(&["latitud fuera_de_rango".into()]).expect("motivos");
    for _ in 0..2 {
        let rechazar = RechazarDatosGeograficos {
            id,
            motivos: motivos.clone(),
            motivo_revision: None,
        };
        dispatch(&uows, &h.rechazar, rechazar, ctx())
            .await
            .expect("rechazar");
    }
    let aprobar = dispatch(
        &uows,
        &h.aprobar,
        AprobarDatosGeograficos {
            id,
            motivo_revision: None,
        },
        ctx(),
    )
    .await;
    assert!(matches!(
        aprobar,
        Err(AprobarDatosGeograficosError::TransicionInvalida(_))
    ));
    assert_eq!(
        uows.committed_types(),
        ["DatosGeograficosCreados", "DatosGeograficosRechazados"]
    );
    let stored = repository.0.get(&id.to_string()).expect("stored");
    assert_eq!(stored.estado(), Estado::Rechazada);
    assert_eq!(stored.motivos_rechazo(), ["latitud fuera_de_rango"]);
}

#[tokio::test]
async fn aprobar_unknown_is_not_found() {
    let uows = MemoryUnitOfWorkFactory::default();
    let h = DatosGeograficosHandlers::new(
        MemoryDatos::default(),
        NamedEvents::new(describe as fn(&_) -> _),
    );
    let id = EntityId::new();
    let err = dispatch(
        &uows,
        &h.aprobar,
        AprobarDatosGeograficos {
            id,
            motivo_revision: None,
        },
        CommandContext::new_root(),
    )
    .await;
    assert!(
        matches!(err, Err(AprobarDatosGeograficosError::NoEncontrada { id: x, .. }) if x == id)
    );
    assert!(uows.committed_types().is_empty());
}

/// given no record / when it is compensated / then nothing happens; given
/// a record / when it is created again / then the id is taken.
#[tokio::test]
async fn a_compensation_of_nothing_is_a_no_op_and_a_taken_id_is_refused() {
    let uows = MemoryUnitOfWorkFactory::default();
    let repository = MemoryDatos::default();
    let h = DatosGeograficosHandlers::new(
        repository.clone(),
        NamedEvents::new(describe as fn(&_) -> _),
    );
    let id = EntityId::new();
    let eliminar = EliminarDatosGeograficos {
        id,
        motivo: "registro compensado".into(),
    };
    dispatch(&uows, &h.eliminar, eliminar, CommandContext::new_root())
        .await
        .expect("nothing to undo is no failure");
    assert!(uows.committed_types().is_empty());
    assert!(repository.0.get(&id.to_string()).is_none());

    let datos = Coordenadas::parse("Casa", "4.6", "-74.1", "").expect("datos");
    let crear = CrearDatosGeograficos { id, datos };
    dispatch(&uows, &h.crear, crear.clone(), CommandContext::new_root())
        .await
        .expect("crear");
    let again = dispatch(&uows, &h.crear, crear, CommandContext::new_root()).await;
    assert!(matches!(again, Err(CrearDatosGeograficosError::YaExiste { id: x, .. }) if x == id));
    assert_eq!(uows.committed_types(), ["DatosGeograficosCreados"]);
}
