//! `propiedades`'s table: a property written to and read back from its row
//! (the seedwork's set-based `SqlRecords`), and each row shown as a
//! `PropiedadVista` (the read model, the seedwork's `SqlRecordQueries`).

use async_trait::async_trait;
use sqlx::any::AnyRow;

use crate::propiedades::application::{ConsultaPropiedades, PropiedadRepository, PropiedadVista};
use crate::propiedades::domain::{DatosPropiedad, Propiedad};
use crate::seedwork::application::StoreError;
use crate::seedwork::domain::AggregateRoot;
use crate::seedwork::infrastructure::reviewed_rows::{
    RecordView, Reviewed, ReviewedRecord, ReviewedRows, SqlRecordQueries, SqlRecords,
};
use crate::seedwork::infrastructure::sql_values::{
    ReviewedTable, SqlValue, corrupt, date, entity_id, int, iso, review, text,
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

impl ReviewedRecord for Propiedad {
    const TABLE: ReviewedTable = TABLE;
    const DATA_COLUMNS: &'static [&'static str] = &["nombre", "identificacion_catastral", "nit"];

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        propiedad_de(row)
    }

    fn data_values(&self) -> Vec<SqlValue> {
        let d = self.datos();
        vec![
            d.nombre.as_str().into(),
            d.identificacion_catastral.as_str().into(),
            d.nit.as_str().into(),
        ]
    }

    fn reviewed(&self) -> Reviewed<'_> {
        Reviewed {
            id: self.id(),
            review: self.review(),
            eliminado: self.eliminada(),
            fecha_creacion: self.fecha_creacion(),
            fecha_actualizacion: self.fecha_actualizacion(),
        }
    }
}

/// Properties in their table: seedwork's set-based repository of a reviewed
/// record, for SQLite and Postgres.
pub type SqlPropiedadRepository = SqlRecords<Propiedad>;

#[async_trait]
impl PropiedadRepository for SqlRecords<Propiedad> {
    /// Stored holders count unless this unit of work eliminated them;
    /// properties staged in it (not written yet) count too.
    async fn catastral_registrada(
        &self,
        uow: &mut SqlUnitOfWork,
        identificacion_catastral: &str,
    ) -> Result<bool, StoreError> {
        let stored: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM propiedades \
             WHERE identificacion_catastral = $1 AND eliminado_en IS NULL",
        )
        .bind(identificacion_catastral)
        .fetch_all(uow.conn())
        .await
        .map_err(store_error)?;
        let known = uow.identity_map::<ReviewedRows<Propiedad>>();
        let stored_holder = stored.iter().any(|id| match known.known(id) {
            Some(Some(p)) => !p.eliminada(),
            Some(None) | None => true,
        });
        let staged_holder = known.states().any(|p| {
            p.version() == 0
                && !p.eliminada()
                && p.datos().identificacion_catastral.as_str() == identificacion_catastral
        });
        Ok(stored_holder || staged_holder)
    }
}

/// Queries on the `propiedades` table (this context's read model).
pub type SqlConsultaPropiedades = SqlRecordQueries<Propiedad, PropiedadVista>;

impl ConsultaPropiedades for SqlConsultaPropiedades {}

impl RecordView<Propiedad> for PropiedadVista {
    fn of(c: &Propiedad) -> Self {
        let d = c.datos();
        Self {
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
}
