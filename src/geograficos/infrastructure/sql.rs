//! `geograficos`'s table: a record of geographic data written to and read back from its row
//! (the seedwork's set-based `SqlRecords`), and each row shown as a
//! `DatosGeograficosVista` (the read model, the seedwork's `SqlRecordQueries`).

use sqlx::any::AnyRow;

use crate::geograficos::application::{
    ConsultaDatosGeograficos, DatosGeograficosRepository, DatosGeograficosVista,
};
use crate::geograficos::domain::{Coordenadas, DatosGeograficos};
use crate::seedwork::application::StoreError;
use crate::seedwork::domain::AggregateRoot;
use crate::seedwork::infrastructure::reviewed_rows::{
    RecordView, Reviewed, ReviewedRecord, SqlRecordQueries, SqlRecords,
};
use crate::seedwork::infrastructure::sql_values::{
    ReviewedTable, SqlValue, corrupt, date, entity_id, int, iso, review, text,
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

/// Queries on the `datos_geograficos` table (this context's read model).
pub type SqlConsultaDatosGeograficos = SqlRecordQueries<DatosGeograficos, DatosGeograficosVista>;

impl ConsultaDatosGeograficos for SqlConsultaDatosGeograficos {}

impl RecordView<DatosGeograficos> for DatosGeograficosVista {
    fn of(c: &DatosGeograficos) -> Self {
        let d = c.datos();
        Self {
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
}
