//! The projection of property registrations (`eventos-registros`).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::sql_filas::json_err;
use crate::bff_web::application::{Pagina, PasoVista, RegistroPropiedadVista};
use crate::seedwork::application::StoreError;
use crate::seedwork::infrastructure::{SqlUnitOfWork, store_error};

const COLUMNS: &str = "id_propiedad, id_datos_geograficos, estado, paso, motivo, pasos, fecha";

pub(super) fn vista(row: &AnyRow) -> Result<RegistroPropiedadVista, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(store_error);
    let pasos: Vec<PasoVista> = serde_json::from_str(&text("pasos")?).map_err(json_err)?;
    Ok(RegistroPropiedadVista {
        id_propiedad: text("id_propiedad")?,
        id_datos_geograficos: text("id_datos_geograficos")?,
        estado: text("estado")?,
        paso: text("paso")?,
        motivo: row.try_get("motivo").map_err(store_error)?,
        pasos,
        fecha: row.try_get("fecha").map_err(store_error)?,
    })
}

/// Keeps the newest state of a registration: an event with fewer steps
/// than the stored one (a re-delivery of an older one) changes nothing.
/// Returns whether it changed.
pub async fn registro_avanzado(
    uow: &mut SqlUnitOfWork,
    r: &RegistroPropiedadVista,
) -> Result<bool, StoreError> {
    let pasos = serde_json::to_string(&r.pasos).map_err(json_err)?;
    let done = sqlx::query(
        "INSERT INTO registros_propiedad (id_propiedad, id_datos_geograficos, estado, paso, \
         motivo, pasos, total_pasos, fecha) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (id_propiedad) DO UPDATE SET estado = excluded.estado, paso = excluded.paso, \
         motivo = excluded.motivo, pasos = excluded.pasos, total_pasos = excluded.total_pasos, \
         fecha = excluded.fecha WHERE registros_propiedad.total_pasos < excluded.total_pasos",
    )
    .bind(&r.id_propiedad)
    .bind(&r.id_datos_geograficos)
    .bind(&r.estado)
    .bind(&r.paso)
    .bind(r.motivo.clone())
    .bind(pasos)
    .bind(r.pasos.len() as i64)
    .bind(r.fecha)
    .execute(uow.conn())
    .await
    .map_err(store_error)?;
    Ok(done.rows_affected() > 0)
}

pub async fn registros_propiedad(
    db: &crate::seedwork::infrastructure::Database,
    estado: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Pagina<RegistroPropiedadVista>, StoreError> {
    let estado = estado.unwrap_or("");
    let sql = format!(
        "SELECT {COLUMNS} FROM registros_propiedad WHERE ($1 = '' OR estado = $1) \
         ORDER BY fecha DESC, id_propiedad LIMIT $2 OFFSET $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(estado)
        .bind(limit)
        .bind(offset)
        .fetch_all(db.pool())
        .await
        .map_err(store_error)?;
    let count = "SELECT COUNT(*) AS n FROM registros_propiedad WHERE ($1 = '' OR estado = $1)";
    let total = crate::seedwork::infrastructure::count_rows(db, count, &[estado]).await?;
    let items = rows.iter().map(vista).collect::<Result<Vec<_>, _>>()?;
    Ok(Pagina { items, total })
}

pub async fn registro_propiedad(
    db: &crate::seedwork::infrastructure::Database,
    id: &str,
) -> Result<Option<RegistroPropiedadVista>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM registros_propiedad WHERE id_propiedad = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db.pool())
        .await
        .map_err(store_error)?;
    row.as_ref().map(vista).transpose()
}
