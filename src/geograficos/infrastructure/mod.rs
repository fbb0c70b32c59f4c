//! Adapters of `geograficos`: the seedwork's registered-record adapters
//! bound to this context's table, topics and migrations.

use crate::geograficos::domain::Coordenadas;
use crate::seedwork::infrastructure::registro::{RegistroModule, RegistroNames};

pub static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/geograficos");

pub const NAMES: RegistroNames = RegistroNames {
    service: crate::geograficos::SERVICE,
    command_topic: crate::geograficos::COMMAND_TOPIC,
    event_topic: crate::geograficos::EVENT_TOPIC,
    table: "datos_geograficos",
};

pub type GeograficosModule = RegistroModule<Coordenadas>;
