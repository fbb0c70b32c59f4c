//! The storage of a reviewed record (a company, geographic data, a
//! property) as a building block its context configures: which table, how
//! a row becomes the aggregate and a new aggregate a row. Loads and saves
//! go through the unit of work's identity map and staged writes
//! ([`super::staging`]); after creation only the review changes (estado,
//! reasons, date, and for a removable record its elimination), so every
//! record shares the set-based update.

use std::marker::PhantomData;

use async_trait::async_trait;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::SqlUnitOfWork;
use super::sql_values::{ReviewUpdate, ReviewedTable, SqlValue, insert_rows};
use super::staging::StagedTable;
use crate::seedwork::application::{Repository, StoreError};
use crate::seedwork::domain::{AggregateRoot, EntityId};

/// What a context says of its reviewed record's storage.
pub trait ReviewedRecord: AggregateRoot + Clone + Send + Sync + 'static {
    const TABLE: ReviewedTable;
    /// The columns a new record's row is written with, in the order of
    /// [`ReviewedRecord::inserted_values`].
    const INSERTED: &'static [&'static str];

    fn from_row(row: &AnyRow) -> Result<Self, StoreError>;
    fn inserted_values(&self) -> Result<Vec<SqlValue>, StoreError>;
    /// Its review as the update after creation writes it.
    fn review_update(&self) -> ReviewUpdate<'_>;
}

/// The [`StagedTable`] of a [`ReviewedRecord`].
pub struct ReviewedRows<A>(PhantomData<A>);

#[async_trait]
impl<A: ReviewedRecord> StagedTable for ReviewedRows<A> {
    type Aggregate = A;
    const KIND: &'static str = A::TABLE.kind;

    fn key(record: &A) -> String {
        record.aggregate_id()
    }

    fn version(record: &A) -> i64 {
        record.version()
    }

    async fn load(conn: &mut AnyConnection, ids: &[String]) -> Result<Vec<A>, StoreError> {
        A::TABLE
            .by_ids(conn, ids)
            .await?
            .iter()
            .map(A::from_row)
            .collect()
    }

    async fn insert(conn: &mut AnyConnection, nuevos: &[&A]) -> Result<(), StoreError> {
        let rows = nuevos
            .iter()
            .map(|r| r.inserted_values())
            .collect::<Result<Vec<_>, _>>()?;
        insert_rows(conn, A::TABLE.table, A::INSERTED, A::TABLE.kind, rows).await
    }

    async fn update(conn: &mut AnyConnection, cambiados: &[&A]) -> Result<Vec<String>, StoreError> {
        let rows: Vec<ReviewUpdate> = cambiados.iter().map(|r| r.review_update()).collect();
        A::TABLE.update_reviews(conn, &rows).await
    }
}

/// A reviewed record's repository, for every context alike: loads through
/// the unit of work's identity map (from memory once a run is preloaded),
/// saves staged and written with the run's others at commit (optimistic
/// concurrency on `version`, row by row). A context names it for its port
/// (`type SqlCompaniaRepository = SqlRecords<Compania>`).
pub struct SqlRecords<A>(PhantomData<A>);

impl<A> Default for SqlRecords<A> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<A> Clone for SqlRecords<A> {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl<A: ReviewedRecord> std::fmt::Debug for SqlRecords<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SqlRecords<{}>", A::TABLE.kind)
    }
}

#[async_trait]
impl<A: ReviewedRecord> Repository<A> for SqlRecords<A> {
    type Uow = SqlUnitOfWork;

    async fn precargar(&self, uow: &mut SqlUnitOfWork, ids: &[EntityId]) -> Result<(), StoreError> {
        let keys: Vec<String> = ids.iter().map(ToString::to_string).collect();
        uow.preload::<ReviewedRows<A>>(&keys).await
    }

    async fn cargar(&self, uow: &mut SqlUnitOfWork, id: EntityId) -> Result<Option<A>, StoreError> {
        uow.load::<ReviewedRows<A>>(id.to_string()).await
    }

    async fn guardar(&self, uow: &mut SqlUnitOfWork, record: &A) -> Result<(), StoreError> {
        uow.stage::<ReviewedRows<A>>(record.clone())
    }
}
