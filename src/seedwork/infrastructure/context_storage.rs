use std::sync::Arc;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::PgListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::{
    Backend, Database, DatabaseUrl, InfraError, OUTBOX_CHANNEL, OtherInstances, OutboxRelay,
    RelayHandle, SqlOutboxStore, SqlUnitOfWork, SqlUnitOfWorkFactory,
};
use crate::seedwork::application::{InTransactions, MessageBus, TransactionalHandler};

/// A context's own database, its unit-of-work factory and its relay's
/// wake-up signal: what every context opens at start.
#[derive(Clone)]
pub struct ContextStorage {
    pub db: Database,
    pub uows: SqlUnitOfWorkFactory,
    wakeup: Arc<Notify>,
    /// Rung by LISTEN when a commit in another process notifies.
    remote_wakeup: Arc<Notify>,
    others: OtherInstances,
}

impl ContextStorage {
    /// Creates (if needed), connects and migrates the context's database.
    pub async fn open(url: &DatabaseUrl, migrations: &Migrator) -> Result<Self, InfraError> {
        let db = Database::connect(url, migrations).await?;
        let wakeup = Arc::new(Notify::new());
        let others = OtherInstances::default();
        Ok(Self {
            uows: SqlUnitOfWorkFactory::new(db.clone(), wakeup.clone())
                .with_other_instances(others.clone()),
            db,
            wakeup,
            remote_wakeup: Arc::new(Notify::new()),
            others,
        })
    }

    /// How many transactions of a group committer
    /// ([`crate::seedwork::application::GroupCommit`]) may be in flight at
    /// once: SQLite has one writer; on Postgres a second group fills while
    /// the first one's commit is flushed to disk.
    pub fn committers(&self) -> usize {
        match self.db.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => 2,
        }
    }

    /// Starts the relay that publishes this database's outbox to `bus`. It
    /// wakes on commits: this process's (in memory) and, on Postgres, the
    /// other instances' (LISTEN on the channel their commits notify while
    /// this relay holds the lease, at most once per `NOTIFY_EVERY_MS`).
    pub fn start_relay(&self, name: &str, bus: Arc<dyn MessageBus>) -> RelayHandle {
        let handle = self.relay(name, bus).spawn();
        if self.db.backend() == Backend::Postgres {
            tokio::spawn(listen_for_commits(
                self.db.url().to_owned(),
                self.remote_wakeup.clone(),
                handle.cancel.clone(),
            ));
        }
        handle
    }

    /// Subscribes `handler` to `topic` under the service's subscription,
    /// its runs of messages applied in this database's transactions with
    /// their inbox rows.
    pub async fn consume<H>(
        &self,
        bus: &dyn MessageBus,
        topic: &str,
        service: &str,
        handler: H,
    ) -> Result<(), InfraError>
    where
        H: TransactionalHandler<Uow = SqlUnitOfWork>,
    {
        let consumer = InTransactions::new(service, self.uows.clone(), handler);
        bus.subscribe(topic, service, Arc::new(consumer))
            .await
            .map_err(|e| InfraError::Bus(e.to_string()))
    }

    pub fn relay(&self, name: &str, bus: Arc<dyn MessageBus>) -> OutboxRelay<SqlOutboxStore> {
        OutboxRelay::new(
            name,
            SqlOutboxStore::new(self.db.clone()),
            bus,
            self.wakeup.clone(),
        )
        .with_lease_flag(self.others.lease_held_here.clone())
        .with_remote_wakeup(self.remote_wakeup.clone())
    }
}

/// Wakes the relay whenever a commit on this database wrote outbox rows,
/// in whichever process it ran; reconnects with backoff after an outage
/// (the relay's own slow poll covers the gap).
async fn listen_for_commits(url: String, wakeup: Arc<Notify>, cancel: CancellationToken) {
    let mut backoff = Duration::from_millis(200);
    loop {
        let listening = async {
            let mut listener = PgListener::connect(&url).await?;
            listener.listen(OUTBOX_CHANNEL).await?;
            wakeup.notify_one();
            loop {
                listener.recv().await?;
                wakeup.notify_one();
            }
            #[allow(unreachable_code)]
            Ok::<(), sqlx::Error>(())
        };
        tokio::select! {
            _ = cancel.cancelled() => return,
            result = listening => {
                if let Err(error) = result {
                    tracing::debug!(%error, ?backoff, "outbox LISTEN lost; reconnecting");
                }
            }
        }
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}
