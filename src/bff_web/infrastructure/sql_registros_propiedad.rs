//! The projection of property registrations (`eventos-registros`).

use sqlx::Row;
use sqlx::any::AnyRow;

use super::sql_filas::json_err;
use crate::bff_web::application::{Cursor, PaginaKeyset, PasoVista, RegistroPropiedadVista};
use crate::bff_web::domain::EtapaRegistro;
use crate::seedwork::application::StoreError;
use crate::seedwork::infrastructure::sql_values::corrupt;
use crate::seedwork::infrastructure::{SqlUnitOfWork, store_error};

const COLUMNS: &str = "id_propiedad, id_datos_geograficos, estado, paso, motivo, pasos, fecha";

pub(super) fn vista(row: &AnyRow) -> Result<RegistroPropiedadVista, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(store_error);
    let pasos: Vec<PasoVista> = serde_json::from_str(&text("pasos")?).map_err(json_err)?;
    Ok(RegistroPropiedadVista {
        id_propiedad: text("id_propiedad")?,
        id_datos_geograficos: text("id_datos_geograficos")?,
        estado: text("estado")?
            .parse()
            .map_err(|e| corrupt("registration", "estado", e))?,
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
    // Its start: the first step's date, the same in every event of it
    // whatever order they arrive in; kept as first written.
    let inicio = r.pasos.first().map_or(r.fecha, |p| p.fecha);
    let done = sqlx::query(
        "INSERT INTO registros_propiedad (id_propiedad, id_datos_geograficos, estado, paso, \
         motivo, pasos, total_pasos, fecha, inicio) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (id_propiedad) DO UPDATE SET estado = excluded.estado, paso = excluded.paso, \
         motivo = excluded.motivo, pasos = excluded.pasos, total_pasos = excluded.total_pasos, \
         fecha = excluded.fecha WHERE registros_propiedad.total_pasos < excluded.total_pasos",
    )
    .bind(&r.id_propiedad)
    .bind(&r.id_datos_geograficos)
    .bind(r.estado.as_str())
    .bind(&r.paso)
    .bind(r.motivo.clone())
    .bind(pasos)
    .bind(r.pasos.len() as i64)
    .bind(r.fecha)
    .bind(inicio)
    .execute(uow.conn())
    .await
    .map_err(store_error)?;
    Ok(done.rows_affected() > 0)
}

/// A keyset page of registrations, newest first (the same keyset scheme as
/// the record lists: the cursor is a row's start and id). The start never
/// moves, so a registration that advances while a reader pages keeps its
/// place: each is seen once.
pub async fn registros_propiedad(
    db: &crate::seedwork::infrastructure::Database,
    estado: Option<EtapaRegistro>,
    despues: Option<&Cursor>,
    limite: i64,
) -> Result<PaginaKeyset<RegistroPropiedadVista>, StoreError> {
    let estado = estado.map_or("", EtapaRegistro::as_str);
    let despues = despues
        .map(|c| {
            let inicio = c.clave.parse::<i64>();
            inicio
                .map(|f| (f, c.id.clone()))
                .map_err(|_| StoreError::Backend(format!("bad cursor key {:?}", c.clave)))
        })
        .transpose()?;
    // After a cursor: the rows that sort after it (start, then id, both down).
    let (tras, limite_en) = match despues {
        Some(_) => (
            "AND (inicio < $2 OR (inicio = $2 AND id_propiedad < $3))",
            "$4",
        ),
        None => ("", "$2"),
    };
    let sql = format!(
        "SELECT {COLUMNS}, inicio FROM registros_propiedad WHERE ($1 = '' OR estado = $1) {tras} \
         ORDER BY inicio DESC, id_propiedad DESC LIMIT {limite_en}"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(estado);
    if let Some((inicio, id)) = despues {
        query = query.bind(inicio).bind(id);
    }
    let rows = query
        .bind(limite + 1)
        .fetch_all(db.pool())
        .await
        .map_err(store_error)?;
    let count = "SELECT COUNT(*) AS n FROM registros_propiedad WHERE ($1 = '' OR estado = $1)";
    let total = crate::seedwork::infrastructure::count_rows(db, count, &[estado]).await?;
    let mut items = rows
        .iter()
        .map(|row| {
            let v = vista(row)?;
            let inicio: i64 = row.try_get("inicio").map_err(store_error)?;
            let cursor = Cursor {
                clave: inicio.to_string(),
                id: v.id_propiedad.clone(),
            };
            Ok((cursor, v))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let hay_mas = items.len() as i64 > limite;
    items.truncate(limite.max(0) as usize);
    Ok(PaginaKeyset {
        items,
        total,
        hay_mas,
    })
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
