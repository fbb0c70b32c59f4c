use async_trait::async_trait;

use super::sql_repository::{TABLE, compania_de};
use crate::companias::application::{CompaniaVista, ConsultaCompanias};
use crate::companias::domain::Compania;
use crate::seedwork::application::{PageOf, PageRequest, StoreError};
use crate::seedwork::domain::{AggregateRoot, EntityId, Estado};
use crate::seedwork::infrastructure::Database;
use crate::seedwork::infrastructure::sql_values::iso;

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
        let row = TABLE.by_id(self.db.pool(), id).await?;
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
        let (rows, total) = TABLE.page(&self.db, estado, page).await?;
        let items = rows
            .iter()
            .map(|r| compania_de(r).map(|c| vista(&c)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(PageOf::new(items, page, total))
    }
}
