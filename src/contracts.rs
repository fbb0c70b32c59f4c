//! The published language between the contexts, written once: every topic,
//! message type and subscription. Producers, consumers, the BFF and the
//! schema check use these names; `schemas/<topic>/vN.avsc` holds the shapes.
//! A context depends on this module, never on another context.

/// Topics (in the deployment's tenant and namespace), one per context and
/// kind, so one aggregate's messages keep their order.
pub mod topics {
    pub const COMANDOS_COMPANIAS: &str = "comandos-companias";
    pub const EVENTOS_COMPANIAS: &str = "eventos-companias";
    pub const COMANDOS_GEOGRAFICOS: &str = "comandos-geograficos";
    pub const EVENTOS_GEOGRAFICOS: &str = "eventos-geograficos";
    pub const COMANDOS_PROPIEDADES: &str = "comandos-propiedades";
    pub const EVENTOS_PROPIEDADES: &str = "eventos-propiedades";
    pub const COMANDOS_AUDITORIA: &str = "comandos-auditoria";
    pub const EVENTOS_AUDITORIA: &str = "eventos-auditoria";
    /// The property-registration saga's progress (auditoria publishes it).
    pub const EVENTOS_REGISTROS: &str = "eventos-registros";
    /// An auditor's review of an audit (auditoria consumes it).
    pub const COMANDOS_REVISIONES: &str = "comandos-revisiones";
    /// A context's reply to a command it refused (the saga that sent it
    /// and the BFF consume it).
    pub const RECHAZOS_COMANDOS: &str = "rechazos-comandos";

    /// The event log: topics whose history is kept forever (infinite
    /// retention on Pulsar; the sent outbox rows on the embedded bus), so
    /// `projections rebuild` can replay them. Command topics are not.
    pub const EVENT_LOG: [&str; 6] = [
        EVENTOS_COMPANIAS,
        EVENTOS_GEOGRAFICOS,
        EVENTOS_PROPIEDADES,
        EVENTOS_AUDITORIA,
        EVENTOS_REGISTROS,
        RECHAZOS_COMANDOS,
    ];

    /// Every topic with a schema in `schemas/`.
    pub const ALL: [&str; 11] = [
        COMANDOS_COMPANIAS,
        EVENTOS_COMPANIAS,
        COMANDOS_GEOGRAFICOS,
        EVENTOS_GEOGRAFICOS,
        COMANDOS_PROPIEDADES,
        EVENTOS_PROPIEDADES,
        COMANDOS_AUDITORIA,
        EVENTOS_AUDITORIA,
        EVENTOS_REGISTROS,
        COMANDOS_REVISIONES,
        RECHAZOS_COMANDOS,
    ];

    /// The dead letters of the command topics, which the BFF follows (its
    /// commands turn FALLIDO there).
    pub const DLQ_COMANDOS_COMPANIAS: &str = "comandos-companias-DLQ";
    pub const DLQ_COMANDOS_GEOGRAFICOS: &str = "comandos-geograficos-DLQ";
    pub const DLQ_COMANDOS_PROPIEDADES: &str = "comandos-propiedades-DLQ";
    pub const DLQ_COMANDOS_AUDITORIA: &str = "comandos-auditoria-DLQ";
    pub const DLQ_COMANDOS_REVISIONES: &str = "comandos-revisiones-DLQ";

    /// Where a topic's dead letters go.
    pub fn dead_letters(topic: &str) -> String {
        crate::seedwork::infrastructure::dead_letter_topic(topic)
    }

    /// Whether a topic's consumers dead-letter what they cannot apply.
    pub fn tiene_cartas_muertas(topic: &str) -> bool {
        topic != EVENTOS_REGISTROS
    }

    /// What a topic's message key is (per-key order holds on Key_Shared).
    pub fn clave(topic: &str) -> &'static str {
        match topic {
            COMANDOS_COMPANIAS => {
                "the target company's id (for a creation: the new company's id, or the command id when it names none)"
            }
            COMANDOS_GEOGRAFICOS => {
                "the target record's id (for a creation: the new record's id, or the command id)"
            }
            COMANDOS_PROPIEDADES => "the target property's id",
            EVENTOS_COMPANIAS => "the company's id",
            EVENTOS_GEOGRAFICOS => "the geographic record's id",
            EVENTOS_PROPIEDADES | COMANDOS_AUDITORIA | EVENTOS_REGISTROS => "the property's id",
            EVENTOS_AUDITORIA | COMANDOS_REVISIONES => "the audited record's id",
            RECHAZOS_COMANDOS => "the id of the record the refused command was about",
            _ => "the aggregate's id",
        }
    }
}

/// Which way a service uses a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sentido {
    Envia,
    Recibe,
}

/// Who sends and who receives each topic: the AsyncAPI document's
/// operations. Outside producers may send any `comandos-*` too.
pub mod flujos {
    use super::Sentido::{Envia, Recibe};
    use super::services::{AUDITORIA, BFF_WEB, COMPANIAS, GEOGRAFICOS, PROPIEDADES};
    use super::topics::*;

