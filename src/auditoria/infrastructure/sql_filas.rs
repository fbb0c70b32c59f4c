//! How auditoria's rows read back as its aggregates and views (audits,
//! sagas): the columns, the mappers and their errors, shared by the store,
//! the staged writes and the registrations.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::auditoria::application::{AuditoriaView, HallazgoView};
use crate::auditoria::domain::{
    Auditoria, AuditoriaRestaurada, Hallazgo, Problema, Saga, SagaSnapshot,
};
use crate::seedwork::application::StoreError;
use crate::seedwork::domain::EntityId;
use crate::seedwork::infrastructure::store_error;

pub(super) const SAGA_COLUMNS: &str = "id, tipo_entidad, id_entidad, estado, decision, motivos, id_comando, correlation_id, intentos, \
     proximo_intento, ultimo_error, fecha_creacion, fecha_actualizacion, version, revision";

pub(super) fn bad(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(format!("stored {what} is invalid: {detail}"))
}

fn date(millis: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(millis).ok_or_else(|| bad("date", millis))
}

pub(super) fn iso(millis: i64) -> String {
    DateTime::from_timestamp_millis(millis)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_default()
}

pub(super) fn row_to_saga(row: &AnyRow) -> Result<Saga, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(store_error);
    let long = |c: &str| row.try_get::<i64, _>(c).map_err(store_error);
    Ok(Saga::restore(SagaSnapshot {
        id: EntityId::parse("id", &text("id")?).map_err(|e| bad("saga id", e))?,
        tipo_entidad: text("tipo_entidad")?
            .parse()
            .map_err(|e| bad("tipo_entidad", e))?,
        id_entidad: text("id_entidad")?,
        estado: text("estado")?.parse().map_err(|e| bad("saga estado", e))?,
        decision: text("decision")?.parse().map_err(|e| bad("decision", e))?,
        motivos: serde_json::from_str(&text("motivos")?).map_err(|e| bad("motivos", e))?,
        id_comando: text("id_comando")?,
        correlation_id: text("correlation_id")?,
        intentos: u32::try_from(long("intentos")?).unwrap_or(0),
        proximo_intento: date(long("proximo_intento")?)?,
        ultimo_error: row
            .try_get::<Option<String>, _>("ultimo_error")
            .map_err(store_error)?,
        fecha_creacion: date(long("fecha_creacion")?)?,
        fecha_actualizacion: date(long("fecha_actualizacion")?)?,
        version: long("version")?,
        revision: row
            .try_get::<Option<String>, _>("revision")
            .map_err(store_error)?,
    }))
}

pub(super) const AUDITORIA_COLUMNS: &str = "id, tipo_entidad, id_entidad, resultado, hallazgos, fecha_creacion, \
     motivo, revisor, reabierta, fecha_revision, version";

/// An audit as its aggregate (the review workflow loads it).
pub(super) fn row_to_aggregate(row: &AnyRow) -> Result<Auditoria, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(store_error);
    let opt = |c: &str| row.try_get::<Option<String>, _>(c).map_err(store_error);
    let long = |c: &str| row.try_get::<i64, _>(c).map_err(store_error);
    let hallazgos: Vec<(String, String)> =
        serde_json::from_str(&text("hallazgos")?).map_err(|e| bad("hallazgos", e))?;
    let hallazgos = hallazgos
        .into_iter()
        .map(|(campo, problema)| {
            Ok(Hallazgo {
                problema: Problema::parse(&problema).ok_or_else(|| bad("problema", &problema))?,
                campo,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let revisada = row
        .try_get::<Option<i64>, _>("fecha_revision")
        .map_err(store_error)?;
    Ok(Auditoria::restore(AuditoriaRestaurada {
        id: EntityId::parse("id", &text("id")?).map_err(|e| bad("auditoria id", e))?,
        tipo_entidad: text("tipo_entidad")?
            .parse()
            .map_err(|e| bad("tipo_entidad", e))?,
        id_entidad: text("id_entidad")?,
        resultado: text("resultado")?
            .parse()
            .map_err(|e| bad("resultado", e))?,
        hallazgos,
        fecha: date(revisada.map_or_else(|| long("fecha_creacion"), Ok)?)?,
        motivo: opt("motivo")?,
        revisor: opt("revisor")?,
        reabierta: long("reabierta")? != 0,
        version: long("version")?,
    }))
}

pub(super) fn row_to_auditoria(row: &AnyRow) -> Result<AuditoriaView, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(store_error);
    let hallazgos: Vec<(String, String)> =
        serde_json::from_str(&text("hallazgos")?).map_err(|e| bad("hallazgos", e))?;
    Ok(AuditoriaView {
        id: text("id")?,
        tipo_entidad: text("tipo_entidad")?
            .parse()
            .map_err(|e| bad("auditoria", e))?,
        id_entidad: text("id_entidad")?,
        resultado: text("resultado")?
            .parse()
            .map_err(|e| bad("auditoria", e))?,
        hallazgos: hallazgos
            .into_iter()
            .map(|(campo, problema)| HallazgoView { campo, problema })
            .collect(),
        fecha: iso(row.try_get("fecha_creacion").map_err(store_error)?),
    })
}
