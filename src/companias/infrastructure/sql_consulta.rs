use async_trait::async_trait;

use super::sql_repository::{COLUMNS, compania_de};
use crate::companias::application::{CompaniaVista, ConsultaCompanias};
use crate::companias::domain::Compania;
use crate::seedwork::application::{PageOf, PageRequest, StoreError};
use crate::seedwork::domain::{AggregateRoot, EntityId, Estado};
use crate::seedwork::infrastructure::sql_values::iso;
use crate::seedwork::infrastructure::{Database, count_rows, store_error};

fn vista(c: &Compania) -> CompaniaVista {
    let d = c.datos();
    CompaniaVista {
        id: c.id().to_string(),
        nombre: d.nombre.to_string(),
        email: d.email.to_string(),
        identificacion: d.identificacion.to_string(),
        pais: d.pais.to_string(),
        telefono: d.telefono.to_string(),
        estado: c.estado().to_string(),
        motivos_rechazo: c.motivos_rechazo().to_vec(),
        fecha_creacion: iso(c.fecha_creacion()),
        fecha_actualizacion: iso(c.fecha_actualizacion()),
        version: c.version(),
    }
}

/// Queries on the `companias` table (this context's read model).
#[derive(Clone)]
pub struct SqlConsultaCompanias {
    db: Database,
}

impl SqlConsultaCompanias {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait]
impl ConsultaCompanias for SqlConsultaCompanias {
    async fn por_id(&self, id: EntityId) -> Result<Option<CompaniaVista>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM companias WHERE id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.db.pool())
        .await
        .map_err(store_error)?;
        Ok(row
            .as_ref()
            .map(compania_de)
            .transpose()?
            .as_ref()
            .map(vista))
    }

    async fn listar(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<CompaniaVista>, StoreError> {
        // `$1 = ''` keeps one statement for "any estado" and "this estado".
        let filter = estado.map(Estado::as_str).unwrap_or("");
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM companias WHERE ($1 = '' OR estado = $1) \
             ORDER BY fecha_creacion, id LIMIT $2 OFFSET $3"
        )))
        .bind(filter)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(self.db.pool())
        .await
        .map_err(store_error)?;
        let total = count_rows(
            &self.db,
            "SELECT COUNT(*) AS n FROM companias WHERE ($1 = '' OR estado = $1)",
            &[filter],
        )
        .await?;
        let items = rows
            .iter()
            .map(|r| compania_de(r).map(|c| vista(&c)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(PageOf::new(items, page, total))
    }
}
