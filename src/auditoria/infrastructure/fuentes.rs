use crate::auditoria::domain::TipoEntidad;
use crate::contracts::{topics, types};

/// What the audit reads from, and sends to, one source context: the names
/// in that context's message contract (its schemas), nothing of its code.
#[derive(Debug, Clone, Copy)]
pub struct Fuente {
    pub tipo: TipoEntidad,
    pub event_topic: &'static str,
    pub command_topic: &'static str,
    pub id_field: &'static str,
    pub creado: &'static str,
    pub aprobado: &'static str,
    pub rechazado: &'static str,
    pub aprobar: &'static str,
    pub rechazar: &'static str,
    /// The fields the rules read from the created event.
    pub campos: &'static [&'static str],
    /// A registration saga's compensation applied (`PropiedadEliminada`);
    /// for geographic data, a `rechazado` event marked `eliminado`.
    pub eliminado: Option<&'static str>,
    /// A creation refused (`CreacionPropiedadFallida`).
    pub fallido: Option<&'static str>,
}

pub const FUENTES: [Fuente; 3] = [
    Fuente {
        tipo: TipoEntidad::Compania,
        event_topic: topics::EVENTOS_COMPANIAS,
        command_topic: topics::COMANDOS_COMPANIAS,
        id_field: "id_compania",
        creado: types::COMPANIA_CREADA,
        aprobado: types::COMPANIA_APROBADA,
        rechazado: types::COMPANIA_RECHAZADA,
        aprobar: types::APROBAR_COMPANIA,
        rechazar: types::RECHAZAR_COMPANIA,
        campos: &["nombre", "email", "identificacion"],
        eliminado: None,
        fallido: None,
    },
    Fuente {
        tipo: TipoEntidad::DatosGeograficos,
        event_topic: topics::EVENTOS_GEOGRAFICOS,
        command_topic: topics::COMANDOS_GEOGRAFICOS,
        id_field: "id_datos_geograficos",
        creado: types::DATOS_GEOGRAFICOS_CREADOS,
        aprobado: types::DATOS_GEOGRAFICOS_APROBADOS,
        rechazado: types::DATOS_GEOGRAFICOS_RECHAZADOS,
        aprobar: types::APROBAR_DATOS_GEOGRAFICOS,
        rechazar: types::RECHAZAR_DATOS_GEOGRAFICOS,
        campos: &["nombre_propiedad", "latitud", "longitud"],
        eliminado: None,
        fallido: None,
    },
    Fuente {
        tipo: TipoEntidad::Propiedad,
        event_topic: topics::EVENTOS_PROPIEDADES,
        command_topic: topics::COMANDOS_PROPIEDADES,
        id_field: "id_propiedad",
        creado: types::PROPIEDAD_CREADA,
        aprobado: types::PROPIEDAD_APROBADA,
        rechazado: types::PROPIEDAD_RECHAZADA,
        aprobar: types::APROBAR_PROPIEDAD,
        rechazar: types::RECHAZAR_PROPIEDAD,
        campos: &["nombre", "identificacion_catastral", "nit"],
        eliminado: Some(types::PROPIEDAD_ELIMINADA),
        fallido: Some(types::CREACION_PROPIEDAD_FALLIDA),
    },
];

pub fn fuente(tipo: TipoEntidad) -> &'static Fuente {
    match tipo {
        TipoEntidad::Compania => &FUENTES[0],
        TipoEntidad::DatosGeograficos => &FUENTES[1],
        TipoEntidad::Propiedad => &FUENTES[2],
    }
}
