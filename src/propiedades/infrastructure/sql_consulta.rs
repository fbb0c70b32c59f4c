use async_trait::async_trait;

use super::sql_repository::{TABLE, propiedad_de};
use crate::propiedades::application::{ConsultaPropiedades, PropiedadVista};
use crate::propiedades::domain::Propiedad;
use crate::seedwork::application::{PageOf, PageRequest, StoreError};
use crate::seedwork::domain::{AggregateRoot, EntityId, Estado};
use crate::seedwork::infrastructure::Database;
use crate::seedwork::infrastructure::sql_values::iso;

fn vista(c: &Propiedad) -> PropiedadVista {
    let d = c.datos();
    PropiedadVista {
        id: c.id().to_string(),
        nombre: d.nombre.to_string(),
        identificacion_catastral: d.identificacion_catastral.to_string(),
        nit: d.nit.to_string(),
        estado: c.estado().to_string(),
        motivos_rechazo: c.motivos_rechazo().to_vec(),
        fecha_creacion: iso(c.fecha_creacion()),
        fecha_actualizacion: iso(c.fecha_actualizacion()),
        eliminada: c.eliminada(),
        version: c.version(),
    }
}

/// Queries on the `propiedades` table (this context's read model).
#[derive(Clone)]
pub struct SqlConsultaPropiedades {
    db: Database,
}

impl SqlConsultaPropiedades {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait]
impl ConsultaPropiedades for SqlConsultaPropiedades {
    async fn por_id(&self, id: EntityId) -> Result<Option<PropiedadVista>, StoreError> {
        let row = TABLE.by_id(self.db.pool(), id).await?;
        Ok(row
            .as_ref()
            .map(propiedad_de)
            .transpose()?
            .as_ref()
            .map(vista))
    }

    async fn listar(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<PropiedadVista>, StoreError> {
        let (rows, total) = TABLE.page(&self.db, estado, page).await?;
        let items = rows
            .iter()
            .map(|r| propiedad_de(r).map(|c| vista(&c)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(PageOf::new(items, page, total))
    }
}
