//! Adapters of `companias`: the seedwork's registered-record adapters
//! (portable SQL repository, Avro mapping, command consumer) bound to this
//! context's table, topics and migrations.

use crate::companias::domain::DatosCompania;
use crate::seedwork::infrastructure::registro::{
    RegistroModule, RegistroNames, SqlRegistroCommands, SqlRegistroQueries, SqlRegistroRepository,
};

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/companias");

pub const NAMES: RegistroNames = RegistroNames {
    service: crate::companias::SERVICE,
    command_topic: crate::companias::COMMAND_TOPIC,
    event_topic: crate::companias::EVENT_TOPIC,
    table: "companias",
};

pub type CompaniasModule = RegistroModule<DatosCompania>;
pub type SqlCompaniaCommands = SqlRegistroCommands<DatosCompania>;
pub type SqlCompaniaQueries = SqlRegistroQueries<DatosCompania>;

pub fn repository() -> SqlRegistroRepository<DatosCompania> {
    SqlRegistroRepository::new(NAMES.table)
}
