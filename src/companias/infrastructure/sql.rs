//! `companias`'s table: a company written to and read back from its row
//! (the seedwork's set-based `SqlRecords`), and each row shown as a
//! `CompaniaVista` (the read model, the seedwork's `SqlRecordQueries`).

use sqlx::any::AnyRow;

use crate::companias::application::{CompaniaRepository, CompaniaVista, ConsultaCompanias};
use crate::companias::domain::{Compania, DatosCompania};
use crate::seedwork::application::StoreError;
use crate::seedwork::domain::AggregateRoot;
use crate::seedwork::infrastructure::reviewed_rows::{
    RecordView, Reviewed, ReviewedRecord, SqlRecordQueries, SqlRecords,
};
use crate::seedwork::infrastructure::sql_values::{
    ReviewedTable, SqlValue, corrupt, date, entity_id, int, iso, review, text,
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

impl ReviewedRecord for Compania {
    const TABLE: ReviewedTable = TABLE;
    const DATA_COLUMNS: &'static [&'static str] =
        &["nombre", "email", "identificacion", "pais", "telefono"];

    fn from_row(row: &AnyRow) -> Result<Self, StoreError> {
        compania_de(row)
    }

    fn data_values(&self) -> Vec<SqlValue> {
        let d = self.datos();
        vec![
            d.nombre.as_str().into(),
            d.email.as_str().into(),
            d.identificacion.as_str().into(),
            d.pais.as_str().into(),
            d.telefono.as_str().into(),
        ]
    }

    fn reviewed(&self) -> Reviewed<'_> {
        Reviewed {
            id: self.id(),
            review: self.review(),
            eliminado: false,
            fecha_creacion: self.fecha_creacion(),
            fecha_actualizacion: self.fecha_actualizacion(),
        }
    }
}

/// Companies in their table: seedwork's set-based repository of a reviewed
/// record, for SQLite and Postgres.
pub type SqlCompaniaRepository = SqlRecords<Compania>;

impl CompaniaRepository for SqlRecords<Compania> {}

/// Queries on the `companias` table (this context's read model).
pub type SqlConsultaCompanias = SqlRecordQueries<Compania, CompaniaVista>;

impl ConsultaCompanias for SqlConsultaCompanias {}

impl RecordView<Compania> for CompaniaVista {
    fn of(c: &Compania) -> Self {
        let d = c.datos();
        Self {
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
}
