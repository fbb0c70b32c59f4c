use std::collections::BTreeMap;
use std::marker::PhantomData;

use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::seedwork::application::review::{ReadModel, RegistroView, Repository};
use crate::seedwork::application::{PageOf, PageRequest, StoreError};
use crate::seedwork::domain::{
    AggregateRoot, DatosRegistro, EntityId, Estado, Registro, Review, Reviewable,
};
use crate::seedwork::infrastructure::{Database, SqlUnitOfWork, count_rows, store_error};

/// The statements of one table, built once from the data's field names
/// (constants, never input).
#[derive(Debug, Clone)]
struct Statements {
    select_one: String,
    list: String,
    count: String,
    insert: String,
    update: String,
}

impl Statements {
    fn new(table: &str, fields: &[&str]) -> Self {
        let columns = format!(
            "id, {}, estado, motivos_rechazo, fecha_creacion, fecha_actualizacion, version",
            fields.join(", ")
        );
        let n = fields.len();
        let placeholders: Vec<String> = (1..=n + 5).map(|i| format!("${i}")).collect();
        let sets: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{f} = ${}", i + 1))
            .collect();
        Self {
            select_one: format!("SELECT {columns} FROM {table} WHERE id = $1"),
            // `$1 = ''` keeps one statement for "any estado" and "this estado".
            list: format!(
                "SELECT {columns} FROM {table} WHERE ($1 = '' OR estado = $1) \
                 ORDER BY fecha_creacion, id LIMIT $2 OFFSET $3"
            ),
            count: format!("SELECT COUNT(*) AS n FROM {table} WHERE ($1 = '' OR estado = $1)"),
            insert: format!(
                "INSERT INTO {table} ({columns}) VALUES ({}, 1)",
                placeholders.join(", ")
            ),
            update: format!(
                "UPDATE {table} SET {}, estado = ${}, motivos_rechazo = ${}, fecha_actualizacion = ${}, \
                 version = version + 1 WHERE id = ${} AND version = ${}",
                sets.join(", "),
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5
            ),
        }
    }
}

fn corrupt(kind: &str, what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("stored {kind} has invalid {what}: {detail}"))
}

fn date(kind: &str, millis: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(millis).ok_or_else(|| corrupt(kind, "date", millis))
}

fn iso(date: DateTime<Utc>) -> String {
    date.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn row_to_registro<D: DatosRegistro>(row: &AnyRow) -> Result<Registro<D>, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(store_error);
    let id = EntityId::parse("id", &text("id")?).map_err(|e| corrupt(D::KIND, "id", e))?;
    let mut values = BTreeMap::new();
    for f in D::FIELDS {
        values.insert(*f, text(f)?);
    }
    let datos = D::parse(&|f: &str| values.get(f).cloned().unwrap_or_default())
        .map_err(|e| corrupt(D::KIND, "data", e))?;
    let estado: Estado = text("estado")?
        .parse()
        .map_err(|e| corrupt(D::KIND, "estado", e))?;
    let motivos: Vec<String> = serde_json::from_str(&text("motivos_rechazo")?)
        .map_err(|e| corrupt(D::KIND, "motivos_rechazo", e))?;
    let millis = |c: &str| row.try_get::<i64, _>(c).map_err(store_error);
    Ok(Registro::restore(
        id,
        datos,
        Review::restore(estado, motivos),
        (
            date(D::KIND, millis("fecha_creacion")?)?,
            date(D::KIND, millis("fecha_actualizacion")?)?,
        ),
        millis("version")?,
    ))
}

fn to_view<D: DatosRegistro>(r: &Registro<D>, version: i64) -> RegistroView {
    RegistroView {
        id: r.id().to_string(),
        campos: D::FIELDS
            .iter()
            .map(|f| ((*f).to_owned(), r.datos().field(f).to_owned()))
            .collect(),
        estado: r.estado().to_string(),
        motivos_rechazo: r.motivos_rechazo().to_vec(),
        fecha_creacion: iso(r.fecha_creacion()),
        fecha_actualizacion: iso(r.fecha_actualizacion()),
        version,
    }
}

