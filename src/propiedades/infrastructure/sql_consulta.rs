//! `propiedades`'s read model: its table through the seedwork's
//! `SqlRecordQueries`, each row shown as a `PropiedadVista`.

use crate::propiedades::application::{ConsultaPropiedades, PropiedadVista};
use crate::propiedades::domain::Propiedad;
use crate::seedwork::domain::AggregateRoot;
use crate::seedwork::infrastructure::reviewed_rows::{RecordView, SqlRecordQueries};
use crate::seedwork::infrastructure::sql_values::iso;

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
