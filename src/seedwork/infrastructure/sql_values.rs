//! Plumbing every SQL adapter shares: columns to domain values and back
//! (dates as epoch milliseconds, reason lists as JSON text, the review
//! estado), and what an insert or optimistic update's outcome means.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::store_error;
use crate::seedwork::application::StoreError;
use crate::seedwork::domain::{EntityId, Estado, Review};

/// A stored value the domain refuses: the row is corrupt.
pub fn corrupt(kind: &str, what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("stored {kind} has invalid {what}: {detail}"))
}

/// A text column.
pub fn text(row: &AnyRow, column: &str) -> Result<String, StoreError> {
    row.try_get::<String, _>(column).map_err(store_error)
}

/// An integer column.
pub fn int(row: &AnyRow, column: &str) -> Result<i64, StoreError> {
    row.try_get::<i64, _>(column).map_err(store_error)
}

/// An epoch-milliseconds column as a date.
pub fn date(row: &AnyRow, kind: &str, column: &str) -> Result<DateTime<Utc>, StoreError> {
    let millis = int(row, column)?;
    DateTime::from_timestamp_millis(millis).ok_or_else(|| corrupt(kind, column, millis))
}

/// The `id` column as an entity id.
pub fn entity_id(row: &AnyRow, kind: &str) -> Result<EntityId, StoreError> {
    EntityId::parse("id", &text(row, "id")?).map_err(|e| corrupt(kind, "id", e))
}

/// The `estado` and `motivos_rechazo` columns as the review lifecycle.
pub fn review(row: &AnyRow, kind: &str) -> Result<Review, StoreError> {
    let estado: Estado = text(row, "estado")?
        .parse()
        .map_err(|e| corrupt(kind, "estado", e))?;
    Ok(Review::restore(estado, motivos(row, kind)?))
}

/// The `motivos_rechazo` column (a JSON list).
pub fn motivos(row: &AnyRow, kind: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(&text(row, "motivos_rechazo")?)
        .map_err(|e| corrupt(kind, "motivos_rechazo", e))
}

/// Reasons as the JSON text the column keeps.
pub fn motivos_json(motivos: &[String]) -> Result<String, StoreError> {
    serde_json::to_string(motivos).map_err(|e| StoreError::Backend(e.to_string()))
}

/// A date as queries show it (RFC 3339, milliseconds, UTC).
pub fn iso(date: DateTime<Utc>) -> String {
    date.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// What an insert or a versioned update did: one row is success; none, or
/// a duplicate key, means someone else saved first (`Conflict`).
pub fn saved(
    outcome: Result<sqlx::any::AnyQueryResult, sqlx::Error>,
    kind: &'static str,
    id: EntityId,
) -> Result<(), StoreError> {
    let conflict = || StoreError::Conflict {
        aggregate: kind,
        id: id.to_string(),
    };
    match outcome {
        Ok(done) if done.rows_affected() == 1 => Ok(()),
        Ok(_) => Err(conflict()),
        Err(e)
            if e.as_database_error()
                .is_some_and(|d| d.is_unique_violation()) =>
        {
            Err(conflict())
        }
        Err(e) => Err(store_error(e)),
    }
}

/// A decided review to write over a record loaded at `version`.
pub struct ReviewUpdate<'a> {
    pub id: EntityId,
    pub review: &'a Review,
    pub eliminado: bool,
    pub fecha_actualizacion: DateTime<Utc>,
    pub version: i64,
}

/// A value bound into a multi-row statement.
pub enum SqlValue {
    Text(String),
    Int(i64),
    OptionalText(Option<String>),
    OptionalInt(Option<i64>),
}

impl From<Option<String>> for SqlValue {
    fn from(value: Option<String>) -> Self {
        Self::OptionalText(value)
    }
}

impl From<Option<i64>> for SqlValue {
    fn from(value: Option<i64>) -> Self {
        Self::OptionalInt(value)
    }
}

