use std::sync::Arc;

use sqlx::migrate::Migrator;
use tokio::sync::Notify;

use super::{
    Database, DatabaseUrl, InfraError, OutboxRelay, RelayHandle, SqlOutboxStore,
    SqlUnitOfWorkFactory,
};
use crate::seedwork::application::MessageBus;

/// A context's own database, its unit-of-work factory and its relay's
/// wake-up signal: what every context opens at start.
#[derive(Clone)]
pub struct ContextStorage {
    pub db: Database,
    pub uows: SqlUnitOfWorkFactory,
    wakeup: Arc<Notify>,
}

impl ContextStorage {
    /// Creates (if needed), connects and migrates the context's database.
    pub async fn open(url: &DatabaseUrl, migrations: &Migrator) -> Result<Self, InfraError> {
        let db = Database::connect(url, migrations).await?;
        let wakeup = Arc::new(Notify::new());
        Ok(Self {
            uows: SqlUnitOfWorkFactory::new(db.clone(), wakeup.clone()),
            db,
            wakeup,
        })
    }

    /// Starts the relay that publishes this database's outbox to `bus`.
    pub fn start_relay(&self, name: &str, bus: Arc<dyn MessageBus>) -> RelayHandle {
        OutboxRelay::new(
            name,
            SqlOutboxStore::new(self.db.clone()),
            bus,
            self.wakeup.clone(),
        )
        .spawn()
    }

    pub fn relay(&self, name: &str, bus: Arc<dyn MessageBus>) -> OutboxRelay<SqlOutboxStore> {
        OutboxRelay::new(
            name,
            SqlOutboxStore::new(self.db.clone()),
            bus,
            self.wakeup.clone(),
        )
    }
}
