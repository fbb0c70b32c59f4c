//! How `geograficos` runs: its parts plugged into the seedwork's `RecordModule`
//! (contract, database, relay), and what `comandos-geograficos` carries and how
//! each command runs, for the seedwork's `ComandosConsumer` (decode, preload
//! the run, apply in its transaction, answer a refusal). The handlers are
//! the HTTP API's.

use std::sync::Arc;

use async_trait::async_trait;
use sqlx::migrate::Migrator;

use super::avro::ComandoDatosGeograficos;
use super::{
    AvroEventosDatosGeograficos, MIGRATIONS, SqlConsultaDatosGeograficos,
    SqlDatosGeograficosRepository, contrato,
};
use crate::contracts::{services, topics};
use crate::geograficos::application::{
    DatosGeograficosHandlers, DatosGeograficosRepository, Geograficos,
};
use crate::geograficos::domain::DatosGeograficosEvent;
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

pub type SqlDatosGeograficosHandlers =
    DatosGeograficosHandlers<SqlDatosGeograficosRepository, AvroEventosDatosGeograficos>;
/// The service the HTTP API calls, on SQL and Avro.
pub type SqlGeograficos = Geograficos<
    SqlUnitOfWorkFactory,
    SqlDatosGeograficosRepository,
    AvroEventosDatosGeograficos,
    SqlConsultaDatosGeograficos,
>;
/// The running `geograficos` context: its service, storage, consumer and relay.
pub type GeograficosModule = RecordModule<GeograficosWiring>;

/// `geograficos`'s parts on SQL, Avro and its command topic.
pub struct GeograficosWiring;

impl RecordWiring for GeograficosWiring {
    const SERVICE: &'static str = services::GEOGRAFICOS;
    const COMMAND_TOPIC: &'static str = topics::COMANDOS_GEOGRAFICOS;
    type Handlers = SqlDatosGeograficosHandlers;
    type Service = SqlGeograficos;
    type Consumer =
        ComandosGeograficosConsumer<SqlDatosGeograficosRepository, AvroEventosDatosGeograficos>;

    fn migrations() -> &'static Migrator {
        &MIGRATIONS
    }

    fn contract(codec: &AvroCodec) -> Vec<RecordContract> {
        contrato(codec)
    }

    fn handlers(codec: Arc<AvroCodec>) -> Self::Handlers {
        DatosGeograficosHandlers::new(
            SqlDatosGeograficosRepository::default(),
            AvroEventosDatosGeograficos::new(codec),
        )
    }

    fn service(storage: &ContextStorage, handlers: Arc<Self::Handlers>) -> Self::Service {
        let consulta = SqlConsultaDatosGeograficos::new(storage.db.clone());
        Geograficos::new(
            storage.uows.clone(),
            handlers.crear.clone(),
            consulta,
            storage.committers(),
        )
    }

    fn consumer(handlers: Arc<Self::Handlers>, codec: Arc<AvroCodec>) -> Self::Consumer {
        ComandosGeograficosConsumer::new(handlers, codec)
    }
}

/// Commands from `comandos-geograficos`, applied in the consumer's transaction.
pub type ComandosGeograficosConsumer<R, E> = ComandosConsumer<DatosGeograficosHandlers<R, E>>;

#[async_trait]
impl<R, E> ComandosDeRegistro for DatosGeograficosHandlers<R, E>
where
    R: DatosGeograficosRepository,
    E: EventTranslator<DatosGeograficosEvent> + 'static,
{
    type Comando = ComandoDatosGeograficos;
    type Uow = R::Uow;
    const SERVICIO: &'static str = services::GEOGRAFICOS;
    const TIPO_ENTIDAD: &'static str = "DatosGeograficos";

    async fn precargar(&self, uow: &mut R::Uow, ids: &[EntityId]) -> Result<(), StoreError> {
        self.repository.precargar(uow, ids).await
    }

    async fn ejecutar(
        &self,
        uow: &mut R::Uow,
        comando: ComandoDatosGeograficos,
        ctx: &CommandContext,
    ) -> Result<(), FalloComando> {
        match comando {
            ComandoDatosGeograficos::Crear(c) => execute(&self.crear, uow, c, ctx)
                .await
                .map(|_| ())
                .map_err(|e| HandleError::from(e).into()),
            ComandoDatosGeograficos::Aprobar(c) => execute(&self.aprobar, uow, c, ctx)
                .await
                .map_err(Into::into),
            ComandoDatosGeograficos::Rechazar(c) => execute(&self.rechazar, uow, c, ctx)
                .await
                .map_err(Into::into),
            ComandoDatosGeograficos::Eliminar(c) => execute(&self.eliminar, uow, c, ctx)
                .await
                .map_err(|e| HandleError::from(e).into()),
        }
    }
}
