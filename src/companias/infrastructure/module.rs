//! How `companias` runs: its parts plugged into the seedwork's `RecordModule`
//! (contract, database, relay), and what `comandos-companias` carries and how
//! each command runs, for the seedwork's `ComandosConsumer` (decode, preload
//! the run, apply in its transaction, answer a refusal). The handlers are
//! the HTTP API's.

use std::sync::Arc;

use async_trait::async_trait;
use sqlx::migrate::Migrator;

use super::avro::ComandoCompania;
use super::{
    AvroEventosCompania, MIGRATIONS, SqlCompaniaRepository, SqlConsultaCompanias, contrato,
};
use crate::companias::application::{CompaniaHandlers, CompaniaRepository, Companias};
use crate::companias::domain::CompaniaEvent;
use crate::contracts::{services, topics};
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

pub type SqlCompaniaHandlers = CompaniaHandlers<SqlCompaniaRepository, AvroEventosCompania>;
/// The service the HTTP API calls, on SQL and Avro.
pub type SqlCompanias = Companias<
    SqlUnitOfWorkFactory,
    SqlCompaniaRepository,
    AvroEventosCompania,
    SqlConsultaCompanias,
>;
/// The running `companias` context: its service, storage, consumer and relay.
pub type CompaniasModule = RecordModule<CompaniasWiring>;

/// `companias`'s parts on SQL, Avro and its command topic.
pub struct CompaniasWiring;

impl RecordWiring for CompaniasWiring {
    const SERVICE: &'static str = services::COMPANIAS;
    const COMMAND_TOPIC: &'static str = topics::COMANDOS_COMPANIAS;
    type Handlers = SqlCompaniaHandlers;
    type Service = SqlCompanias;
    type Consumer = ComandosCompaniasConsumer<SqlCompaniaRepository, AvroEventosCompania>;

    fn migrations() -> &'static Migrator {
        &MIGRATIONS
    }

    fn contract(codec: &AvroCodec) -> Vec<RecordContract> {
        contrato(codec)
    }

    fn handlers(codec: Arc<AvroCodec>) -> Self::Handlers {
        CompaniaHandlers::new(
            SqlCompaniaRepository::default(),
            AvroEventosCompania::new(codec),
        )
    }

    fn service(storage: &ContextStorage, handlers: Arc<Self::Handlers>) -> Self::Service {
        let consulta = SqlConsultaCompanias::new(storage.db.clone());
        Companias::new(
            storage.uows.clone(),
            handlers.crear.clone(),
            consulta,
            storage.committers(),
        )
    }

    fn consumer(handlers: Arc<Self::Handlers>, codec: Arc<AvroCodec>) -> Self::Consumer {
        ComandosCompaniasConsumer::new(handlers, codec)
    }
}

/// Commands from `comandos-companias`, applied in the consumer's transaction.
pub type ComandosCompaniasConsumer<R, E> = ComandosConsumer<CompaniaHandlers<R, E>>;

#[async_trait]
impl<R, E> ComandosDeRegistro for CompaniaHandlers<R, E>
where
    R: CompaniaRepository,
    E: EventTranslator<CompaniaEvent> + 'static,
{
    type Comando = ComandoCompania;
    type Uow = R::Uow;
    const SERVICIO: &'static str = services::COMPANIAS;
    const TIPO_ENTIDAD: &'static str = "Compania";

    async fn precargar(&self, uow: &mut R::Uow, ids: &[EntityId]) -> Result<(), StoreError> {
        self.repository.precargar(uow, ids).await
    }

    async fn ejecutar(
        &self,
        uow: &mut R::Uow,
        comando: ComandoCompania,
        ctx: &CommandContext,
    ) -> Result<(), FalloComando> {
        match comando {
            ComandoCompania::Crear(c) => execute(&self.crear, uow, c, ctx)
                .await
                .map(|_| ())
                .map_err(|e| HandleError::from(e).into()),
            ComandoCompania::Aprobar(c) => execute(&self.aprobar, uow, c, ctx)
                .await
                .map_err(Into::into),
            ComandoCompania::Rechazar(c) => execute(&self.rechazar, uow, c, ctx)
                .await
                .map_err(Into::into),
        }
    }
}
