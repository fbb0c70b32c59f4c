use async_trait::async_trait;
use sqlx::any::AnyRow;

use crate::geograficos::application::DatosGeograficosRepository;
use crate::geograficos::domain::{Coordenadas, DatosGeograficos};
use crate::seedwork::application::StoreError;
use crate::seedwork::domain::{AggregateRoot, EntityId};
use crate::seedwork::infrastructure::SqlUnitOfWork;
use crate::seedwork::infrastructure::sql_values::{
    ReviewedTable, corrupt, date, entity_id, int, motivos_json, review, saved, text,
};

const KIND: &str = "datos_geograficos";

/// The `datos_geograficos` table and the columns queries read.
pub(super) const TABLE: ReviewedTable = ReviewedTable {
    table: "datos_geograficos",
    columns: "id, nombre_propiedad, latitud, longitud, direccion, estado, motivos_rechazo, \
              eliminado_en, fecha_creacion, fecha_actualizacion, version",
    kind: KIND,
    removable: true,
};

/// A record read back from a row of `datos_geograficos`.
pub(super) fn datos_geograficos_de(row: &AnyRow) -> Result<DatosGeograficos, StoreError> {
    let datos = Coordenadas::parse(
        &text(row, "nombre_propiedad")?,
        &text(row, "latitud")?,
        &text(row, "longitud")?,
        &text(row, "direccion")?,
    )
    .map_err(|e| corrupt(KIND, "data", e))?;
    Ok(DatosGeograficos::restore(
        entity_id(row, KIND)?,
        datos,
        review(row, KIND)?,
        TABLE.eliminado(row)?,
        (
            date(row, KIND, "fecha_creacion")?,
            date(row, KIND, "fecha_actualizacion")?,
        ),
        int(row, "version")?,
    ))
}

/// Companies in their table, one implementation for SQLite and Postgres,
/// with optimistic concurrency on `version`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqlDatosGeograficosRepository;

impl SqlDatosGeograficosRepository {
    async fn insertar(
        &self,
        uow: &mut SqlUnitOfWork,
        c: &DatosGeograficos,
    ) -> Result<(), StoreError> {
        let d = c.datos();
        let inserted = sqlx::query(
            "INSERT INTO datos_geograficos (id, nombre_propiedad, latitud, longitud, direccion, \
             estado, motivos_rechazo, fecha_creacion, fecha_actualizacion, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1)",
        )
        .bind(c.id().to_string())
        .bind(d.nombre_propiedad.as_str())
        .bind(d.latitud.as_str())
        .bind(d.longitud.as_str())
        .bind(d.direccion.as_str())
        .bind(c.estado().as_str())
        .bind(motivos_json(c.motivos_rechazo())?)
        .bind(c.fecha_creacion().timestamp_millis())
        .bind(c.fecha_actualizacion().timestamp_millis())
        .execute(uow.conn())
        .await;
        saved(inserted, KIND, c.id())
    }
}

#[async_trait]
impl DatosGeograficosRepository for SqlDatosGeograficosRepository {
    type Uow = SqlUnitOfWork;

    async fn cargar(
        &self,
        uow: &mut SqlUnitOfWork,
        id: EntityId,
    ) -> Result<Option<DatosGeograficos>, StoreError> {
        let row = TABLE.by_id(uow.conn(), id).await?;
        row.as_ref().map(datos_geograficos_de).transpose()
    }

    async fn guardar(
        &self,
        uow: &mut SqlUnitOfWork,
        datos: &DatosGeograficos,
    ) -> Result<(), StoreError> {
        if datos.version() == 0 {
            self.insertar(uow, datos).await
        } else {
            // The data never changes after creation: the review does.
            let c = datos;
            TABLE
                .update_review(
                    uow.conn(),
                    c.id(),
                    c.review(),
                    c.eliminado(),
                    c.fecha_actualizacion(),
                    c.version(),
                )
                .await
        }
    }
}
