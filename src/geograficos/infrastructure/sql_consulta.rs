//! `geograficos`'s read model: its table through the seedwork's
//! `SqlRecordQueries`, each row shown as a `DatosGeograficosVista`.

use crate::geograficos::application::{ConsultaDatosGeograficos, DatosGeograficosVista};
use crate::geograficos::domain::DatosGeograficos;
use crate::seedwork::domain::AggregateRoot;
use crate::seedwork::infrastructure::reviewed_rows::{RecordView, SqlRecordQueries};
use crate::seedwork::infrastructure::sql_values::iso;

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
