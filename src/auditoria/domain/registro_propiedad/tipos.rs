//! The registration's vocabulary: where it stands, its steps and
//! commands, its two parts and what each has come to.

use chrono::{DateTime, Utc};

use super::super::{Decision, Resultado, TipoEntidad};

/// Where a property registration stands: under way, done (both parts
/// approved), compensated (both rejected, or what was done undone, with
/// the cause) or failed (a compensation could not run: an operator looks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EstadoRegistro {
    EnCurso,
    Completada,
    Compensada,
    Fallida,
}

crate::palabras!(
    EstadoRegistro, campo = "estado",
    EnCurso => "en_curso" | "pendiente",
    Completada => "completada",
    Compensada => "compensada",
    Fallida => "fallida",
);

/// The saga's steps, as the orchestration table names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paso {
    /// 1: `CrearPropiedad` sent, waiting for `PropiedadCreada` (or
    /// `CreacionPropiedadFallida`).
    CrearPropiedad,
    /// 2: `CrearDatosGeograficos` sent, waiting for `DatosGeograficosCreados`.
    CrearDatosGeograficos,
    /// 3 and 4 done (each part audited when created): both decisions
    /// sent, waiting for the parts' final states.
    Decidir,
    /// Undoing what was done (`EliminarPropiedad`).
    Compensar,
    Terminado,
}

crate::palabras!(
    Paso, campo = "paso",
    CrearPropiedad => "crear_propiedad",
    CrearDatosGeograficos => "crear_datos_geograficos",
    Decidir => "decidir",
    Compensar => "compensar",
    Terminado => "terminado",
);

/// What the registration was asked with (as given: the audit judges it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DatosRegistro {
    pub nombre: String,
    pub identificacion_catastral: String,
    pub nit: String,
    pub latitud: String,
    pub longitud: String,
    pub direccion: String,
}

/// A command the saga sends to a participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComandoRegistro {
    CrearPropiedad,
    CrearDatosGeograficos,
    EliminarPropiedad { motivo: String },
    EliminarDatosGeograficos { motivo: String },
}

impl ComandoRegistro {
    pub(super) fn es_compensacion(&self) -> bool {
        matches!(
            self,
            Self::EliminarPropiedad { .. } | Self::EliminarDatosGeograficos { .. }
        )
    }

    /// The part it creates or eliminates.
    pub fn parte(&self) -> ParteRegistro {
        match self {
            Self::CrearPropiedad | Self::EliminarPropiedad { .. } => ParteRegistro::Propiedad,
            Self::CrearDatosGeograficos | Self::EliminarDatosGeograficos { .. } => {
                ParteRegistro::DatosGeograficos
            }
        }
    }

    /// The kind of record it creates or eliminates.
    pub fn tipo(&self) -> TipoEntidad {
        self.parte().tipo()
    }
}

/// A command in flight: its id (the same on every re-send, so the
/// receiver's inbox applies it once) and its attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envio {
    pub comando: ComandoRegistro,
    pub id_comando: String,
    pub intentos: u32,
    pub proximo_intento: DateTime<Utc>,
}

/// An audit's verdict on one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Veredicto {
    pub aprobada: bool,
    pub motivos: Vec<String>,
}

/// What the handler must do after a step.
#[derive(Debug, Clone, PartialEq)]
pub enum AccionDeRegistro {
    /// Send (or re-send) this command.
    Enviar(Envio),
    /// Start the decision saga of one part (approve or reject it).
    Decidir {
        tipo: TipoEntidad,
        id_entidad: String,
        decision: Decision,
        motivos: Vec<String>,
    },
}

pub(super) const PROPIEDAD: &str = "propiedad";
pub(super) const DATOS: &str = "datos geográficos";

/// The two parts a registration creates. A company is never one: every
/// match on a part is exhaustive, and a record of another kind is turned
/// away where it comes in ([`ParteRegistro::de`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParteRegistro {
    Propiedad,
    DatosGeograficos,
}

impl ParteRegistro {
    /// The part a record of kind `tipo` is; None for a company.
    pub fn de(tipo: TipoEntidad) -> Option<Self> {
        match tipo {
            TipoEntidad::Propiedad => Some(Self::Propiedad),
            TipoEntidad::DatosGeograficos => Some(Self::DatosGeograficos),
            TipoEntidad::Compania => None,
        }
    }

    pub fn tipo(self) -> TipoEntidad {
        match self {
            Self::Propiedad => TipoEntidad::Propiedad,
            Self::DatosGeograficos => TipoEntidad::DatosGeograficos,
        }
    }

    /// How the part is named in the saga's reasons and steps.
    pub fn nombre(self) -> &'static str {
        match self {
            Self::Propiedad => PROPIEDAD,
            Self::DatosGeograficos => DATOS,
        }
    }

    /// The step that creates it.
    pub(super) fn paso(self) -> Paso {
        match self {
            Self::Propiedad => Paso::CrearPropiedad,
            Self::DatosGeograficos => Paso::CrearDatosGeograficos,
        }
    }
}

/// What one part (the propiedad or its datos geográficos) has come to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parte {
    pub creada: bool,
    pub auditoria: Option<Veredicto>,
    pub estado_final: Option<Resultado>,
    pub eliminada: bool,
    /// Its audit waits for a person (the registration waits with it, with
    /// no deadline).
    pub en_revision: bool,
}
