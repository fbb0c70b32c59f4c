use async_trait::async_trait;
use sqlx::any::AnyRow;

use crate::propiedades::application::PropiedadRepository;
use crate::propiedades::domain::{DatosPropiedad, Propiedad};
use crate::seedwork::application::StoreError;
use crate::seedwork::domain::{AggregateRoot, EntityId};
use crate::seedwork::infrastructure::sql_values::{
    ReviewedTable, corrupt, date, entity_id, int, motivos_json, review, saved, text,
};
use crate::seedwork::infrastructure::{SqlUnitOfWork, store_error};

const KIND: &str = "propiedad";

/// The `propiedades` table and the columns queries read; eliminated rows
/// (a saga's compensation) are not listed.
pub(super) const TABLE: ReviewedTable = ReviewedTable {
    table: "propiedades",
    columns: "id, nombre, identificacion_catastral, nit, estado, motivos_rechazo, \
              eliminado_en, fecha_creacion, fecha_actualizacion, version",
    kind: KIND,
    removable: true,
};

/// A record read back from a row of `propiedades`.
pub(super) fn propiedad_de(row: &AnyRow) -> Result<Propiedad, StoreError> {
    let datos = DatosPropiedad::parse(
        &text(row, "nombre")?,
        &text(row, "identificacion_catastral")?,
        &text(row, "nit")?,
    )
    .map_err(|e| corrupt(KIND, "data", e))?;
    Ok(Propiedad::restore(
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

/// Properties in their table, one implementation for SQLite and Postgres,
/// with optimistic concurrency on `version`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqlPropiedadRepository;

impl SqlPropiedadRepository {
    async fn insertar(&self, uow: &mut SqlUnitOfWork, p: &Propiedad) -> Result<(), StoreError> {
        let d = p.datos();
        let inserted = sqlx::query(
            "INSERT INTO propiedades (id, nombre, identificacion_catastral, nit, estado, \
             motivos_rechazo, fecha_creacion, fecha_actualizacion, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)",
        )
        .bind(p.id().to_string())
        .bind(d.nombre.as_str())
        .bind(d.identificacion_catastral.as_str())
        .bind(d.nit.as_str())
        .bind(p.estado().as_str())
        .bind(motivos_json(p.motivos_rechazo())?)
        .bind(p.fecha_creacion().timestamp_millis())
        .bind(p.fecha_actualizacion().timestamp_millis())
        .execute(uow.conn())
        .await;
        saved(inserted, KIND, p.id())
    }
}

#[async_trait]
impl PropiedadRepository for SqlPropiedadRepository {
    type Uow = SqlUnitOfWork;

    async fn cargar(
        &self,
        uow: &mut SqlUnitOfWork,
        id: EntityId,
    ) -> Result<Option<Propiedad>, StoreError> {
        let row = TABLE.by_id(uow.conn(), id).await?;
        row.as_ref().map(propiedad_de).transpose()
    }

    async fn guardar(&self, uow: &mut SqlUnitOfWork, p: &Propiedad) -> Result<(), StoreError> {
        if p.version() == 0 {
            self.insertar(uow, p).await
        } else {
            // The data never changes after creation: the review (and a
            // compensation's elimination) does.
            TABLE
                .update_review(
                    uow.conn(),
                    p.id(),
                    p.review(),
                    p.eliminada(),
                    p.fecha_actualizacion(),
                    p.version(),
                )
                .await
        }
    }

    async fn catastral_registrada(
        &self,
        uow: &mut SqlUnitOfWork,
        identificacion_catastral: &str,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM propiedades \
             WHERE identificacion_catastral = $1 AND eliminado_en IS NULL",
        )
        .bind(identificacion_catastral)
        .fetch_one(uow.conn())
        .await
        .map_err(store_error)?;
        Ok(int(&row, "n")? > 0)
    }
}
