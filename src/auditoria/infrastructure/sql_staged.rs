//! Audits and sagas as sets in a unit of work (see
//! [`crate::seedwork::infrastructure::staging`]): a run's audits and sagas
//! are read with one statement per table, and written at commit with one
//! statement per table (a new audit's findings with one more). Both are
//! keyed by the audited record, `tipo/id_entidad`: one audit and one
//! saga per record.

use async_trait::async_trait;
use sqlx::AnyConnection;

use super::sql_filas::{AUDITORIA_COLUMNS, SAGA_COLUMNS, row_to_aggregate, row_to_saga};
use crate::auditoria::domain::{Auditoria, Saga, TipoEntidad};
use crate::seedwork::application::StoreError;
use crate::seedwork::domain::AggregateRoot;
use crate::seedwork::infrastructure::sql_values::{
    insert_rows, update_versioned_rows, upsert_rows, value_rows,
};
use crate::seedwork::infrastructure::staging::StagedTable;
use crate::seedwork::infrastructure::{SqlUnitOfWork, store_error};

/// The key of a record's audit and saga.
pub fn clave(tipo: TipoEntidad, id_entidad: &str) -> String {
    format!("{}/{id_entidad}", tipo.as_str())
}

/// The rows of `table` whose `(tipo_entidad, id_entidad)` is one of `keys`.
async fn by_keys(
    conn: &mut AnyConnection,
    table: &'static str,
    columns: &'static str,
    keys: &[String],
) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let sql = format!(
        "SELECT {columns} FROM {table} WHERE (tipo_entidad, id_entidad) IN (VALUES {})",
        value_rows(keys.len(), 2)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for key in keys {
        let (tipo, id) = key.split_once('/').unwrap_or((key, ""));
        query = query.bind(tipo.to_owned()).bind(id.to_owned());
    }
    query.fetch_all(conn).await.map_err(store_error)
}

/// The keys an `UPDATE … RETURNING` wrote.
const RETURNING_KEY: &str = "tipo_entidad || '/' || id_entidad";

pub struct AuditoriaRows;

#[async_trait]
impl StagedTable for AuditoriaRows {
    type Aggregate = Auditoria;
    const KIND: &'static str = "auditoria";

    fn key(a: &Auditoria) -> String {
        clave(a.tipo_entidad(), a.id_entidad())
    }

    fn version(a: &Auditoria) -> i64 {
        a.version()
    }

    async fn load(conn: &mut AnyConnection, keys: &[String]) -> Result<Vec<Auditoria>, StoreError> {
        let rows = by_keys(conn, "auditorias", AUDITORIA_COLUMNS, keys).await?;
        rows.iter().map(row_to_aggregate).collect()
    }

    /// The audits, then their findings (one row each, for the report).
    async fn insert(conn: &mut AnyConnection, nuevas: &[&Auditoria]) -> Result<(), StoreError> {
        let (mut rows, mut hallazgos) = (Vec::new(), Vec::new());
        for a in nuevas {
            let s = a.snapshot();
            let pares: Vec<(&str, &str)> = s
                .hallazgos
                .iter()
                .map(|h| (h.campo.as_str(), h.problema.as_str()))
                .collect();
            let json =
                serde_json::to_string(&pares).map_err(|e| StoreError::Backend(e.to_string()))?;
            // Revised before it was ever written (not seen in practice):
            // its date is the revision's.
            let revisada = (s.revisor.is_some() || s.reabierta).then(|| s.fecha.timestamp_millis());
            rows.push(vec![
                s.id.to_string().into(),
                s.tipo_entidad.as_str().into(),
                s.id_entidad.as_str().into(),
                s.resultado.as_str().into(),
                json.into(),
                s.fecha.timestamp_millis().into(),
                s.motivo.clone().into(),
                s.revisor.clone().into(),
                i64::from(s.reabierta).into(),
                revisada.into(),
                1i64.into(),
            ]);
            for (campo, problema) in pares {
                hallazgos.push(vec![s.id.to_string().into(), campo.into(), problema.into()]);
            }
        }
        insert_rows(conn, "auditorias", &AUDITORIA_INSERTED, Self::KIND, rows).await?;
        if hallazgos.is_empty() {
            return Ok(());
        }
        // A handful per audit: well under the limit on bound parameters.
        let columns = ["id_auditoria", "campo", "problema"];
        insert_rows(conn, "hallazgos", &columns, Self::KIND, hallazgos).await
    }