    pub const FLUJOS: &[(&str, &str, super::Sentido)] = &[
        (COMPANIAS, COMANDOS_COMPANIAS, Recibe),
        (COMPANIAS, EVENTOS_COMPANIAS, Envia),
        (COMPANIAS, RECHAZOS_COMANDOS, Envia),
        (GEOGRAFICOS, COMANDOS_GEOGRAFICOS, Recibe),
        (GEOGRAFICOS, EVENTOS_GEOGRAFICOS, Envia),
        (GEOGRAFICOS, RECHAZOS_COMANDOS, Envia),
        (PROPIEDADES, COMANDOS_PROPIEDADES, Recibe),
        (PROPIEDADES, EVENTOS_PROPIEDADES, Envia),
        (PROPIEDADES, RECHAZOS_COMANDOS, Envia),
        (AUDITORIA, EVENTOS_COMPANIAS, Recibe),
        (AUDITORIA, EVENTOS_GEOGRAFICOS, Recibe),
        (AUDITORIA, EVENTOS_PROPIEDADES, Recibe),
        (AUDITORIA, COMANDOS_AUDITORIA, Recibe),
        (AUDITORIA, COMANDOS_REVISIONES, Recibe),
        (AUDITORIA, RECHAZOS_COMANDOS, Recibe),
        (AUDITORIA, EVENTOS_AUDITORIA, Envia),
        (AUDITORIA, EVENTOS_REGISTROS, Envia),
        (AUDITORIA, COMANDOS_COMPANIAS, Envia),
        (AUDITORIA, COMANDOS_GEOGRAFICOS, Envia),
        (AUDITORIA, COMANDOS_PROPIEDADES, Envia),
        (AUDITORIA, RECHAZOS_COMANDOS, Envia),
        (BFF_WEB, EVENTOS_COMPANIAS, Recibe),
        (BFF_WEB, EVENTOS_GEOGRAFICOS, Recibe),
        (BFF_WEB, EVENTOS_PROPIEDADES, Recibe),
        (BFF_WEB, EVENTOS_AUDITORIA, Recibe),
        (BFF_WEB, EVENTOS_REGISTROS, Recibe),
        (BFF_WEB, RECHAZOS_COMANDOS, Recibe),
        (BFF_WEB, DLQ_COMANDOS_COMPANIAS, Recibe),
        (BFF_WEB, DLQ_COMANDOS_GEOGRAFICOS, Recibe),
        (BFF_WEB, DLQ_COMANDOS_PROPIEDADES, Recibe),
        (BFF_WEB, DLQ_COMANDOS_AUDITORIA, Recibe),
        (BFF_WEB, DLQ_COMANDOS_REVISIONES, Recibe),
        (BFF_WEB, COMANDOS_COMPANIAS, Envia),
        (BFF_WEB, COMANDOS_GEOGRAFICOS, Envia),
        (BFF_WEB, COMANDOS_PROPIEDADES, Envia),
        (BFF_WEB, COMANDOS_AUDITORIA, Envia),
        (BFF_WEB, COMANDOS_REVISIONES, Envia),
    ];
}

/// Message types (the envelope's `type` and the `data` union's record name).
pub mod types {
    pub const CREAR_COMPANIA: &str = "CrearCompania";
    pub const APROBAR_COMPANIA: &str = "AprobarCompania";
    pub const RECHAZAR_COMPANIA: &str = "RechazarCompania";
    pub const COMPANIA_CREADA: &str = "CompaniaCreada";
    pub const COMPANIA_APROBADA: &str = "CompaniaAprobada";
    pub const COMPANIA_RECHAZADA: &str = "CompaniaRechazada";

    pub const CREAR_DATOS_GEOGRAFICOS: &str = "CrearDatosGeograficos";
    pub const APROBAR_DATOS_GEOGRAFICOS: &str = "AprobarDatosGeograficos";
    pub const RECHAZAR_DATOS_GEOGRAFICOS: &str = "RechazarDatosGeograficos";
    pub const DATOS_GEOGRAFICOS_CREADOS: &str = "DatosGeograficosCreados";
    pub const DATOS_GEOGRAFICOS_APROBADOS: &str = "DatosGeograficosAprobados";
    pub const DATOS_GEOGRAFICOS_RECHAZADOS: &str = "DatosGeograficosRechazados";

    pub const CREAR_PROPIEDAD: &str = "CrearPropiedad";
    pub const APROBAR_PROPIEDAD: &str = "AprobarPropiedad";
    pub const RECHAZAR_PROPIEDAD: &str = "RechazarPropiedad";
    pub const ELIMINAR_PROPIEDAD: &str = "EliminarPropiedad";
    pub const PROPIEDAD_CREADA: &str = "PropiedadCreada";
    pub const PROPIEDAD_APROBADA: &str = "PropiedadAprobada";
    pub const PROPIEDAD_RECHAZADA: &str = "PropiedadRechazada";
    pub const PROPIEDAD_ELIMINADA: &str = "PropiedadEliminada";
    pub const CREACION_PROPIEDAD_FALLIDA: &str = "CreacionPropiedadFallida";

    pub const REGISTRAR_PROPIEDAD: &str = "RegistrarPropiedad";
    pub const AUDITORIA_COMPLETADA: &str = "AuditoriaCompletada";
    pub const REGISTRO_PROPIEDAD_AVANZADO: &str = "RegistroPropiedadAvanzado";

    pub const APROBAR_REVISION: &str = "AprobarRevision";
    pub const RECHAZAR_REVISION: &str = "RechazarRevision";
    pub const REABRIR_AUDITORIA: &str = "ReabrirAuditoria";

    pub const COMANDO_RECHAZADO: &str = "ComandoRechazado";
}

/// Subscription names: the consuming service's name, so its instances
/// share one Key_Shared subscription. Also the `source` of its messages.
pub mod services {
    pub const COMPANIAS: &str = "companias";
    pub const GEOGRAFICOS: &str = "geograficos";
    pub const PROPIEDADES: &str = "propiedades";
    pub const AUDITORIA: &str = "auditoria";
    pub const BFF_WEB: &str = "bff_web";
}
