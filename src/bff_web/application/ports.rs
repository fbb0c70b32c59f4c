use std::collections::BTreeMap;

use async_trait::async_trait;

use super::ComandoSaliente;
use crate::bff_web::domain::{EstadoComando, EstadoRegistro, EtapaRegistro};
use crate::seedwork::application::{
    CommandContext, Message, StoreError, TranslateError, UnitOfWork,
};

/// The kinds of registered records the UI shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TipoRegistro {
    Compania,
    DatosGeograficos,
    Propiedad,
}

impl TipoRegistro {
    pub const ALL: [TipoRegistro; 3] = [Self::Compania, Self::DatosGeograficos, Self::Propiedad];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Compania => "Compania",
            Self::DatosGeograficos => "DatosGeograficos",
            Self::Propiedad => "Propiedad",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Where a property registration (auditoria's saga) stands, as projected
/// from `eventos-registros`.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistroPropiedadVista {
    pub id_propiedad: String,
    pub id_datos_geograficos: String,
    /// Under way or ended (its word on the wire and in SQL: `EtapaRegistro`).
    pub estado: EtapaRegistro,
    pub paso: String,
    pub motivo: Option<String>,
    pub pasos: Vec<PasoVista>,
    pub fecha: i64,
}

/// One step of a registration as the UI lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PasoVista {
    pub paso: String,
    pub resultado: String,
    pub detalle: Option<String>,
    pub fecha: i64,
}

/// A company or a property's geographic data, as projected.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistroVista {
    pub tipo: TipoRegistro,
    pub id: String,
    pub campos: BTreeMap<String, String>,
    pub estado: String,
    pub motivos_rechazo: Vec<String>,
    pub fecha_creacion: i64,
    pub fecha_actualizacion: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuditoriaVista {
    pub id: String,
    pub tipo_entidad: String,
    pub id_entidad: String,
    pub resultado: String,
    pub hallazgos: Vec<(String, String)>,
    pub fecha: i64,
    /// An auditor's reason and name, when a person decided or reopened.
    pub motivo: Option<String>,
    pub revisor: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComandoVista {
    pub id: String,
    pub tipo: String,
    pub id_entidad: String,
    pub estado: EstadoComando,
    pub error: Option<String>,
}

/// How a list of records is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orden {
    #[default]
    Recientes,
    Antiguos,
    NombreAsc,
    NombreDesc,
}

/// Where a keyset page starts: the sort key and the id of the last row
/// seen, so rows inserted meanwhile neither repeat nor skip a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub clave: String,
    pub id: String,
}

/// What a reviewer asks of a list of records.
#[derive(Debug, Clone, Default)]
pub struct ConsultaRegistros {
    pub estado: Option<String>,
    /// (campo, problema): records whose audit found it.
    pub hallazgo: Option<(String, String)>,
    /// Part of the name, NIT, identificación catastral or id.
    pub buscar: Option<String>,
    pub orden: Orden,
    pub despues: Option<Cursor>,
    pub limite: i64,
}

/// A keyset page: each row with its cursor, the total that match the
/// filters, and whether more follow.
#[derive(Debug, Clone)]
pub struct PaginaKeyset<T> {
    pub items: Vec<(Cursor, T)>,
    pub total: i64,
    pub hay_mas: bool,
}

pub type PaginaRegistros = PaginaKeyset<RegistroVista>;

/// What a reviewer asks of the list of audits (newest first).
#[derive(Debug, Clone, Default)]
pub struct ConsultaAuditorias {
    pub resultado: Option<String>,
    pub tipo: Option<TipoRegistro>,
    pub hallazgo: Option<(String, String)>,
    pub despues: Option<Cursor>,
    pub limite: i64,
}

/// One thing that happened to a record: an event the projection applied
/// or a command the BFF sent about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Suceso {
    pub evento: String,
    pub detalle: String,
    pub fecha: i64,
}

/// A projection changed: what subscriptions push.
#[derive(Debug, Clone)]
pub enum Cambio {
    Registro(RegistroVista),
    Auditoria(AuditoriaVista),
    RegistroPropiedad(RegistroPropiedadVista),
}

/// The BFF's read store.
#[async_trait]
pub trait Proyecciones: Send + Sync {
    async fn registros(
        &self,
        tipo: TipoRegistro,
        consulta: &ConsultaRegistros,
    ) -> Result<PaginaRegistros, StoreError>;
    /// A record's history, oldest first.
    async fn historial(&self, id: &str) -> Result<Vec<Suceso>, StoreError>;
    async fn registro(
        &self,
        tipo: TipoRegistro,
        id: &str,
    ) -> Result<Option<RegistroVista>, StoreError>;
    async fn auditorias(
        &self,
        consulta: &ConsultaAuditorias,
    ) -> Result<PaginaKeyset<AuditoriaVista>, StoreError>;
    /// The audits of many records at once (one query for a whole page).
    async fn auditorias_de(
        &self,
        ids_entidad: &[String],
    ) -> Result<Vec<AuditoriaVista>, StoreError>;
    /// (tipo_entidad, campo, problema, records) of every finding.
    async fn reporte_faltantes(&self) -> Result<Vec<(String, String, String, i64)>, StoreError>;
    async fn comando(&self, id: &str) -> Result<Option<ComandoVista>, StoreError>;
    /// Property registrations, newest first, of one saga estado or all
    /// (`fallida`: what an operator must look at).
    /// A keyset page of registrations, newest first, of one estado or all.
    async fn registros_propiedad(
        &self,
        estado: Option<EtapaRegistro>,
        despues: Option<&Cursor>,
        limite: i64,
    ) -> Result<PaginaKeyset<RegistroPropiedadVista>, StoreError>;
    /// A property registration's progress, by the property's id.
    async fn registro_propiedad(
        &self,
        id_propiedad: &str,
    ) -> Result<Option<RegistroPropiedadVista>, StoreError>;
}

/// Records an accepted command in the BFF's database (same transaction as
/// its outbox row).
#[async_trait]
pub trait RegistroComandos: Send + Sync + 'static {
    type Uow: UnitOfWork;

    async fn registrar(
        &self,
        uow: &mut Self::Uow,
        id: &str,
        tipo: &str,
        id_entidad: &str,
        estado: EstadoComando,
    ) -> Result<(), StoreError>;

    /// Whether the record is a part of a property registration.
    async fn parte_de_registro(&self, uow: &mut Self::Uow, id: &str) -> Result<bool, StoreError>;

    /// The record's projected estado, if projected.
    async fn estado_registro(
        &self,
        uow: &mut Self::Uow,
        tipo: TipoRegistro,
        id: &str,
    ) -> Result<Option<EstadoRegistro>, StoreError>;
}

/// Encodes an outgoing command for its command topic.
pub trait ComandoEncoder: Send + Sync + 'static {
    fn encode(
        &self,
        comando: &ComandoSaliente,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError>;
}
