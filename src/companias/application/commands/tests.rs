//! The command handlers against in-memory ports: no database. given a
//! repository state / when a command is dispatched / then the committed
//! events, or the error and nothing committed.

use async_trait::async_trait;

use super::*;
use crate::companias::application::CompaniaRepository;
use crate::companias::domain::{Compania, CompaniaEvent, DatosCompania};
use crate::seedwork::application::testing::{
    MemoryAggregates, MemoryUnitOfWork, MemoryUnitOfWorkFactory, NamedEvents,
};
use crate::seedwork::application::{CommandContext, Repository, StoreError, dispatch};
use crate::seedwork::domain::{AggregateRoot, EntityId, Estado, Motivos};

/// Companies in memory (seedwork's `MemoryAggregates`).
#[derive(Clone, Default)]
struct MemoryCompanias(MemoryAggregates<Compania>);

#[async_trait]
impl Repository<Compania> for MemoryCompanias {
    type Uow = MemoryUnitOfWork;

    async fn cargar(
        &self,
        _uow: &mut MemoryUnitOfWork,
        id: EntityId,
    ) -> Result<Option<Compania>, StoreError> {
        Ok(self.0.get(&id.to_string()))
    }

    async fn guardar(&self, uow: &mut MemoryUnitOfWork, c: &Compania) -> Result<(), StoreError> {
        let saved = Compania::restore(
            c.id(),
            c.datos().clone(),
            c.review().clone(),
            (c.fecha_creacion(), c.fecha_actualizacion()),
            c.version() + 1,
        );
        self.0.save(uow, c, saved)
    }
}

impl CompaniaRepository for MemoryCompanias {}

type Eventos = NamedEvents<fn(&CompaniaEvent) -> (String, String)>;

fn describe(e: &CompaniaEvent) -> (String, String) {
    (e.name().to_owned(), e.id().to_string())
}

fn given() -> (
    MemoryUnitOfWorkFactory,
    MemoryCompanias,
    CompaniaHandlers<MemoryCompanias, Eventos>,
) {
    let (uows, repository) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryCompanias::default(),
    );
    let handlers = CompaniaHandlers::new(
        repository.clone(),
        NamedEvents::new(describe as fn(&_) -> _),
    );
    (uows, repository, handlers)
}

fn crear(id: EntityId) -> CrearCompania {
    CrearCompania {
        id,
        datos: DatosCompania::new("Inmobiliaria Andes", "", "900123").expect("datos"),
    }
}

fn ctx() -> CommandContext {
    CommandContext::new_root()
}

#[tokio::test]
async fn crear_compania_saves_it_and_stages_compania_creada() {
    let (uows, repository, h) = given();
    let id = EntityId::new();
    let created = dispatch(&uows, &h.crear, crear(id), ctx())
        .await
        .expect("crear");
    assert_eq!(created, id);
    assert_eq!(uows.committed_types(), ["CompaniaCreada"]);
    let stored = repository.0.get(&id.to_string()).expect("stored");
    assert_eq!(stored.estado(), Estado::Pendiente);
}

#[tokio::test]
async fn crear_compania_twice_is_refused_and_commits_nothing_more() {
    let (uows, _, h) = given();
    let id = EntityId::new();
    dispatch(&uows, &h.crear, crear(id), ctx())
        .await
        .expect("first");
    let again = dispatch(&uows, &h.crear, crear(id), ctx()).await;
    assert!(matches!(again, Err(CrearCompaniaError::YaExiste { id: x, .. }) if x == id));
    assert_eq!(uows.committed_types(), ["CompaniaCreada"]);
}

#[tokio::test]
async fn aprobar_compania_unknown_is_not_found() {
    let (uows, _, h) = given();
    let id = EntityId::new();
    let err = dispatch(
        &uows,
        &h.aprobar,
        AprobarCompania {
            id,
            motivo_revision: None,
        },
        ctx(),
    )
    .await;
    assert!(matches!(err, Err(AprobarCompaniaError::NoEncontrada { id: x, .. }) if x == id));
}

#[tokio::test]
async fn aprobar_compania_twice_stages_one_compania_aprobada() {
    let (uows, repository, h) = given();
    let id = EntityId::new();
    dispatch(&uows, &h.crear, crear(id), ctx())
        .await
        .expect("crear");
    for _ in 0..2 {
        dispatch(
            &uows,
            &h.aprobar,
            AprobarCompania {
                id,
                motivo_revision: None,
            },
            ctx(),
        )
        .await
        .expect("aprobar");
    }
    assert_eq!(
        uows.committed_types(),
        ["CompaniaCreada", "CompaniaAprobada"]
    );
    assert_eq!(
        repository.0.get(&id.to_string()).expect("stored").version(),
        2
    );
}

#[tokio::test]
async fn rechazar_compania_approved_is_an_invalid_transition_and_changes_nothing() {
    let (uows, repository, h) = given();
    let id = EntityId::new();
    dispatch(&uows, &h.crear, crear(id), ctx())
        .await
        .expect("crear");
    dispatch(
        &uows,
        &h.aprobar,
        AprobarCompania {
            id,
            motivo_revision: None,
        },
        ctx(),
    )
    .await
    .expect("aprobar");
    let motivos = Motivos::parse(&["email faltante".into()]).expect("motivos");
    let err = dispatch(
        &uows,
        &h.rechazar,
        RechazarCompania {
            id,
            motivos,
            motivo_revision: None,
        },
        ctx(),
    )
    .await;
    assert!(matches!(
        err,
        Err(RechazarCompaniaError::TransicionInvalida(_))
    ));
    assert_eq!(
        repository.0.get(&id.to_string()).expect("stored").estado(),
        Estado::Aprobada
    );
    assert_eq!(
        uows.committed_types(),
        ["CompaniaCreada", "CompaniaAprobada"]
    );
}

#[tokio::test]
async fn a_revised_rejection_of_an_approved_compania_stages_compania_rechazada() {
    let (uows, repository, h) = given();
    let id = EntityId::new();
    dispatch(&uows, &h.crear, crear(id), ctx())
        .await
        .expect("crear");
    dispatch(
        &uows,
        &h.aprobar,
        AprobarCompania {
            id,
            motivo_revision: None,
        },
        ctx(),
    )
    .await
    .expect("aprobar");
    let motivos = Motivos::parse(&["email faltante".into()]).expect("motivos");
    let motivo_revision = Some("el auditor reabrió la auditoría".to_owned());
    dispatch(
        &uows,
        &h.rechazar,
        RechazarCompania {
            id,
            motivos,
            motivo_revision: motivo_revision.clone(),
        },
        ctx(),
    )
    .await
    .expect("rechazar revisado");
    dispatch(
        &uows,
        &h.aprobar,
        AprobarCompania {
            id,
            motivo_revision,
        },
        ctx(),
    )
    .await
    .expect("aprobar revisado");
    assert_eq!(
        uows.committed_types(),
        [
            "CompaniaCreada",
            "CompaniaAprobada",
            "CompaniaRechazada",
            "CompaniaAprobada"
        ]
    );
    assert_eq!(
        repository.0.get(&id.to_string()).expect("stored").estado(),
        Estado::Aprobada
    );
}
