//! In-memory stand-ins for the unit of work, for handler unit tests that
//! need no database: writes a fake repository stages run only at commit,
//! so a handler that fails leaves nothing behind, as a transaction would.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::{Message, StoreError, UnitOfWork, UnitOfWorkFactory};

/// What committed units of work left: their outbox messages and inbox rows.
#[derive(Debug, Default)]
pub struct Committed {
    pub messages: Vec<Message>,
    pub inbox: HashSet<(String, String)>,
    pub commits: usize,
    failures: HashMap<(String, String), u32>,
}

type Write = Box<dyn FnOnce() + Send>;

/// A unit of work in memory.
pub struct MemoryUnitOfWork {
    committed: Arc<Mutex<Committed>>,
    messages: Vec<Message>,
    inbox: Vec<(String, String)>,
    staged: Vec<Write>,
}

impl MemoryUnitOfWork {
    /// A write to apply at commit (a fake repository's insert or update).
    pub fn stage(&mut self, write: impl FnOnce() + Send + 'static) {
        self.staged.push(Box::new(write));
    }
}

#[async_trait]
impl UnitOfWork for MemoryUnitOfWork {
    fn add_message(&mut self, message: Message) {
        self.messages.push(message);
    }

    async fn claim_inbox(&mut self, consumer: &str, message_id: &str) -> Result<bool, StoreError> {
        let key = (consumer.to_owned(), message_id.to_owned());
        let seen = self.inbox.contains(&key)
            || self
                .committed
                .lock()
                .map(|c| c.inbox.contains(&key))
                .unwrap_or(false);
        if !seen {
            self.inbox.push(key);
        }
        Ok(!seen)
    }

    async fn count_failure(
        &mut self,
        consumer: &str,
        delivery_key: &str,
        _reason: &str,
    ) -> Result<u32, StoreError> {
        let mut committed = self
            .committed
            .lock()
            .map_err(|_| StoreError::Backend("poisoned".into()))?;
        let count = committed
            .failures
            .entry((consumer.to_owned(), delivery_key.to_owned()))
            .or_default();
        *count += 1;
        Ok(*count)
    }

    async fn commit(self) -> Result<(), StoreError> {
        for write in self.staged {
            write();
        }
        let mut committed = self
            .committed
            .lock()
            .map_err(|_| StoreError::Backend("poisoned".into()))?;
        committed.messages.extend(self.messages);
        committed.inbox.extend(self.inbox);
        committed.commits += 1;
        Ok(())
    }
}

/// Opens [`MemoryUnitOfWork`]s over one shared record of commits.
#[derive(Clone, Default)]
pub struct MemoryUnitOfWorkFactory {
    pub committed: Arc<Mutex<Committed>>,
}

impl MemoryUnitOfWorkFactory {
    /// The types of the messages committed so far, in order.
    pub fn committed_types(&self) -> Vec<String> {
        self.committed
            .lock()
            .map(|c| c.messages.iter().map(|m| m.message_type.clone()).collect())
            .unwrap_or_default()
    }
}

#[async_trait]
impl UnitOfWorkFactory for MemoryUnitOfWorkFactory {
    type Uow = MemoryUnitOfWork;

    async fn begin(&self) -> Result<MemoryUnitOfWork, StoreError> {
        Ok(MemoryUnitOfWork {
            committed: self.committed.clone(),
            messages: Vec::new(),
            inbox: Vec::new(),
            staged: Vec::new(),
        })
    }

    async fn ready(&self) -> bool {
        true
    }
}

/// An event translator that keeps only what tests look at: the event's
/// name as the message type, the aggregate id as its key.
pub struct NamedEvents<F> {
    describe: F,
}

impl<F> NamedEvents<F> {
    /// `describe` gives an event's (name, aggregate id).
    pub fn new(describe: F) -> Self {
        Self { describe }
    }
}

impl<E, F> super::EventTranslator<E> for NamedEvents<F>
where
    F: Fn(&E) -> (String, String) + Send + Sync,
{
    fn translate(
        &self,
        event: &E,
        ctx: &super::CommandContext,
    ) -> Result<Message, super::TranslateError> {
        let (name, key) = (self.describe)(event);
        Ok(Message {
            id: uuid::Uuid::now_v7().to_string(),
            topic: "test".into(),
            key,
            message_type: name,
            schema_version: 1,
            properties: [("causation_id".to_owned(), ctx.command_id.clone())].into(),
            payload: Vec::new(),
            redelivery_count: 0,
        })
    }
}

/// Aggregates in a map, for a context's fake repository: saving checks the
/// version (optimistic concurrency, as the SQL adapters do) and is staged
/// until commit.
pub struct MemoryAggregates<A> {
    map: Arc<Mutex<HashMap<String, A>>>,
}

impl<A> Clone for MemoryAggregates<A> {
    fn clone(&self) -> Self {
        Self {
            map: self.map.clone(),
        }
    }
}

impl<A> Default for MemoryAggregates<A> {
    fn default() -> Self {
        Self {
            map: Arc::default(),
        }
    }
}

impl<A> MemoryAggregates<A>
where
    A: crate::seedwork::domain::AggregateRoot + Clone + Send + 'static,
{
    pub fn get(&self, id: &str) -> Option<A> {
        self.map.lock().ok()?.get(id).cloned()
    }

    /// Whether a stored aggregate satisfies `pred` (a uniqueness check).
    pub fn any(&self, pred: impl Fn(&A) -> bool) -> bool {
        self.map
            .lock()
            .map(|m| m.values().any(pred))
            .unwrap_or(false)
    }

    /// Stages `saved` (the aggregate as stored, its version one up) if the
    /// stored version still equals `loaded`'s.
    pub fn save(&self, uow: &mut MemoryUnitOfWork, loaded: &A, saved: A) -> Result<(), StoreError> {
        let id = loaded.aggregate_id();
        let stored = self.get(&id).map(|s| s.version()).unwrap_or(0);
        if stored != loaded.version() {
            return Err(StoreError::Conflict {
                aggregate: "aggregate",
                id,
            });
        }
        let map = self.map.clone();
        uow.stage(move || {
            if let Ok(mut map) = map.lock() {
                map.insert(id, saved);
            }
        });
        Ok(())
    }
}
