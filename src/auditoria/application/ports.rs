use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::auditoria::domain::Resultado;
use crate::auditoria::domain::{
    Auditoria, AuditoriaCompletada, Envio, EstadoRegistro, EstadoSaga, Hito, RegistroPropiedad,
    Saga, TipoEntidad,
};
use crate::seedwork::application::{
    CommandContext, Message, PageOf, PageRequest, StoreError, TranslateError, UnitOfWork,
};

/// Where auditoria's state lives: each port below shares its unit of work.
pub trait AlmacenAuditoria: Send + Sync + 'static {
    type Uow: UnitOfWork;
}

/// The audits: one per record, and an auditor's decisions on it.
#[async_trait]
pub trait Auditorias: AlmacenAuditoria {
    async fn auditada(
        &self,
        uow: &mut Self::Uow,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<bool, StoreError>;
    async fn guardar_auditoria(
        &self,
        uow: &mut Self::Uow,
        auditoria: &Auditoria,
    ) -> Result<(), StoreError>;
    async fn auditoria_de(
        &self,
        uow: &mut Self::Uow,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<Option<Auditoria>, StoreError>;
}

/// The decision sagas' log.
#[async_trait]
pub trait Sagas: AlmacenAuditoria {
    async fn saga_de(
        &self,
        uow: &mut Self::Uow,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<Option<Saga>, StoreError>;
    async fn guardar_saga(&self, uow: &mut Self::Uow, saga: &Saga) -> Result<(), StoreError>;
    async fn sagas_vencidas(
        &self,
        ahora: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Saga>, StoreError>;
}

/// The property registrations (their saga's state).
#[async_trait]
pub trait Registros: AlmacenAuditoria {
    async fn registro_de(
        &self,
        uow: &mut Self::Uow,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<Option<RegistroPropiedad>, StoreError>;
    async fn guardar_registro(
        &self,
        uow: &mut Self::Uow,
        registro: &RegistroPropiedad,
    ) -> Result<(), StoreError>;
    async fn registros_vencidos(
        &self,
        ahora: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<RegistroPropiedad>, StoreError>;
}

/// Companies announced on `eventos-companias`, by `identificacion`: the
/// audit's own projection, so a property's `nit` is checked without
/// asking companias.
#[async_trait]
pub trait CompaniasConocidas: AlmacenAuditoria {
    async fn compania_conocida(
        &self,
        uow: &mut Self::Uow,
        identificacion: &str,
    ) -> Result<bool, StoreError>;
    async fn recordar_compania(
        &self,
        uow: &mut Self::Uow,
        identificacion: &str,
    ) -> Result<(), StoreError>;
}

/// Every port of auditoria's state, as its command handlers use them (a
/// store is one when it is each of them).
pub trait AuditoriaStore: Auditorias + Sagas + Registros + CompaniasConocidas {}

impl<T: Auditorias + Sagas + Registros + CompaniasConocidas> AuditoriaStore for T {}

/// The messages the saga sends: the audit's event and the command to the
/// source context (with the saga's command id, so a re-send is recognised).
pub trait SagaMessages: Send + Sync + 'static {
    fn auditoria_completada(
        &self,
        event: &AuditoriaCompletada,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError>;
    fn comando(&self, saga: &Saga, ctx: &CommandContext) -> Result<Message, TranslateError>;
    /// A registration's command to a participant (`CrearPropiedad`, ...).
    fn comando_registro(
        &self,
        registro: &RegistroPropiedad,
        envio: &Envio,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError>;
    /// `RegistroPropiedadAvanzado`: where the registration stands now.
    fn registro_avanzado(
        &self,
        registro: &RegistroPropiedad,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError>;
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HallazgoView {
    pub campo: String,
    pub problema: String,
}

/// A word of the contract on the wire (`Display`): the views keep their
/// kinds and states typed, and answer them as the words they always were.
fn palabra<S: serde::Serializer, T: std::fmt::Display>(valor: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(valor)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditoriaView {
    pub id: String,
    #[serde(serialize_with = "palabra")]
    pub tipo_entidad: TipoEntidad,
    pub id_entidad: String,
    #[serde(serialize_with = "palabra")]
    pub resultado: Resultado,
    pub hallazgos: Vec<HallazgoView>,
    pub fecha: String,
}

/// One row of the missing-data report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ConteoFaltante {
    pub campo: String,
    pub problema: String,
    pub total: i64,
}

/// The two kinds of saga the saga log lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TipoSaga {
    /// One record's decision.
    Auditoria,
    /// A property's registration.
    RegistroPropiedad,
}

crate::palabras!(
    TipoSaga, campo = "saga",
    Auditoria => "auditoria",
    RegistroPropiedad => "registro_propiedad",
);

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SagaView {
    #[serde(serialize_with = "palabra")]
    pub saga: TipoSaga,
    pub id: String,
    #[serde(serialize_with = "palabra")]
    pub tipo_entidad: TipoEntidad,
    pub id_entidad: String,
    #[serde(serialize_with = "palabra")]
    pub estado: EstadoSaga,
    pub decision: String,
    pub motivos: Vec<String>,
    pub intentos: u32,
    pub ultimo_error: Option<String>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
}

/// A property registration as queries answer it, with its steps.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RegistroView {
    pub id_propiedad: String,
    pub id_datos_geograficos: String,
    pub estado: String,
    pub paso: String,
    pub motivo: Option<String>,
    pub ultimo_error: Option<String>,
    pub pasos: Vec<HitoView>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HitoView {
    pub paso: String,
    pub resultado: String,
    pub detalle: Option<String>,
    pub fecha: String,
}

impl From<&Hito> for HitoView {
    fn from(h: &Hito) -> Self {
        let texto = super::hito_en_texto(h);
        Self {
            paso: texto.paso.to_owned(),
            resultado: texto.resultado,
            detalle: texto.detalle,
            fecha: h.fecha.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        }
    }
}

impl From<&RegistroPropiedad> for RegistroView {
    fn from(r: &RegistroPropiedad) -> Self {
        let s = r.snapshot();
        let iso = |d: DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        Self {
            id_propiedad: s.id.to_string(),
            id_datos_geograficos: s.id_datos.to_string(),
            estado: s.estado.to_string(),
            paso: s.paso.as_str().to_owned(),
            motivo: s.motivo.clone(),
            ultimo_error: s.ultimo_error.clone(),
            pasos: s.pasos.iter().map(HitoView::from).collect(),
            fecha_creacion: iso(s.fecha_creacion),
            fecha_actualizacion: iso(s.fecha_actualizacion),
        }
    }
}

/// Reads audits, the report and the saga log for queries.
#[async_trait]
pub trait AuditoriaReadModel: Send + Sync + 'static {
    async fn auditorias(
        &self,
        resultado: Option<Resultado>,
        tipo: Option<TipoEntidad>,
        page: PageRequest,
    ) -> Result<PageOf<AuditoriaView>, StoreError>;
    /// By the audit's id or by the audited entity's id.
    async fn auditoria(&self, id: &str) -> Result<Option<AuditoriaView>, StoreError>;
    async fn reporte_faltantes(&self) -> Result<Vec<ConteoFaltante>, StoreError>;
    /// Both kinds of saga, oldest first.
    async fn sagas(
        &self,
        estado: Option<EstadoSaga>,
        page: PageRequest,
    ) -> Result<PageOf<SagaView>, StoreError>;
    async fn registros(
        &self,
        estado: Option<EstadoRegistro>,
        page: PageRequest,
    ) -> Result<PageOf<RegistroView>, StoreError>;
    async fn registro(&self, id_propiedad: &str) -> Result<Option<RegistroView>, StoreError>;
}