/// Saves `Registro<D>` in its table with optimistic concurrency; one
/// implementation for SQLite and Postgres.
#[derive(Debug, Clone)]
pub struct SqlRegistroRepository<D> {
    sql: Statements,
    _datos: PhantomData<fn() -> D>,
}

impl<D: DatosRegistro> SqlRegistroRepository<D> {
    pub fn new(table: &str) -> Self {
        Self {
            sql: Statements::new(table, D::FIELDS),
            _datos: PhantomData,
        }
    }
}

#[async_trait]
impl<D: DatosRegistro> Repository<Registro<D>> for SqlRegistroRepository<D> {
    type Uow = SqlUnitOfWork;

    async fn load(
        &self,
        uow: &mut SqlUnitOfWork,
        id: EntityId,
    ) -> Result<Option<Registro<D>>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(self.sql.select_one.as_str()))
            .bind(id.to_string())
            .fetch_optional(uow.conn())
            .await
            .map_err(store_error)?;
        row.as_ref().map(row_to_registro::<D>).transpose()
    }

    async fn save(&self, uow: &mut SqlUnitOfWork, r: &Registro<D>) -> Result<(), StoreError> {
        let motivos = serde_json::to_string(r.motivos_rechazo())
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let new = r.version() == 0;
        let sql = if new {
            &self.sql.insert
        } else {
            &self.sql.update
        };
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
        if new {
            query = query.bind(r.id().to_string());
        }
        for f in D::FIELDS {
            query = query.bind(r.datos().field(f).to_owned());
        }
        query = query.bind(r.estado().as_str()).bind(motivos);
        query = if new {
            query
                .bind(r.fecha_creacion().timestamp_millis())
                .bind(r.fecha_actualizacion().timestamp_millis())
        } else {
            query
                .bind(r.fecha_actualizacion().timestamp_millis())
                .bind(r.id().to_string())
                .bind(r.version())
        };
        let conflict = || StoreError::Conflict {
            aggregate: D::KIND,
            id: r.id().to_string(),
        };
        match query.execute(uow.conn()).await {
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
}

/// Queries on the aggregate table (these contexts' read model).
#[derive(Clone)]
pub struct SqlRegistroReadModel<D> {
    db: Database,
    sql: Statements,
    _datos: PhantomData<fn() -> D>,
}

impl<D: DatosRegistro> SqlRegistroReadModel<D> {
    pub fn new(db: Database, table: &str) -> Self {
        Self {
            db,
            sql: Statements::new(table, D::FIELDS),
            _datos: PhantomData,
        }
    }
}

#[async_trait]
impl<D: DatosRegistro> ReadModel<RegistroView> for SqlRegistroReadModel<D> {
    async fn by_id(&self, id: EntityId) -> Result<Option<RegistroView>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(self.sql.select_one.as_str()))
            .bind(id.to_string())
            .fetch_optional(self.db.pool())
            .await
            .map_err(store_error)?;
        row.map(|r| {
            Ok(to_view(
                &row_to_registro::<D>(&r)?,
                r.try_get("version").map_err(store_error)?,
            ))
        })
        .transpose()
    }

    async fn list(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<RegistroView>, StoreError> {
        let filter = estado.map(|e| e.as_str()).unwrap_or("");
        let rows = sqlx::query(sqlx::AssertSqlSafe(self.sql.list.as_str()))
            .bind(filter)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(self.db.pool())
            .await
            .map_err(store_error)?;
        let total = count_rows(&self.db, &self.sql.count, &[filter]).await?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(to_view(
                    &row_to_registro::<D>(r)?,
                    r.try_get("version").map_err(store_error)?,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(PageOf::new(items, page, total))
    }
}
