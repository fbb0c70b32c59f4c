use crate::auditoria::domain::TipoEntidad;

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
}

pub const FUENTES: [Fuente; 2] = [
    Fuente {
        tipo: TipoEntidad::Compania,
        event_topic: "eventos-companias",
        command_topic: "comandos-companias",
        id_field: "id_compania",
        creado: "CompaniaCreada",
        aprobado: "CompaniaAprobada",
        rechazado: "CompaniaRechazada",
        aprobar: "AprobarCompania",
        rechazar: "RechazarCompania",
        campos: &["nombre", "email", "identificacion"],
    },
    Fuente {
        tipo: TipoEntidad::DatosGeograficos,
        event_topic: "eventos-geograficos",
        command_topic: "comandos-geograficos",
        id_field: "id_datos_geograficos",
        creado: "DatosGeograficosCreados",
        aprobado: "DatosGeograficosAprobados",
        rechazado: "DatosGeograficosRechazados",
        aprobar: "AprobarDatosGeograficos",
        rechazar: "RechazarDatosGeograficos",
        campos: &["nombre_propiedad", "latitud", "longitud"],
    },
];

pub fn fuente(tipo: TipoEntidad) -> &'static Fuente {
    match tipo {
        TipoEntidad::Compania => &FUENTES[0],
        TipoEntidad::DatosGeograficos => &FUENTES[1],
    }
}
