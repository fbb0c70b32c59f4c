use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::companias::application::CompaniaView;
use crate::companias::domain::{Compania, DatosCompania};
use crate::seedwork::application::review::{ReadModel, Repository};
use crate::seedwork::application::{PageOf, PageRequest, StoreError};
use crate::seedwork::domain::{AggregateRoot, EntityId, Estado, Reviewable};
use crate::seedwork::infrastructure::{Database, SqlUnitOfWork, store_error};

const COLUMNS: &str = "id, nombre, email, identificacion, estado, motivos_rechazo, fecha_creacion, fecha_actualizacion, version";

#[derive(Clone, Default)]
pub struct SqlCompaniaRepository;

fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("stored compania has invalid {what}: {detail}"))
}

fn millis_to_date(millis: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(millis).ok_or_else(|| corrupt("date", millis))
}

fn row_to_compania(row: &AnyRow) -> Result<Compania, StoreError> {
    let get = |c: &str| row.try_get::<String, _>(c).map_err(store_error);
    let id = EntityId::parse("id", &get("id")?).map_err(|e| corrupt("id", e))?;
    let datos = DatosCompania::parse(&get("nombre")?, &get("email")?, &get("identificacion")?)
        .map_err(|e| corrupt("data", e))?;
    let estado: Estado = get("estado")?.parse().map_err(|e| corrupt("estado", e))?;
    let motivos: Vec<String> = serde_json::from_str(&get("motivos_rechazo")?)
        .map_err(|e| corrupt("motivos_rechazo", e))?;
    Ok(Compania::restore(
        id,
        datos,
        estado,
        motivos,
        millis_to_date(row.try_get("fecha_creacion").map_err(store_error)?)?,
        millis_to_date(row.try_get("fecha_actualizacion").map_err(store_error)?)?,
        row.try_get("version").map_err(store_error)?,
    ))
}

#[async_trait]
impl Repository<Compania> for SqlCompaniaRepository {
    type Uow = SqlUnitOfWork;

    async fn load(
        &self,
        uow: &mut SqlUnitOfWork,
        id: EntityId,
    ) -> Result<Option<Compania>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM companias WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(uow.conn())
            .await
            .map_err(store_error)?;
        row.as_ref().map(row_to_compania).transpose()
    }

    async fn save(&self, uow: &mut SqlUnitOfWork, c: &Compania) -> Result<(), StoreError> {
        let motivos = serde_json::to_string(c.motivos_rechazo())
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let result = if c.version() == 0 {
            sqlx::query(
                "INSERT INTO companias (id, nombre, email, identificacion, estado, motivos_rechazo, \
                 fecha_creacion, fecha_actualizacion, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)",
            )
            .bind(c.id().to_string())
            .bind(c.datos().nombre.as_str())
            .bind(c.datos().email.as_str())
            .bind(c.datos().identificacion.as_str())
            .bind(c.estado().as_str())
            .bind(motivos)
            .bind(c.fecha_creacion().timestamp_millis())
            .bind(c.fecha_actualizacion().timestamp_millis())
            .execute(uow.conn())
            .await
        } else {
            sqlx::query(
                "UPDATE companias SET nombre = $1, email = $2, identificacion = $3, estado = $4, \
                 motivos_rechazo = $5, fecha_actualizacion = $6, version = version + 1 \
                 WHERE id = $7 AND version = $8",
            )
            .bind(c.datos().nombre.as_str())
            .bind(c.datos().email.as_str())
            .bind(c.datos().identificacion.as_str())
            .bind(c.estado().as_str())
            .bind(motivos)
            .bind(c.fecha_actualizacion().timestamp_millis())
            .bind(c.id().to_string())
            .bind(c.version())
            .execute(uow.conn())
            .await
        };
        match result {
            Ok(done) if done.rows_affected() == 1 => Ok(()),
            Ok(_) => Err(StoreError::Conflict {
                aggregate: "compania",
                id: c.id().to_string(),
            }),
            Err(e)
                if e.as_database_error()
                    .is_some_and(|d| d.is_unique_violation()) =>
            {
                Err(StoreError::Conflict {
                    aggregate: "compania",
                    id: c.id().to_string(),
                })
            }
            Err(e) => Err(store_error(e)),
        }
    }
}

/// Queries straight on the aggregate table (this context's read model).
#[derive(Clone)]
pub struct SqlCompaniaReadModel {
    db: Database,
}

impl SqlCompaniaReadModel {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn to_view(c: &Compania, version: i64) -> CompaniaView {
    CompaniaView {
        id: c.id().to_string(),
        nombre: c.datos().nombre.to_string(),
        email: c.datos().email.to_string(),
        identificacion: c.datos().identificacion.to_string(),
        estado: c.estado().to_string(),
        motivos_rechazo: c.motivos_rechazo().to_vec(),
        fecha_creacion: c
            .fecha_creacion()
            .to_rfc3339_opts(SecondsFormat::Millis, true),
        fecha_actualizacion: c
            .fecha_actualizacion()
            .to_rfc3339_opts(SecondsFormat::Millis, true),
        version,
    }
}

#[async_trait]
impl ReadModel<CompaniaView> for SqlCompaniaReadModel {
    async fn by_id(&self, id: EntityId) -> Result<Option<CompaniaView>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM companias WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(self.db.pool())
            .await
            .map_err(store_error)?;
        row.map(|r| {
            Ok(to_view(
                &row_to_compania(&r)?,
                r.try_get("version").map_err(store_error)?,
            ))
        })
        .transpose()
    }

    async fn list(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<CompaniaView>, StoreError> {
        // `$1 = ''` keeps one statement for "any estado" and "this estado".
        let filter = estado.map(|e| e.as_str()).unwrap_or("");
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM companias WHERE ($1 = '' OR estado = $1) \
             ORDER BY fecha_creacion, id LIMIT $2 OFFSET $3"
        ));
        let rows = sqlx::query(sql)
            .bind(filter)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(self.db.pool())
            .await
            .map_err(store_error)?;
        let total: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM companias WHERE ($1 = '' OR estado = $1)")
                .bind(filter)
                .fetch_one(self.db.pool())
                .await
                .map_err(store_error)?
                .try_get("n")
                .map_err(store_error)?;
        let items = rows
            .iter()
            .map(|r| {
                Ok(to_view(
                    &row_to_compania(r)?,
                    r.try_get("version").map_err(store_error)?,
                ))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(PageOf::new(items, page, total))
    }
}
