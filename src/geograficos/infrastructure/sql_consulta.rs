use async_trait::async_trait;

use super::sql_repository::{TABLE, datos_geograficos_de};
use crate::geograficos::application::{ConsultaDatosGeograficos, DatosGeograficosVista};
use crate::geograficos::domain::DatosGeograficos;
use crate::seedwork::application::{PageOf, PageRequest, StoreError};
use crate::seedwork::domain::{AggregateRoot, EntityId, Estado};
use crate::seedwork::infrastructure::Database;
use crate::seedwork::infrastructure::sql_values::iso;

fn vista(c: &DatosGeograficos) -> DatosGeograficosVista {
    let d = c.datos();
    DatosGeograficosVista {
        id: c.id().to_string(),
        nombre_propiedad: d.nombre_propiedad.to_string(),
        latitud: d.latitud.to_string(),
        longitud: d.longitud.to_string(),
        direccion: d.direccion.to_string(),
        estado: c.estado().to_string(),
        motivos_rechazo: c.motivos_rechazo().to_vec(),
        fecha_creacion: iso(c.fecha_creacion()),
        fecha_actualizacion: iso(c.fecha_actualizacion()),
        version: c.version(),
    }
}

/// Queries on the `datos_geograficos` table (this context's read model).
#[derive(Clone)]
pub struct SqlConsultaDatosGeograficos {
    db: Database,
}

impl SqlConsultaDatosGeograficos {
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait]
impl ConsultaDatosGeograficos for SqlConsultaDatosGeograficos {
    async fn por_id(&self, id: EntityId) -> Result<Option<DatosGeograficosVista>, StoreError> {
        let row = TABLE.by_id(self.db.pool(), id).await?;
        Ok(row
            .as_ref()
            .map(datos_geograficos_de)
            .transpose()?
            .as_ref()
            .map(vista))
    }

    async fn listar(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<DatosGeograficosVista>, StoreError> {
        let (rows, total) = TABLE.page(&self.db, estado, page).await?;
        let items = rows
            .iter()
            .map(|r| datos_geograficos_de(r).map(|c| vista(&c)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(PageOf::new(items, page, total))
    }
}
