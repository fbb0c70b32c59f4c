//! Application building blocks: command and query handlers with one dispatch
//! the API calls, and the ports (traits) the handlers use — unit of work,
//! message bus, event translation. Nothing here knows sqlx, Avro or Pulsar;
//! `infrastructure` implements these traits.

mod command;
mod command_unit;
mod errors;
mod messaging;
mod paging;
mod query;
pub mod review;
mod unit_of_work;

pub use command::{Command, CommandContext, CommandHandler, InboxClaim, dispatch};
pub use command_unit::{begin_command, stage_events};
pub use errors::{BusError, HandleError, StoreError, TranslateError};
pub use messaging::{EventTranslator, Message, MessageBus, MessageHandler};
pub use paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageOf, PageRequest};
pub use query::{Query, QueryHandler, ask};
pub use unit_of_work::{UnitOfWork, UnitOfWorkFactory};
