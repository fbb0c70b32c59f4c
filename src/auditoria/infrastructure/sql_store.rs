use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row;

use super::sql_filas::{SAGA_COLUMNS, row_to_auditoria, row_to_saga};
use super::sql_registros;
use super::sql_staged::{AuditoriaRows, SagaRows, clave};
use crate::auditoria::application::{
    AlmacenAuditoria, AuditoriaReadModel, AuditoriaView, Auditorias, CompaniasConocidas,
    ConteoFaltante, RegistroView, Registros, SagaView, Sagas,
};
use crate::auditoria::domain::Resultado;
use crate::auditoria::domain::{
    Auditoria, EstadoRegistro, EstadoSaga, RegistroPropiedad, Saga, TipoEntidad,
};
use crate::seedwork::application::{PageOf, PageRequest, StoreError};
use crate::seedwork::infrastructure::{Database, Listado, SqlUnitOfWork, store_error};

/// Audits, findings and the saga log on SQLite or Postgres (portable SQL).
#[derive(Clone)]
pub struct SqlAuditoriaStore {
    db: Database,
}

impl SqlAuditoriaStore {
    pub fn new(db: Database) -> Self {
        Self { db }
    }

    /// How many sagas (both kinds) are in each state.
    pub async fn sagas_por_estado(&self) -> Result<Vec<(String, i64)>, StoreError> {
        sql_registros::sagas_por_estado(&self.db).await
    }
}

impl AlmacenAuditoria for SqlAuditoriaStore {
    type Uow = SqlUnitOfWork;
}

#[async_trait]
impl Auditorias for SqlAuditoriaStore {
    async fn auditada(
        &self,
        uow: &mut SqlUnitOfWork,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<bool, StoreError> {
        Ok(self.auditoria_de(uow, tipo, id_entidad).await?.is_some())
    }

    async fn guardar_auditoria(
        &self,
        uow: &mut SqlUnitOfWork,
        a: &Auditoria,
    ) -> Result<(), StoreError> {
        uow.stage::<AuditoriaRows>(a.clone())
    }

    async fn auditoria_de(
        &self,
        uow: &mut SqlUnitOfWork,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<Option<Auditoria>, StoreError> {
        uow.load::<AuditoriaRows>(clave(tipo, id_entidad)).await
    }
}

#[async_trait]
impl Sagas for SqlAuditoriaStore {
    async fn saga_de(
        &self,
        uow: &mut SqlUnitOfWork,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<Option<Saga>, StoreError> {
        uow.load::<SagaRows>(clave(tipo, id_entidad)).await
    }

    async fn guardar_saga(&self, uow: &mut SqlUnitOfWork, saga: &Saga) -> Result<(), StoreError> {
        uow.stage::<SagaRows>(saga.clone())
    }

    async fn sagas_vencidas(
        &self,
        ahora: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Saga>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SAGA_COLUMNS} FROM sagas WHERE estado = $1 AND proximo_intento <= $2 \
             ORDER BY proximo_intento LIMIT $3"
        ));
        let rows = sqlx::query(sql)
            .bind(EstadoSaga::Pendiente.as_str())
            .bind(ahora.timestamp_millis())
            .bind(limit)
            .fetch_all(self.db.pool())
            .await
            .map_err(store_error)?;
        rows.iter().map(row_to_saga).collect()
    }
}

#[async_trait]
impl Registros for SqlAuditoriaStore {
    async fn registro_de(
        &self,
        uow: &mut SqlUnitOfWork,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<Option<RegistroPropiedad>, StoreError> {
        sql_registros::registro_de(uow, tipo, id_entidad).await
    }

    async fn guardar_registro(
        &self,
        uow: &mut SqlUnitOfWork,
        registro: &RegistroPropiedad,
    ) -> Result<(), StoreError> {
        sql_registros::guardar_registro(uow.conn(), registro).await
    }

    async fn registros_vencidos(
        &self,
        ahora: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<RegistroPropiedad>, StoreError> {
        sql_registros::registros_vencidos(&self.db, ahora, limit).await
    }
}

#[async_trait]
impl CompaniasConocidas for SqlAuditoriaStore {
    async fn compania_conocida(
        &self,
        uow: &mut SqlUnitOfWork,
        identificacion: &str,
    ) -> Result<bool, StoreError> {
        sql_registros::compania_conocida(uow.conn(), identificacion).await
    }

    async fn recordar_compania(
        &self,
        uow: &mut SqlUnitOfWork,
        identificacion: &str,
    ) -> Result<(), StoreError> {
        sql_registros::recordar_compania(uow, identificacion);
        Ok(())
    }
}

#[async_trait]
impl AuditoriaReadModel for SqlAuditoriaStore {
    async fn auditorias(
        &self,
        resultado: Option<Resultado>,
        tipo: Option<TipoEntidad>,
        page: PageRequest,
    ) -> Result<PageOf<AuditoriaView>, StoreError> {
        let resultado = resultado.map(|r| r.as_str()).unwrap_or("");
        let tipo = tipo.map(|t| t.as_str()).unwrap_or("");
        let listado = Listado {
            columns: "id, tipo_entidad, id_entidad, resultado, hallazgos, fecha_creacion",
            from: "auditorias",
            filter: "($1 = '' OR resultado = $1) AND ($2 = '' OR tipo_entidad = $2)",
        };
        let (rows, total) = listado.page(&self.db, &[resultado, tipo], page).await?;
        let items = rows
            .iter()
            .map(row_to_auditoria)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PageOf::new(items, page, total))
    }

    async fn auditoria(&self, id: &str) -> Result<Option<AuditoriaView>, StoreError> {
        let row = sqlx::query(
            "SELECT id, tipo_entidad, id_entidad, resultado, hallazgos, fecha_creacion FROM auditorias \
             WHERE id = $1 OR id_entidad = $1",
        )
        .bind(id)
        .fetch_optional(self.db.pool())
        .await
        .map_err(store_error)?;
        row.as_ref().map(row_to_auditoria).transpose()
    }

    async fn reporte_faltantes(&self) -> Result<Vec<ConteoFaltante>, StoreError> {
        let rows = sqlx::query(
            "SELECT campo, problema, COUNT(*) AS total FROM hallazgos GROUP BY campo, problema ORDER BY total DESC, campo, problema",
        )
        .fetch_all(self.db.pool())
        .await
        .map_err(store_error)?;
        rows.iter()
            .map(|r| {
                Ok(ConteoFaltante {
                    campo: r.try_get("campo").map_err(store_error)?,
                    problema: r.try_get("problema").map_err(store_error)?,
                    total: r.try_get("total").map_err(store_error)?,
                })
            })
            .collect()
    }

    async fn sagas(
        &self,
        estado: Option<EstadoSaga>,
        page: PageRequest,
    ) -> Result<PageOf<SagaView>, StoreError> {
        sql_registros::sagas(&self.db, estado, page).await
    }

    async fn registros(
        &self,
        estado: Option<EstadoRegistro>,
        page: PageRequest,
    ) -> Result<PageOf<RegistroView>, StoreError> {
        sql_registros::registros(&self.db, estado, page).await
    }

    async fn registro(&self, id_propiedad: &str) -> Result<Option<RegistroView>, StoreError> {
        sql_registros::registro(&self.db, id_propiedad).await
    }
}