    /// An auditor's decision or reopening, over the audit as loaded.
    async fn update(
        conn: &mut AnyConnection,
        cambiadas: &[&Auditoria],
    ) -> Result<Vec<String>, StoreError> {
        let rows = cambiadas
            .iter()
            .map(|a| {
                let s = a.snapshot();
                vec![
                    s.id.to_string().into(),
                    s.resultado.as_str().into(),
                    s.motivo.clone().into(),
                    s.revisor.clone().into(),
                    i64::from(s.reabierta).into(),
                    s.fecha.timestamp_millis().into(),
                    s.version.into(),
                ]
            })
            .collect();
        let set = "resultado = v.column2, motivo = v.column3, revisor = v.column4, \
                   reabierta = v.column5, fecha_revision = v.column6";
        update_versioned_rows(conn, "auditorias", set, RETURNING_KEY, rows).await
    }
}

const AUDITORIA_INSERTED: [&str; 11] = [
    "id",
    "tipo_entidad",
    "id_entidad",
    "resultado",
    "hallazgos",
    "fecha_creacion",
    "motivo",
    "revisor",
    "reabierta",
    "fecha_revision",
    "version",
];

pub struct SagaRows;

const SAGA_INSERTED: [&str; 15] = [
    "id",
    "tipo_entidad",
    "id_entidad",
    "estado",
    "decision",
    "motivos",
    "id_comando",
    "correlation_id",
    "intentos",
    "proximo_intento",
    "ultimo_error",
    "fecha_creacion",
    "fecha_actualizacion",
    "version",
    "revision",
];

/// A record's new saga replaces its earlier one: an auditor's decision
/// takes the place of the rules' (the events keep the history).
const SAGA_REPLACES: &str = "ON CONFLICT (tipo_entidad, id_entidad) DO UPDATE SET id = excluded.id, \
     estado = excluded.estado, decision = excluded.decision, motivos = excluded.motivos, \
     id_comando = excluded.id_comando, correlation_id = excluded.correlation_id, \
     intentos = excluded.intentos, proximo_intento = excluded.proximo_intento, \
     ultimo_error = excluded.ultimo_error, fecha_creacion = excluded.fecha_creacion, \
     fecha_actualizacion = excluded.fecha_actualizacion, version = 1, \
     revision = excluded.revision";

#[async_trait]
impl StagedTable for SagaRows {
    type Aggregate = Saga;
    const KIND: &'static str = "saga";
    const REPLACES: bool = true;

    fn key(s: &Saga) -> String {
        clave(s.tipo_entidad(), s.id_entidad())
    }

    fn version(s: &Saga) -> i64 {
        s.snapshot().version
    }

    async fn load(conn: &mut AnyConnection, keys: &[String]) -> Result<Vec<Saga>, StoreError> {
        let rows = by_keys(conn, "sagas", SAGA_COLUMNS, keys).await?;
        rows.iter().map(row_to_saga).collect()
    }

    async fn insert(conn: &mut AnyConnection, nuevas: &[&Saga]) -> Result<(), StoreError> {
        let mut rows = Vec::with_capacity(nuevas.len());
        for saga in nuevas {
            let s = saga.snapshot();
            let motivos = serde_json::to_string(&s.motivos)
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            rows.push(vec![
                s.id.to_string().into(),
                s.tipo_entidad.as_str().into(),
                s.id_entidad.as_str().into(),
                s.estado.as_str().into(),
                s.decision.as_str().into(),
                motivos.into(),
                s.id_comando.as_str().into(),
                s.correlation_id.as_str().into(),
                i64::from(s.intentos).into(),
                s.proximo_intento.timestamp_millis().into(),
                s.ultimo_error.clone().into(),
                s.fecha_creacion.timestamp_millis().into(),
                s.fecha_actualizacion.timestamp_millis().into(),
                1i64.into(),
                s.revision.clone().into(),
            ]);
        }
        upsert_rows(
            conn,
            "sagas",
            &SAGA_INSERTED,
            Self::KIND,
            rows,
            SAGA_REPLACES,
        )
        .await
    }

    async fn update(
        conn: &mut AnyConnection,
        cambiadas: &[&Saga],
    ) -> Result<Vec<String>, StoreError> {
        let rows = cambiadas
            .iter()
            .map(|saga| {
                let s = saga.snapshot();
                vec![
                    s.id.to_string().into(),
                    s.estado.as_str().into(),
                    i64::from(s.intentos).into(),
                    s.proximo_intento.timestamp_millis().into(),
                    s.ultimo_error.clone().into(),
                    s.fecha_actualizacion.timestamp_millis().into(),
                    s.version.into(),
                ]
            })
            .collect();
        let set = "estado = v.column2, intentos = v.column3, proximo_intento = v.column4, \
                   ultimo_error = v.column5, fecha_actualizacion = v.column6";
        update_versioned_rows(conn, "sagas", set, RETURNING_KEY, rows).await
    }
}

/// Reads the audits and sagas of a run's records at once.
pub async fn precargar(uow: &mut SqlUnitOfWork, claves: &[String]) -> Result<(), StoreError> {
    uow.preload::<AuditoriaRows>(claves).await?;
    uow.preload::<SagaRows>(claves).await
}
