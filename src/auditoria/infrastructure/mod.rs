//! Adapters of `auditoria`: the sqlx store of audits and the saga log, the
//! Avro mapping of its event and of the commands it sends, the consumers of
//! the source contexts' events, and the saga's retry ticker.

mod fuentes;
mod messages;
pub mod module;
mod source_events;
mod sql_store;

pub use fuentes::{FUENTES, Fuente};
pub use messages::AvroSagaMessages;
pub use module::{AuditoriaHandlers, AuditoriaModule, SqlAuditoriaQueries};
pub use source_events::SourceEventsConsumer;
pub use sql_store::SqlAuditoriaStore;

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/auditoria");
