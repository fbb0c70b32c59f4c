//! Adapters of the BFF: the SQL projections and the projector that keeps
//! them from integration events, the Avro encoding of outgoing commands,
//! and the running module.

mod cartas_descartadas;
mod comando_encoder;
mod escrituras;
mod module;
mod operaciones;
mod projector;
mod rebuild;
mod sql_filas;
mod sql_lista_registros;
mod sql_proyecciones;
mod sql_registros_propiedad;

pub use cartas_descartadas::SqlDescartes;
pub use comando_encoder::AvroComandoEncoder;
pub use module::{BffModule, SqlBffCommands};
pub use operaciones::{BusObservado, OperacionesAdapter, ServicioLocal, servicios_remotos};
pub use projector::Projector;
pub use rebuild::{EventLog, rebuild};
pub use sql_proyecciones::SqlProyecciones;

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/bff_web");
