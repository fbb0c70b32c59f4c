use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::auditoria::domain::{Auditoria, AuditoriaCompletada, EstadoSaga, Saga, TipoEntidad};
use crate::seedwork::application::{
    CommandContext, Message, PageOf, PageRequest, StoreError, TranslateError, UnitOfWork,
};
use crate::seedwork::domain::Estado;

/// Audits and the saga log, inside a unit of work.
#[async_trait]
pub trait AuditoriaStore: Send + Sync + 'static {
    type Uow: UnitOfWork;

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
    async fn saga_de(
        &self,
        uow: &mut Self::Uow,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<Option<Saga>, StoreError>;
    /// Inserts a new saga (version 0) or updates it if unchanged since loaded.
    async fn guardar_saga(&self, uow: &mut Self::Uow, saga: &Saga) -> Result<(), StoreError>;
    /// Pending sagas whose deadline has passed.
    async fn sagas_vencidas(
        &self,
        ahora: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Saga>, StoreError>;
}

/// The messages the saga sends: the audit's event and the command to the
/// source context (with the saga's command id, so a re-send is recognised).
pub trait SagaMessages: Send + Sync + 'static {
    fn auditoria_completada(
        &self,
        event: &AuditoriaCompletada,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError>;
    fn comando(&self, saga: &Saga, ctx: &CommandContext) -> Result<Message, TranslateError>;
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HallazgoView {
    pub campo: String,
    pub problema: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AuditoriaView {
    pub id: String,
    pub tipo_entidad: String,
    pub id_entidad: String,
    pub resultado: String,
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

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SagaView {
    pub id: String,
    pub tipo_entidad: String,
    pub id_entidad: String,
    pub estado: String,
    pub decision: String,
    pub motivos: Vec<String>,
    pub intentos: u32,
    pub ultimo_error: Option<String>,
    pub fecha_creacion: String,
    pub fecha_actualizacion: String,
}

/// Reads audits, the report and the saga log for queries.
#[async_trait]
pub trait AuditoriaReadModel: Send + Sync + 'static {
    async fn auditorias(
        &self,
        resultado: Option<Estado>,
        tipo: Option<TipoEntidad>,
        page: PageRequest,
    ) -> Result<PageOf<AuditoriaView>, StoreError>;
    /// By the audit's id or by the audited entity's id.
    async fn auditoria(&self, id: &str) -> Result<Option<AuditoriaView>, StoreError>;
    async fn reporte_faltantes(&self) -> Result<Vec<ConteoFaltante>, StoreError>;
    async fn sagas(
        &self,
        estado: Option<EstadoSaga>,
        page: PageRequest,
    ) -> Result<PageOf<SagaView>, StoreError>;
}
