//! The storage of a reviewed record (a company, geographic data, a
//! property) as a building block its context configures: which table, how
//! a row becomes the aggregate and a new aggregate a row. Loads and saves
//! go through the unit of work's identity map and staged writes
//! ([`super::staging`]); after creation only the review changes (estado,
//! reasons, date, and for a removable record its elimination), so every
//! record shares the set-based update.

use std::marker::PhantomData;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::sql_values::{ReviewUpdate, ReviewedTable, SqlValue, insert_rows, motivos_json};
use super::staging::StagedTable;
use super::{Database, SqlUnitOfWork};
use crate::seedwork::application::{PageOf, PageRequest, RecordQueries, Repository, StoreError};
use crate::seedwork::domain::{AggregateRoot, EntityId, Estado, Review};

/// What a context says of its reviewed record's storage.
pub trait ReviewedRecord: AggregateRoot + Clone + Send + Sync + 'static {
    const TABLE: ReviewedTable;
    /// The record's own data columns, written between `id` and the
    /// review's columns, in the order of [`ReviewedRecord::data_values`].
    const DATA_COLUMNS: &'static [&'static str];

    fn from_row(row: &AnyRow) -> Result<Self, StoreError>;
    fn data_values(&self) -> Vec<SqlValue>;
    /// Its identity and review, as every reviewed record has them.
    fn reviewed(&self) -> Reviewed<'_>;
}

/// A reviewed record's identity and review.
pub struct Reviewed<'a> {
    pub id: EntityId,
    pub review: &'a Review,
    /// Taken out of the listings by a saga's compensation.
    pub eliminado: bool,
    pub fecha_creacion: DateTime<Utc>,
    pub fecha_actualizacion: DateTime<Utc>,
}

/// The review's columns after the data's in a new record's row.
const REVIEW_COLUMNS: [&str; 5] = [
    "estado",
    "motivos_rechazo",
    "fecha_creacion",
    "fecha_actualizacion",
    "version",
];

/// A new record's row: its id, its data, its review at version 1.
fn inserted_row<A: ReviewedRecord>(record: &A) -> Result<Vec<SqlValue>, StoreError> {
    let r = record.reviewed();
    let mut row = vec![r.id.to_string().into()];
    row.extend(record.data_values());
    row.extend([
        r.review.estado().as_str().into(),
        motivos_json(r.review.motivos_rechazo())?.into(),
        r.fecha_creacion.timestamp_millis().into(),
        r.fecha_actualizacion.timestamp_millis().into(),
        1i64.into(),
    ]);
    Ok(row)
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
            .map(|r| inserted_row(*r))
            .collect::<Result<Vec<_>, _>>()?;
        let mut columns = vec!["id"];
        columns.extend(A::DATA_COLUMNS);
        columns.extend(REVIEW_COLUMNS);
        insert_rows(conn, A::TABLE.table, &columns, A::TABLE.kind, rows).await
    }

    // The data never changes after creation: the review does.
    async fn update(conn: &mut AnyConnection, cambiados: &[&A]) -> Result<Vec<String>, StoreError> {
        let rows: Vec<ReviewUpdate> = cambiados
            .iter()
            .map(|record| {
                let r = record.reviewed();
                ReviewUpdate {
                    id: r.id,
                    review: r.review,
                    eliminado: r.eliminado,
                    fecha_actualizacion: r.fecha_actualizacion,
                    version: record.version(),
                }
            })
            .collect();
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

/// How a context shows one of its records to queries.
pub trait RecordView<A>: Send + Sync + 'static {
    fn of(record: &A) -> Self;
}

/// The read model of a reviewed record: its table read by id or by page,
/// each row shown as the context's view `V`.
pub struct SqlRecordQueries<A, V> {
    db: Database,
    shown: PhantomData<fn(A) -> V>,
}

impl<A, V> SqlRecordQueries<A, V> {
    pub fn new(db: Database) -> Self {
        Self {
            db,
            shown: PhantomData,
        }
    }
}

#[async_trait]
impl<A: ReviewedRecord, V: RecordView<A>> RecordQueries<V> for SqlRecordQueries<A, V> {
    async fn por_id(&self, id: EntityId) -> Result<Option<V>, StoreError> {
        let row = A::TABLE.by_id(self.db.pool(), id).await?;
        Ok(row
            .as_ref()
            .map(A::from_row)
            .transpose()?
            .as_ref()
            .map(V::of))
    }

    async fn listar(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<V>, StoreError> {
        let (rows, total) = A::TABLE.page(&self.db, estado, page).await?;
        let items = rows
            .iter()
            .map(|r| A::from_row(r).map(|a| V::of(&a)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(PageOf::new(items, page, total))
    }
}
