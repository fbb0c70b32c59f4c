//! `companias`'s read model: its table through the seedwork's
//! `SqlRecordQueries`, each row shown as a `CompaniaVista`.

use crate::companias::application::{CompaniaVista, ConsultaCompanias};
use crate::companias::domain::Compania;
use crate::seedwork::domain::AggregateRoot;
use crate::seedwork::infrastructure::reviewed_rows::{RecordView, SqlRecordQueries};
use crate::seedwork::infrastructure::sql_values::iso;

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
