//! Offset pages of a read model, written once: a page of rows oldest
//! first and how many rows its filter keeps, two statements whatever the
//! page. Each store says what it selects, from where and with which filter.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Database, store_error};
use crate::seedwork::application::{PageRequest, StoreError};

/// `SELECT COUNT(*) AS n ...` with text binds: the total of a paged list.
pub async fn count_rows(db: &Database, sql: &str, binds: &[&str]) -> Result<i64, StoreError> {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    for bind in binds {
        query = query.bind(bind.to_string());
    }
    query
        .fetch_one(db.pool())
        .await
        .map_err(store_error)?
        .try_get("n")
        .map_err(store_error)
}

/// What a paged list reads: `columns` of `from` (a table, or a subquery
/// with its alias) where `filter` holds over the text binds `$1…`.
pub struct Listado<'a> {
    pub columns: &'a str,
    pub from: &'a str,
    pub filter: &'a str,
}

impl Listado<'_> {
    /// One page of the rows, oldest first (creation date, then id: a
    /// stable order), and how many rows the filter keeps.
    pub async fn page(
        &self,
        db: &Database,
        binds: &[&str],
        page: PageRequest,
    ) -> Result<(Vec<AnyRow>, i64), StoreError> {
        let (limit, offset) = (binds.len() + 1, binds.len() + 2);
        let sql = format!(
            "SELECT {} FROM {} WHERE {} ORDER BY fecha_creacion, id LIMIT ${limit} OFFSET ${offset}",
            self.columns, self.from, self.filter
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for bind in binds {
            query = query.bind(bind.to_string());
        }
        let rows = query
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(db.pool())
            .await
            .map_err(store_error)?;
        let count = format!(
            "SELECT COUNT(*) AS n FROM {} WHERE {}",
            self.from, self.filter
        );
        Ok((rows, count_rows(db, &count, binds).await?))
    }
}
