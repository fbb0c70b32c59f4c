//! The command handlers against in-memory ports: no database.

use async_trait::async_trait;

use super::*;
use crate::propiedades::application::PropiedadRepository;
use crate::propiedades::domain::{DatosPropiedad, Propiedad, PropiedadEvent};
use crate::seedwork::application::testing::{
    MemoryAggregates, MemoryUnitOfWork, MemoryUnitOfWorkFactory, NamedEvents,
};
use crate::seedwork::application::{CommandContext, Repository, StoreError, dispatch};
use crate::seedwork::domain::{AggregateRoot, EntityId};

#[derive(Clone, Default)]
struct MemoryPropiedades(MemoryAggregates<Propiedad>);

#[async_trait]
impl Repository<Propiedad> for MemoryPropiedades {
    type Uow = MemoryUnitOfWork;

    async fn cargar(
        &self,
        _uow: &mut MemoryUnitOfWork,
        id: EntityId,
    ) -> Result<Option<Propiedad>, StoreError> {
        Ok(self.0.get(&id.to_string()))
    }

    async fn guardar(&self, uow: &mut MemoryUnitOfWork, p: &Propiedad) -> Result<(), StoreError> {
        let saved = Propiedad::restore(
            p.id(),
            p.datos().clone(),
            p.review().clone(),
            p.eliminada(),
            (p.fecha_creacion(), p.fecha_actualizacion()),
            p.version() + 1,
        );
        self.0.save(uow, p, saved)
    }
}

#[async_trait]
impl PropiedadRepository for MemoryPropiedades {
    async fn catastral_registrada(
        &self,
        _uow: &mut MemoryUnitOfWork,
        identificacion_catastral: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .0
            .any(|p| p.datos().identificacion_catastral.as_str() == identificacion_catastral))
    }
}

fn describe(e: &PropiedadEvent) -> (String, String) {
    (e.name().to_owned(), e.id().to_string())
}

fn crear(catastral: &str) -> CrearPropiedad {
    CrearPropiedad {
        id: EntityId::new(),
        datos: DatosPropiedad::parse("Lote", catastral, "900123").expect("datos"),
    }
}

#[tokio::test]
async fn a_taken_cadastral_id_is_refused_and_compensation_eliminates_once() {
    let uows = MemoryUnitOfWorkFactory::default();
    let repository = MemoryPropiedades::default();
    let h = PropiedadHandlers::new(
        repository.clone(),
        NamedEvents::new(describe as fn(&_) -> _),
    );
    let ctx = CommandContext::new_root;
    let first = crear("CAT-1");
    let id = first.id;
    let creada = dispatch(&uows, &h.crear, first, ctx())
        .await
        .expect("crear");
    assert_eq!(creada, CreacionPropiedad::Creada(id));
    let taken = dispatch(&uows, &h.crear, crear("CAT-1"), ctx()).await;
    assert!(
        matches!(taken, Ok(CreacionPropiedad::Fallida { identificacion_catastral: c }) if c == "CAT-1")
    );
    for _ in 0..2 {
        let eliminar = EliminarPropiedad {
            id,
            motivo: "datos geográficos: no se pudieron crear".into(),
        };
        dispatch(&uows, &h.eliminar, eliminar, ctx())
            .await
            .expect("eliminar");
    }
    let missing = EliminarPropiedad {
        id: EntityId::new(),
        motivo: "nada que compensar".into(),
    };
    dispatch(&uows, &h.eliminar, missing, ctx())
        .await
        .expect("compensating what was never created is a no-op");
    assert_eq!(
        uows.committed_types(),
        [
            "PropiedadCreada",
            "CreacionPropiedadFallida",
            "PropiedadEliminada"
        ]
    );
    assert!(
        repository
            .0
            .get(&id.to_string())
            .expect("stored")
            .eliminada()
    );
}
