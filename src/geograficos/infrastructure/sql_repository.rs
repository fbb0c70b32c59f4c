use sqlx::any::AnyRow;

use crate::geograficos::application::DatosGeograficosRepository;
use crate::geograficos::domain::{Coordenadas, DatosGeograficos};
use crate::seedwork::application::StoreError;
use crate::seedwork::infrastructure::reviewed_rows::{Reviewed, ReviewedRecord, SqlRecords};
use crate::seedwork::infrastructure::sql_values::{
    ReviewedTable, SqlValue, corrupt, date, entity_id, int, review, text,
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

impl ReviewedRecord for DatosGeograficos {
    const TABLE: ReviewedTable = TABLE;
    const DATA_COLUMNS: &'static [&'static str] =
        &["nombre_propiedad", "latitud", "longitud", "direccion"];

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        datos_geograficos_de(row)
    }

    fn data_values(&self) -> Vec<SqlValue> {
        let d = self.datos();
        vec![
            d.nombre_propiedad.as_str().into(),
            d.latitud.as_str().into(),
            d.longitud.as_str().into(),
            d.direccion.as_str().into(),
        ]
    }

    fn reviewed(&self) -> Reviewed<'_> {
        Reviewed {
            id: self.id(),
            review: self.review(),
            eliminado: self.eliminado(),
            fecha_creacion: self.fecha_creacion(),
            fecha_actualizacion: self.fecha_actualizacion(),
        }
    }
}

/// Geographic records in their table: seedwork's set-based repository of a reviewed
/// record, for SQLite and Postgres.
pub type SqlDatosGeograficosRepository = SqlRecords<DatosGeograficos>;

impl DatosGeograficosRepository for SqlRecords<DatosGeograficos> {}
