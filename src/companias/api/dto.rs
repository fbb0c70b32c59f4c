use serde::{Deserialize, Serialize};

/// `POST /companias`. Missing fields count as blank: ingestion accepts
/// incomplete data. Unknown fields are refused so a typo is not lost.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrearCompaniaBody {
    #[serde(default)]
    pub nombre: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub identificacion: String,
}

/// `POST /companias/{id}/rechazar`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RechazarCompaniaBody {
    pub motivos: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub estado: Option<String>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct ComandoAceptado {
    pub id_comando: String,
    pub id_compania: String,
}
