//! Adapters of `auditoria`: the sqlx store of audits, the saga log and the
//! registrations, the Avro mapping of its events and of the commands it
//! sends, the consumers of the source contexts' events and of
//! `comandos-auditoria`, `comandos-revisiones` and `rechazos-comandos`,
//! and the sagas' retry
//! ticker.

mod comandos_auditoria;
mod comandos_revisiones;
mod fuentes;
mod handlers;
mod messages;
pub mod module;
mod rechazos;
mod registro_guardado;
mod source_events;
mod sql_filas;
mod sql_registros;
mod sql_staged;
mod sql_store;

pub use comandos_auditoria::ComandosAuditoriaConsumer;
pub use comandos_revisiones::ComandosRevisionesConsumer;
pub use fuentes::{FUENTES, Fuente};
pub use handlers::AuditoriaHandlers;
pub use messages::AvroSagaMessages;
pub use module::{AuditoriaModule, SqlAuditoriaQueries};
pub use rechazos::RechazosConsumer;
pub use source_events::SourceEventsConsumer;
pub use sql_store::SqlAuditoriaStore;

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/auditoria");
