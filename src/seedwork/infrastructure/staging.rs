//! The unit of work's identity map and staged writes: what makes a run of
//! messages (or a group of commands) cost a constant number of statements
//! per table, whatever its size.
//!
//! A repository loads through the unit of work: an aggregate already
//! loaded, preloaded for the run (one `WHERE id IN (…)` per table) or
//! changed earlier in the run comes from memory, so a second message of
//! one key sees the first one's change. `guardar` stages the aggregate
//! instead of writing it; at commit every table's staged rows are written
//! at once: one multi-row `INSERT` for the new ones, one
//! `UPDATE … FROM (VALUES …)` for the changed ones, each row still checked
//! against the version it was loaded at (a row that moved fails the
//! commit with `Conflict`, and the run falls back to one message per
//! transaction).

use std::any::Any;
use std::collections::HashMap;

use async_trait::async_trait;
use sqlx::AnyConnection;

use crate::seedwork::application::StoreError;

/// Rows per statement when a table's staged rows are written (11 columns
/// at most: far under both backends' limit on bound parameters).
pub const ROWS_PER_STATEMENT: usize = 200;

/// How one table's aggregates are read and written as sets; one per
/// aggregate, in its context's infrastructure.
#[async_trait]
pub trait StagedTable: Send + Sync + 'static {
    type Aggregate: Clone + Send + Sync + 'static;
    /// The aggregate's name in errors.
    const KIND: &'static str;
    /// Whether a new aggregate (version 0) may take the place of a stored
    /// one of its key (then `insert` must write over it, e.g. with
    /// `ON CONFLICT … DO UPDATE`).
    const REPLACES: bool = false;

    fn key(aggregate: &Self::Aggregate) -> String;
    /// The version the aggregate was loaded at (0: not stored yet).
    fn version(aggregate: &Self::Aggregate) -> i64;
    /// The stored aggregates among `ids`, with one statement.
    async fn load(
        conn: &mut AnyConnection,
        ids: &[String],
    ) -> Result<Vec<Self::Aggregate>, StoreError>;
    /// Writes new aggregates (version 0) with one statement (at version 1).
    async fn insert(
        conn: &mut AnyConnection,
        aggregates: &[&Self::Aggregate],
    ) -> Result<(), StoreError>;
    /// Writes changed aggregates with one statement, each over the row
    /// still at the aggregate's version (bumped by one); returns the keys
    /// of the rows written.
    async fn update(
        conn: &mut AnyConnection,
        aggregates: &[&Self::Aggregate],
    ) -> Result<Vec<String>, StoreError>;
}

/// What the unit of work knows of one aggregate.
struct Entry<A> {
    /// The version stored when it was loaded (0: absent).
    stored_version: i64,
    /// Its state now: as loaded, or as staged since.
    current: Option<A>,
    staged: bool,
}

/// One table's identity map and staged rows, in a unit of work.
pub struct Staged<T: StagedTable> {
    entries: HashMap<String, Entry<T::Aggregate>>,
    /// Staged keys in the order they were first staged.
    order: Vec<String>,
}

impl<T: StagedTable> Default for Staged<T> {
    fn default() -> Self {
        Self {
            entries: HashMap::new(),
            order: Vec::new(),
        }
    }
}

impl<T: StagedTable> Staged<T> {
    /// `Some(state)` when the key is known to this unit of work (`state`
    /// `None`: known not to exist); `None` when it must be read.
    pub fn known(&self, key: &str) -> Option<Option<T::Aggregate>> {
        self.entries.get(key).map(|e| e.current.clone())
    }

    /// Every aggregate known to this unit of work as it stands now (those
    /// known not to exist left out).
    pub fn states(&self) -> impl Iterator<Item = &T::Aggregate> {
        self.entries.values().filter_map(|e| e.current.as_ref())
    }

    /// Keys among `keys` not known yet.
    pub fn unknown<'k>(&self, keys: &'k [String]) -> Vec<&'k String> {
        keys.iter()
            .filter(|k| !self.entries.contains_key(k.as_str()))
            .collect()
    }

    /// Records what the database holds of `key` (a no-op once known: the
    /// unit of work's own state wins).
    pub fn remember(&mut self, key: String, stored: Option<T::Aggregate>) {
        self.entries.entry(key).or_insert_with(|| Entry {
            stored_version: stored.as_ref().map_or(0, T::version),
            current: stored,
            staged: false,
        });
    }

    /// Takes `aggregate` as the state to write at commit. It must carry the
    /// version it was loaded at: anything else was loaded around the map.
    pub fn stage(&mut self, aggregate: T::Aggregate) -> Result<(), StoreError> {
        let key = T::key(&aggregate);
        let version = T::version(&aggregate);
        let entry = self.entries.entry(key.clone()).or_insert(Entry {
            stored_version: version,
            current: None,
            staged: false,
        });
        let replaces = T::REPLACES && version == 0;
        if entry.stored_version != version && !replaces {
            return Err(StoreError::Conflict {
                aggregate: T::KIND,
                id: key,
            });
        }
        entry.current = Some(aggregate);
        if !entry.staged {
            entry.staged = true;
            self.order.push(key);
        }
        Ok(())
    }
}

/// A table's staged rows, written when the unit of work commits.
#[async_trait]
pub(super) trait Flush: Send + Sync {
    async fn flush(&mut self, conn: &mut AnyConnection) -> Result<(), StoreError>;
    fn as_any(&mut self) -> &mut dyn Any;
}

#[async_trait]
impl<T: StagedTable> Flush for Staged<T> {
    async fn flush(&mut self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        let (mut nuevos, mut cambiados) = (Vec::new(), Vec::new());
        for key in &self.order {
            let entry = &self.entries[key];
            if let Some(current) = &entry.current {
                match T::version(current) {
                    0 => nuevos.push(current),
                    _ => cambiados.push(current),
                }
            }
        }
        for chunk in nuevos.chunks(ROWS_PER_STATEMENT) {
            T::insert(conn, chunk).await?;
        }
        for chunk in cambiados.chunks(ROWS_PER_STATEMENT) {
            let written = T::update(conn, chunk).await?;
            if written.len() != chunk.len() {
                let moved = chunk
                    .iter()
                    .map(|a| T::key(a))
                    .find(|k| !written.contains(k))
                    .unwrap_or_default();
                return Err(StoreError::Conflict {
                    aggregate: T::KIND,
                    id: moved,
                });
            }
        }
        Ok(())
    }

    fn as_any(&mut self) -> &mut dyn Any {
        self
    }
}

/// Every table's [`Staged`] set of one unit of work, in the order they
/// were first used (the order they are written in).
#[derive(Default)]
pub(super) struct StagedSets {
    sets: Vec<(std::any::TypeId, Box<dyn Flush>)>,
}

impl StagedSets {
    pub(super) fn of<T: StagedTable>(&mut self) -> &mut Staged<T> {
        let id = std::any::TypeId::of::<T>();
        let at = match self.sets.iter().position(|(t, _)| *t == id) {
            Some(at) => at,
            None => {
                self.sets.push((id, Box::new(Staged::<T>::default())));
                self.sets.len() - 1
            }
        };
        self.sets[at]
            .1
            .as_any()
            .downcast_mut()
            .expect("a set is stored under its own type")
    }

    pub(super) async fn flush(&mut self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        for (_, set) in &mut self.sets {
            set.flush(conn).await?;
        }
        Ok(())
    }
}
