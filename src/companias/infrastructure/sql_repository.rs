use async_trait::async_trait;
use sqlx::any::AnyRow;

use crate::companias::application::CompaniaRepository;
use crate::companias::domain::{Compania, DatosCompania};
use crate::seedwork::application::StoreError;
use crate::seedwork::domain::{AggregateRoot, EntityId};
use crate::seedwork::infrastructure::SqlUnitOfWork;
use crate::seedwork::infrastructure::sql_values::{
    ReviewedTable, corrupt, date, entity_id, int, motivos_json, review, saved, text,
};

const KIND: &str = "compania";

/// The `companias` table and the columns queries read.
pub(super) const TABLE: ReviewedTable = ReviewedTable {
    table: "companias",
    columns: "id, nombre, email, identificacion, pais, telefono, estado, motivos_rechazo, \
              fecha_creacion, fecha_actualizacion, version",
    kind: KIND,
    removable: false,
};

/// A company read back from a row of `companias`.
pub(super) fn compania_de(row: &AnyRow) -> Result<Compania, StoreError> {
    let datos = DatosCompania::parse(
        &text(row, "nombre")?,
        &text(row, "email")?,
        &text(row, "identificacion")?,
        &text(row, "pais")?,
        &text(row, "telefono")?,
    )
    .map_err(|e| corrupt(KIND, "data", e))?;
    Ok(Compania::restore(
        entity_id(row, KIND)?,
        datos,
        review(row, KIND)?,
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
pub struct SqlCompaniaRepository;

impl SqlCompaniaRepository {
    async fn insertar(&self, uow: &mut SqlUnitOfWork, c: &Compania) -> Result<(), StoreError> {
        let d = c.datos();
        let inserted = sqlx::query(
            "INSERT INTO companias (id, nombre, email, identificacion, pais, telefono, estado, \
             motivos_rechazo, fecha_creacion, fecha_actualizacion, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)",
        )
        .bind(c.id().to_string())
        .bind(d.nombre.as_str())
        .bind(d.email.as_str())
        .bind(d.identificacion.as_str())
        .bind(d.pais.as_str())
        .bind(d.telefono.as_str())
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
impl CompaniaRepository for SqlCompaniaRepository {
    type Uow = SqlUnitOfWork;

    async fn cargar(
        &self,
        uow: &mut SqlUnitOfWork,
        id: EntityId,
    ) -> Result<Option<Compania>, StoreError> {
        let row = TABLE.by_id(uow.conn(), id).await?;
        row.as_ref().map(compania_de).transpose()
    }

    async fn guardar(
        &self,
        uow: &mut SqlUnitOfWork,
        compania: &Compania,
    ) -> Result<(), StoreError> {
        if compania.version() == 0 {
            self.insertar(uow, compania).await
        } else {
            // A company's data never changes after creation: its review does.
            let c = compania;
            TABLE
                .update_review(
                    uow.conn(),
                    c.id(),
                    c.review(),
                    false,
                    c.fecha_actualizacion(),
                    c.version(),
                )
                .await
        }
    }
}
