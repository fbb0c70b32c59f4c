//! How `propiedades` runs: its parts plugged into the seedwork's `RecordModule`
//! (contract, database, relay), and what `comandos-propiedades` carries and how
//! each command runs, for the seedwork's `ComandosConsumer` (decode, preload
//! the run, apply in its transaction, answer a refusal). The handlers are
//! the HTTP API's.

use std::sync::Arc;

use async_trait::async_trait;
use sqlx::migrate::Migrator;

use super::avro::ComandoPropiedad;
use super::{
    AvroEventosPropiedad, MIGRATIONS, SqlConsultaPropiedades, SqlPropiedadRepository, contrato,
};
use crate::contracts::{services, topics};
use crate::propiedades::application::{
    CrearPropiedadError, PropiedadHandlers, PropiedadRepository, Propiedades,
};
use crate::propiedades::domain::PropiedadEvent;
use crate::seedwork::application::{
    CommandContext, EventTranslator, FalloComando, HandleError, StoreError, execute,
};
use crate::seedwork::domain::EntityId;
use crate::seedwork::infrastructure::avro::{
    AvroCodec, ComandosConsumer, ComandosDeRegistro, RecordContract,
};
use crate::seedwork::infrastructure::{
    ContextStorage, RecordModule, RecordWiring, SqlUnitOfWorkFactory,
};

pub type SqlPropiedadHandlers = PropiedadHandlers<SqlPropiedadRepository, AvroEventosPropiedad>;
/// The service the HTTP API calls, on SQL and Avro.
pub type SqlPropiedades = Propiedades<
    SqlUnitOfWorkFactory,
    SqlPropiedadRepository,
    AvroEventosPropiedad,
    SqlConsultaPropiedades,
>;
/// The running `propiedades` context: its service, storage, consumer and relay.
pub type PropiedadesModule = RecordModule<PropiedadesWiring>;

/// `propiedades`'s parts on SQL, Avro and its command topic.
pub struct PropiedadesWiring;

impl RecordWiring for PropiedadesWiring {
    const SERVICE: &'static str = services::PROPIEDADES;
    const COMMAND_TOPIC: &'static str = topics::COMANDOS_PROPIEDADES;
    type Handlers = SqlPropiedadHandlers;
    type Service = SqlPropiedades;
    type Consumer = ComandosPropiedadesConsumer<SqlPropiedadRepository, AvroEventosPropiedad>;

    fn migrations() -> &'static Migrator {
        &MIGRATIONS
    }

    fn contract(codec: &AvroCodec) -> Vec<RecordContract> {
        contrato(codec)
    }

    fn handlers(codec: Arc<AvroCodec>) -> Self::Handlers {
        PropiedadHandlers::new(
            SqlPropiedadRepository::default(),
            AvroEventosPropiedad::new(codec),
        )
    }

    fn service(storage: &ContextStorage, handlers: Arc<Self::Handlers>) -> Self::Service {
        let consulta = SqlConsultaPropiedades::new(storage.db.clone());
        Propiedades::new(
            storage.uows.clone(),
            handlers.crear.clone(),
            consulta,
            storage.committers(),
        )
    }

    fn consumer(handlers: Arc<Self::Handlers>, codec: Arc<AvroCodec>) -> Self::Consumer {
        ComandosPropiedadesConsumer::new(handlers, codec)
    }
}

/// Commands from `comandos-propiedades`, applied in the consumer's transaction.
pub type ComandosPropiedadesConsumer<R, E> = ComandosConsumer<PropiedadHandlers<R, E>>;

/// A creation's failures (decisions' and compensations' are classified in
/// the seedwork, `record_errors`): a store outage waits, a duplicate is
/// poison. A taken cadastral id is no failure here: the handler answers it with
/// `CreacionPropiedadFallida`, which commits with the inbox row.
fn crear_fallido(error: CrearPropiedadError) -> HandleError {
    match error {
        CrearPropiedadError::Store(e) => e.into(),
        CrearPropiedadError::YaExiste(_)
        | CrearPropiedadError::CatastralRegistrada(_)
        | CrearPropiedadError::Encoding(_) => HandleError::Poison(error.to_string()),
    }
}

#[async_trait]
impl<R, E> ComandosDeRegistro for PropiedadHandlers<R, E>
where
    R: PropiedadRepository,
    E: EventTranslator<PropiedadEvent> + 'static,
{
    type Comando = ComandoPropiedad;
    type Uow = R::Uow;
    const SERVICIO: &'static str = services::PROPIEDADES;
    const TIPO_ENTIDAD: &'static str = "Propiedad";

    async fn precargar(&self, uow: &mut R::Uow, ids: &[EntityId]) -> Result<(), StoreError> {
        self.repository.precargar(uow, ids).await
    }

    async fn ejecutar(
        &self,
        uow: &mut R::Uow,
        comando: ComandoPropiedad,
        ctx: &CommandContext,
    ) -> Result<(), FalloComando> {
        match comando {
            ComandoPropiedad::Crear(c) => execute(&self.crear, uow, c, ctx)
                .await
                .map(|_| ())
                .map_err(|e| crear_fallido(e).into()),
            ComandoPropiedad::Aprobar(c) => execute(&self.aprobar, uow, c, ctx)
                .await
                .map_err(Into::into),
            ComandoPropiedad::Rechazar(c) => execute(&self.rechazar, uow, c, ctx)
                .await
                .map_err(Into::into),
            ComandoPropiedad::Eliminar(c) => execute(&self.eliminar, uow, c, ctx)
                .await
                .map_err(|e| HandleError::from(e).into()),
        }
    }
}
