//! What the projector decides a run of messages writes (records created or
//! decided, eliminations, audits, history lines, ended commands), handed
//! to the store that writes each kind in one statement.

use std::collections::BTreeMap;

use crate::bff_web::application::{AuditoriaVista, RegistroVista, Suceso, TipoRegistro};
use crate::bff_web::domain::EstadoComando;

/// What a projected message writes at the end of its run, with the run's
/// other writes of its kind ([`SqlProyecciones::escribir`]).
pub enum Escritura {
    Creado(RegistroVista),
    Decidido(Decidido),
    /// A saga's compensation took the record away.
    Eliminado {
        tipo: TipoRegistro,
        id: String,
    },
    Auditoria(AuditoriaVista),
}

/// A record approved or rejected in its context, and the kind of the BFF's
/// commands that asked for it (now done).
pub struct Decidido {
    pub tipo: TipoRegistro,
    pub id: String,
    pub estado: &'static str,
    pub motivos: Vec<String>,
    pub fecha: i64,
    pub tipo_comando: String,
}

/// A command of ours a projected message ended.
pub struct ComandoTerminado {
    pub id: String,
    pub estado: EstadoComando,
    pub error: Option<String>,
}

/// A line of a record's history, keyed by the event that wrote it.
pub struct Anotacion {
    pub id_evento: String,
    pub tipo: String,
    pub id_entidad: String,
    pub suceso: Suceso,
}

pub fn campos(pairs: impl IntoIterator<Item = (String, String)>) -> BTreeMap<String, String> {
    pairs.into_iter().collect()
}