impl From<String> for SqlValue {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<&str> for SqlValue {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<i64> for SqlValue {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

/// Inserts `rows` (each one value per column, in order) with one
/// statement; a duplicate key is a `Conflict` on `kind`.
pub async fn insert_rows(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    columns: &[&'static str],
    kind: &'static str,
    rows: Vec<Vec<SqlValue>>,
) -> Result<(), StoreError> {
    upsert_rows(conn, table, columns, kind, rows, "").await
}

/// [`insert_rows`] with an `ON CONFLICT …` clause (`on_conflict`, a
/// constant): the rows' keys must be distinct.
pub async fn upsert_rows(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    columns: &[&'static str],
    kind: &'static str,
    rows: Vec<Vec<SqlValue>>,
    on_conflict: &'static str,
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {} {on_conflict}",
        columns.join(", "),
        value_rows(rows.len(), columns.len())
    );
    let query = bind_values(sqlx::query(sqlx::AssertSqlSafe(sql)), rows);
    match query.execute(conn).await {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_database_error()
                .is_some_and(|d| d.is_unique_violation()) =>
        {
            Err(StoreError::Conflict {
                aggregate: kind,
                id: e.to_string(),
            })
        }
        Err(e) => Err(store_error(e)),
    }
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Binds `rows` row after row, in the order `value_rows` numbers them.
fn bind_values(mut query: AnyQuery<'_>, rows: Vec<Vec<SqlValue>>) -> AnyQuery<'_> {
    for value in rows.into_iter().flatten() {
        query = match value {
            SqlValue::Text(text) => query.bind(text),
            SqlValue::Int(int) => query.bind(int),
            SqlValue::OptionalText(text) => query.bind(text),
            SqlValue::OptionalInt(int) => query.bind(int),
        };
    }
    query
}

/// Updates versioned rows with one statement. Each of `rows` is the row's
/// `id`, the values `set` assigns from `v.column2`…, and last the version
/// it was loaded at: a row is written only while its version still is
/// that one (bumped by one). Returns `returning` (an expression over the
/// table's columns, as text) of every row written; a row left out moved.
pub async fn update_versioned_rows(
    conn: &mut sqlx::AnyConnection,
    table: &'static str,
    set: &'static str,
    returning: &'static str,
    rows: Vec<Vec<SqlValue>>,
) -> Result<Vec<String>, StoreError> {
    let columns = rows.first().map_or(0, Vec::len);
    // VALUES columns are column1… on both backends.
    let sql = format!(
        "UPDATE {table} SET {set}, version = {table}.version + 1 FROM (VALUES {}) AS v \
         WHERE {table}.id = v.column1 AND {table}.version = v.column{columns} RETURNING {returning}",
        value_rows(rows.len(), columns)
    );
    let query = bind_values(sqlx::query(sqlx::AssertSqlSafe(sql)), rows);
    let written = query.fetch_all(conn).await.map_err(store_error)?;
    written
        .iter()
        .map(|row| row.try_get::<String, _>(0).map_err(store_error))
        .collect()
}

/// Where a reviewed record lives: its table and columns (constants, never
/// input) and its name in errors.
#[derive(Debug, Clone, Copy)]
pub struct ReviewedTable {
    pub table: &'static str,
    pub columns: &'static str,
    pub kind: &'static str,
    /// Whether a saga's compensation can take a row out of the listings
    /// (its `eliminado_en` column set; the row stays, readable by id).
    pub removable: bool,
}

impl ReviewedTable {
    /// The condition of listed rows.
    fn listed(&self) -> &'static str {
        match self.removable {
            true => "eliminado_en IS NULL",
            false => "TRUE",
        }
    }

    /// One row by id, read with `executor` (a unit of work's connection or
    /// the pool).
    pub async fn by_id<'e, E>(
        &self,
        executor: E,
        id: EntityId,
    ) -> Result<Option<AnyRow>, StoreError>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        let sql = format!("SELECT {} FROM {} WHERE id = $1", self.columns, self.table);
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.to_string())
            .fetch_optional(executor)
            .await
            .map_err(store_error)
    }

    /// A page of rows, oldest first, of one estado or all, with the total.
    pub async fn page(
        &self,
        db: &super::Database,
        estado: Option<Estado>,
        page: crate::seedwork::application::PageRequest,
    ) -> Result<(Vec<AnyRow>, i64), StoreError> {
        // `$1 = ''` keeps one statement for "any estado" and "this estado".
        let estado = estado.map(Estado::as_str).unwrap_or("");
        let filter = format!("($1 = '' OR estado = $1) AND {}", self.listed());
        let listado = super::Listado {
            columns: self.columns,
            from: self.table,
            filter: &filter,
        };
        listado.page(db, &[estado], page).await
    }

    /// The rows of `ids`, with one statement.
    pub async fn by_ids(
        &self,
        conn: &mut sqlx::AnyConnection,
        ids: &[String],
    ) -> Result<Vec<AnyRow>, StoreError> {
        let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE id IN ({})",
            self.columns,
            self.table,
            placeholders.join(", ")
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(id.as_str());
        }
        query.fetch_all(conn).await.map_err(store_error)
    }

    /// Writes decided reviews (estado, reasons, date) with one statement,
    /// each over its record still at the version it was loaded at (bumped
    /// by one); `eliminado` (on a removable table) takes a record out of
    /// the listings for good. Returns the ids written: a missing one moved
    /// since it was loaded.
    pub async fn update_reviews(
        &self,
        conn: &mut sqlx::AnyConnection,
        rows: &[ReviewUpdate<'_>],
    ) -> Result<Vec<String>, StoreError> {
        let set = match self.removable {
            true => {
                "estado = v.column2, motivos_rechazo = v.column3, fecha_actualizacion = v.column4, \
                 eliminado_en = COALESCE(eliminado_en, v.column5)"
            }
            false => {
                "estado = v.column2, motivos_rechazo = v.column3, fecha_actualizacion = v.column4"
            }
        };
        let mut values = Vec::with_capacity(rows.len());
        for row in rows {
            let fecha = row.fecha_actualizacion.timestamp_millis();
            let mut value: Vec<SqlValue> = vec![
                row.id.to_string().into(),
                row.review.estado().as_str().into(),
                motivos_json(row.review.motivos_rechazo())?.into(),
                fecha.into(),
            ];
            if self.removable {
                value.push(row.eliminado.then_some(fecha).into());
            }
            value.push(row.version.into());
            values.push(value);
        }
        update_versioned_rows(conn, self.table, set, "id", values).await
    }

    /// Whether a row was taken out of the listings.
    pub fn eliminado(&self, row: &AnyRow) -> Result<bool, StoreError> {
        if !self.removable {
            return Ok(false);
        }
        use sqlx::Row;
        row.try_get::<Option<i64>, _>("eliminado_en")
            .map(|v| v.is_some())
            .map_err(|e| corrupt(self.kind, "eliminado_en", e))
    }
}

/// The VALUES of a multi-row INSERT: `rows` groups of `columns` numbered
/// placeholders, `($1, $2), ($3, $4)`; the values are bound in that order.
pub fn value_rows(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let cells: Vec<String> = (1..=columns)
                .map(|c| format!("${}", row * columns + c))
                .collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::value_rows;

    #[test]
    fn value_rows_number_placeholders_row_after_row() {
        assert_eq!(value_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(value_rows(1, 1), "($1)");
        assert_eq!(value_rows(0, 4), "");
    }
}
