/// An aggregate root: a consistency boundary with an identity, a version for
/// optimistic concurrency and a buffer of domain events not yet committed.
pub trait AggregateRoot {
    type Event: Send + Sync + 'static;

    /// Stable identity, used as the message key so all events of one
    /// aggregate keep their order on the bus.
    fn aggregate_id(&self) -> String;

    /// Version loaded from storage; `0` means the aggregate is new. A save
    /// succeeds only if the stored version still equals this one.
    fn version(&self) -> i64;

    /// Drains the events recorded since the aggregate was loaded.
    fn take_events(&mut self) -> Vec<Self::Event>;
}

/// The event buffer an aggregate embeds.
#[derive(Debug, Clone, PartialEq)]
pub struct EventBuffer<E> {
    pending: Vec<E>,
}

impl<E> Default for EventBuffer<E> {
    fn default() -> Self {
        Self {
            pending: Vec::new(),
        }
    }
}

impl<E> EventBuffer<E> {
    pub fn record(&mut self, event: E) {
        self.pending.push(event);
    }

    pub fn take(&mut self) -> Vec<E> {
        std::mem::take(&mut self.pending)
    }

    pub fn pending(&self) -> &[E] {
        &self.pending
    }
}
