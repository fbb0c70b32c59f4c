//! Application building blocks: command and query handlers with one dispatch
//! the API calls, the consumers that apply messages in shared transactions,
//! and the ports (traits) the handlers use — unit of work, message bus,
//! event translation. Nothing here knows sqlx, Avro or Pulsar;
//! `infrastructure` implements these traits.

mod auth;
mod command;
mod command_unit;
mod context;
mod errors;
mod group_commit;
mod messaging;
mod paging;
mod query;
mod record_errors;
mod record_service;
mod repository;
#[cfg(test)]
pub mod testing;
mod transactional;
mod unit_of_work;

pub use auth::{AuthError, Authenticator, Sesion};
pub use command::{Command, CommandHandler, dispatch, execute};
pub use command_unit::{AggregatePorts, ComandoDeAgregado, SiNoExiste, stage_events};
pub use context::CommandContext;
pub use errors::{BusError, FalloComando, HandleError, StoreError, TranslateError};
pub use group_commit::GroupCommit;
pub use messaging::{
    BatchOutcome, CAUSATION_PROPERTY, EventTranslator, Message, MessageBus, MessageHandler,
    REPLAY_PROPERTY,
};
pub use paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageOf, PageRequest};
pub use query::{Query, QueryHandler, ReadPorts, ask};
pub use record_errors::{
    CompensacionError, ConsultaError, CreacionError, DecisionError, ListadoError,
};
pub use record_service::{CasosDeRegistro, RecordService, RecordUseCases};
pub use repository::{RecordQueries, Repository, preload_run};
pub use transactional::{InTransactions, TransactionalHandler};
pub use unit_of_work::{UnitOfWork, UnitOfWorkFactory};
