//! The property registrations' log (`registros_propiedad`) and the
//! audit's projection of known companies, for `SqlAuditoriaStore`.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::registro_guardado::RegistroGuardado;
use super::sql_filas::iso;
use crate::auditoria::application::{RegistroView, SagaView, TipoSaga};
use crate::auditoria::domain::{
    EstadoRegistro, EstadoSaga, RegistroPropiedad, RegistroSnapshot, TipoEntidad,
};
use crate::seedwork::application::{PageOf, PageRequest, StoreError};
use crate::seedwork::infrastructure::sql_values::saved;
use crate::seedwork::infrastructure::{Database, Listado, SqlUnitOfWork, store_error};

fn bad(detail: impl std::fmt::Display) -> StoreError {
    super::sql_filas::bad("registro", detail)
}

fn registro_de_fila(row: &AnyRow) -> Result<RegistroPropiedad, StoreError> {
    let json: String = row.try_get("estado_json").map_err(store_error)?;
    let guardado: RegistroGuardado = serde_json::from_str(&json).map_err(bad)?;
    let mut snapshot = RegistroSnapshot::try_from(guardado).map_err(bad)?;
    snapshot.version = row.try_get("version").map_err(store_error)?;
    Ok(RegistroPropiedad::restore(snapshot))
}

/// The registration a part belongs to.
/// The column a part's registration is found by (a company is part of none).
fn columna_de_parte(tipo: TipoEntidad) -> Option<&'static str> {
    match tipo {
        TipoEntidad::Propiedad => Some("id"),
        TipoEntidad::DatosGeograficos => Some("id_datos_geograficos"),
        TipoEntidad::Compania => None,
    }
}

/// Parts known, in this unit of work, to belong to no registration (most
/// records are registered alone): their lookups need no statement.
#[derive(Default)]
struct SinRegistro(std::collections::HashSet<String>);

/// Finds which of a run's records (all of `tipo`) belong to a
/// registration, with one statement, so the others' lookups are free.
/// A part's registration is created before the part's own command is sent,
/// so none appears during the run.
pub async fn precargar_registros(
    uow: &mut SqlUnitOfWork,
    tipo: TipoEntidad,
    ids: &[String],
) -> Result<(), StoreError> {
    let Some(column) = columna_de_parte(tipo) else {
        return Ok(());
    };
    if ids.is_empty() {
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT {column} AS parte FROM registros_propiedad WHERE {column} IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(id.as_str());
    }
    let registradas: std::collections::HashSet<String> = query
        .fetch_all(uow.conn())
        .await
        .map_err(store_error)?
        .into_iter()
        .collect();
    let sin = uow.memo::<SinRegistro>();
    for id in ids.iter().filter(|id| !registradas.contains(*id)) {
        sin.0.insert(format!("{}/{id}", tipo.as_str()));
    }
    Ok(())
}

