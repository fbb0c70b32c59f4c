use std::collections::BTreeMap;

use serde::Serialize;

/// A registered record as queries return it: its id, its data fields
/// (flattened: `nombre`, `email`, ...), its review state and dates.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RegistroView {
    pub id: String,
    #[serde(flatten)]
    pub campos: BTreeMap<String, String>,
    pub estado: String,
    pub motivos_rechazo: Vec<String>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
    pub version: i64,
}
