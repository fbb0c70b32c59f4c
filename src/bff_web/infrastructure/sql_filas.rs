//! How the BFF's rows read back as its views (records, audits), shared by
//! the projections, the lists and the registrations.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::bff_web::application::{AuditoriaVista, RegistroVista, TipoRegistro};
use crate::seedwork::application::StoreError;
use crate::seedwork::infrastructure::store_error;

pub(super) const AUDITORIA: &str =
    "id, tipo_entidad, id_entidad, resultado, hallazgos, fecha, motivo, revisor";

pub(super) fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Backend(format!("projection json: {e}"))
}

/// A stored record type; an unknown one is a corrupt row, never taken for
/// another type.
pub(super) fn tipo_of(s: &str) -> Result<TipoRegistro, StoreError> {
    TipoRegistro::parse(s)
        .ok_or_else(|| StoreError::Backend(format!("stored registro has unknown tipo {s:?}")))
}

pub(super) fn row_to_registro(row: &AnyRow) -> Result<RegistroVista, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(store_error);
    Ok(RegistroVista {
        tipo: tipo_of(&text("tipo")?)?,
        id: text("id")?,
        campos: serde_json::from_str(&text("campos")?).map_err(json_err)?,
        estado: text("estado")?,
        motivos_rechazo: serde_json::from_str(&text("motivos_rechazo")?).map_err(json_err)?,
        fecha_creacion: row.try_get("fecha_creacion").map_err(store_error)?,
        fecha_actualizacion: row.try_get("fecha_actualizacion").map_err(store_error)?,
    })
}

pub(super) fn row_to_auditoria(row: &AnyRow) -> Result<AuditoriaVista, StoreError> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(store_error);
    Ok(AuditoriaVista {
        id: text("id")?,
        tipo_entidad: text("tipo_entidad")?,
        id_entidad: text("id_entidad")?,
        resultado: text("resultado")?,
        hallazgos: serde_json::from_str(&text("hallazgos")?).map_err(json_err)?,
        fecha: row.try_get("fecha").map_err(store_error)?,
        motivo: row.try_get("motivo").map_err(store_error)?,
        revisor: row.try_get("revisor").map_err(store_error)?,
    })
}