pub async fn registro_de(
    uow: &mut SqlUnitOfWork,
    tipo: TipoEntidad,
    id_entidad: &str,
) -> Result<Option<RegistroPropiedad>, StoreError> {
    let Some(column) = columna_de_parte(tipo) else {
        return Ok(None);
    };
    let clave = format!("{}/{id_entidad}", tipo.as_str());
    if uow.memo::<SinRegistro>().0.contains(&clave) {
        return Ok(None);
    }
    let sql = format!("SELECT estado_json, version FROM registros_propiedad WHERE {column} = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id_entidad)
        .fetch_optional(uow.conn())
        .await
        .map_err(store_error)?;
    row.as_ref().map(registro_de_fila).transpose()
}

pub async fn guardar_registro(
    conn: &mut sqlx::AnyConnection,
    registro: &RegistroPropiedad,
) -> Result<(), StoreError> {
    let s = registro.snapshot();
    let json = serde_json::to_string(&RegistroGuardado::from(s))
        .map_err(|e| StoreError::Backend(e.to_string()))?;
    let envio = s.envio.as_ref();
    let intentos = envio.map_or(0, |e| i64::from(e.intentos));
    let proximo = envio.map(|e| e.proximo_intento.timestamp_millis());
    let result = if s.version == 0 {
        sqlx::query(
            "INSERT INTO registros_propiedad (id, id_datos_geograficos, estado, paso, motivo, \
             intentos, proximo_intento, ultimo_error, estado_json, fecha_creacion, \
             fecha_actualizacion, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)",
        )
        .bind(s.id.to_string())
        .bind(s.id_datos.to_string())
        .bind(s.estado.as_str())
        .bind(s.paso.as_str())
        .bind(s.motivo.clone())
        .bind(intentos)
        .bind(proximo)
        .bind(s.ultimo_error.clone())
        .bind(json)
        .bind(s.fecha_creacion.timestamp_millis())
        .bind(s.fecha_actualizacion.timestamp_millis())
        .execute(conn)
        .await
    } else {
        sqlx::query(
            "UPDATE registros_propiedad SET estado = $1, paso = $2, motivo = $3, intentos = $4, \
             proximo_intento = $5, ultimo_error = $6, estado_json = $7, fecha_actualizacion = $8, \
             version = version + 1 WHERE id = $9 AND version = $10",
        )
        .bind(s.estado.as_str())
        .bind(s.paso.as_str())
        .bind(s.motivo.clone())
        .bind(intentos)
        .bind(proximo)
        .bind(s.ultimo_error.clone())
        .bind(json)
        .bind(s.fecha_actualizacion.timestamp_millis())
        .bind(s.id.to_string())
        .bind(s.version)
        .execute(conn)
        .await
    };
    saved(result, "registro_propiedad", s.id)
}

pub async fn registros_vencidos(
    db: &Database,
    ahora: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<RegistroPropiedad>, StoreError> {
    let rows = sqlx::query(
        "SELECT estado_json, version FROM registros_propiedad \
         WHERE estado = 'en_curso' AND proximo_intento <= $1 ORDER BY proximo_intento LIMIT $2",
    )
    .bind(ahora.timestamp_millis())
    .bind(limit)
    .fetch_all(db.pool())
    .await
    .map_err(store_error)?;
    rows.iter().map(registro_de_fila).collect()
}

pub async fn registros(
    db: &Database,
    estado: Option<EstadoRegistro>,
    page: PageRequest,
) -> Result<PageOf<RegistroView>, StoreError> {
    let estado = estado.map(EstadoRegistro::as_str).unwrap_or("");
    let listado = Listado {
        columns: "estado_json, version",
        from: "registros_propiedad",
        filter: "($1 = '' OR estado = $1)",
    };
    let (rows, total) = listado.page(db, &[estado], page).await?;
    let items = rows
        .iter()
        .map(|r| registro_de_fila(r).map(|r| RegistroView::from(&r)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(PageOf::new(items, page, total))
}

pub async fn registro(db: &Database, id: &str) -> Result<Option<RegistroView>, StoreError> {
    let row = sqlx::query("SELECT estado_json, version FROM registros_propiedad WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await
        .map_err(store_error)?;
    Ok(row
        .as_ref()
        .map(registro_de_fila)
        .transpose()?
        .map(|r| RegistroView::from(&r)))
}

/// Both sagas in one listing: a decision saga's row as it is, a
/// registration's with its step as `decision` and `en_curso` read as
/// `pendiente`.
const SAGAS_Y_REGISTROS: &str = "SELECT 'auditoria' AS saga, id, tipo_entidad, id_entidad, \
     estado, decision, motivos, intentos, ultimo_error, fecha_creacion, fecha_actualizacion \
     FROM sagas \
     UNION ALL SELECT 'registro_propiedad' AS saga, id, 'Propiedad' AS tipo_entidad, \
     id AS id_entidad, CASE estado WHEN 'en_curso' THEN 'pendiente' ELSE estado END AS estado, \
     paso AS decision, COALESCE(motivo, '') AS motivos, intentos, ultimo_error, fecha_creacion, \
     fecha_actualizacion FROM registros_propiedad";

fn saga_view(row: &AnyRow) -> Result<SagaView, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(store_error);
    let long = |c: &str| row.try_get::<i64, _>(c).map_err(store_error);
    // The two kinds of saga the listing unites, matched by name: another
    // is a bad row, never read as either.
    let saga: TipoSaga = text("saga")?.parse().map_err(bad)?;
    let motivos = text("motivos")?;
    let motivos = match saga {
        TipoSaga::Auditoria => serde_json::from_str(&motivos).map_err(bad)?,
        TipoSaga::RegistroPropiedad if motivos.is_empty() => Vec::new(),
        TipoSaga::RegistroPropiedad => vec![motivos],
    };
    Ok(SagaView {
        saga,
        id: text("id")?,
        tipo_entidad: text("tipo_entidad")?.parse().map_err(bad)?,
        id_entidad: text("id_entidad")?,
        estado: text("estado")?.parse().map_err(bad)?,
        decision: text("decision")?,
        motivos,
        intentos: u32::try_from(long("intentos")?).unwrap_or(0),
        ultimo_error: row
            .try_get::<Option<String>, _>("ultimo_error")
            .map_err(store_error)?,
        fecha_creacion: iso(long("fecha_creacion")?),
        fecha_actualizacion: iso(long("fecha_actualizacion")?),
    })
}

pub async fn sagas_por_estado(db: &Database) -> Result<Vec<(String, i64)>, StoreError> {
    let sql =
        format!("SELECT estado, COUNT(*) AS n FROM ({SAGAS_Y_REGISTROS}) AS s GROUP BY estado");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(db.pool())
        .await
        .map_err(store_error)?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get::<String, _>("estado").map_err(store_error)?,
                row.try_get::<i64, _>("n").map_err(store_error)?,
            ))
        })
        .collect()
}

pub async fn sagas(
    db: &Database,
    estado: Option<EstadoSaga>,
    page: PageRequest,
) -> Result<PageOf<SagaView>, StoreError> {
    let estado = estado.map(EstadoSaga::as_str).unwrap_or("");
    let from = format!("({SAGAS_Y_REGISTROS}) AS s");
    let listado = Listado {
        columns: "*",
        from: &from,
        filter: "($1 = '' OR estado = $1)",
    };
    let (rows, total) = listado.page(db, &[estado], page).await?;
    let items = rows.iter().map(saga_view).collect::<Result<Vec<_>, _>>()?;
    Ok(PageOf::new(items, page, total))
}

pub async fn compania_conocida(
    conn: &mut sqlx::AnyConnection,
    identificacion: &str,
) -> Result<bool, StoreError> {
    let row =
        sqlx::query("SELECT COUNT(*) AS n FROM companias_conocidas WHERE identificacion = $1")
            .bind(identificacion)
            .fetch_one(conn)
            .await
            .map_err(store_error)?;
    Ok(row.try_get::<i64, _>("n").map_err(store_error)? > 0)
}

/// Written at commit with the run's other companies (one statement):
/// nothing in the run that announces companies asks for them.
pub fn recordar_compania(uow: &mut SqlUnitOfWork, identificacion: &str) {
    uow.append_row_unless(
        "companias_conocidas",
        &["identificacion"],
        vec![identificacion.into()],
        "ON CONFLICT (identificacion) DO NOTHING",
    );
}
