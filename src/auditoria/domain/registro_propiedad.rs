use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::resultado::Resultado;
use super::{Decision, PoliticaDeReintentos, TipoEntidad};
use crate::seedwork::domain::{EntityId, FieldError};

/// Where a property registration stands: under way, done (both parts
/// approved), compensated (both rejected, or what was done undone, with
/// the cause) or failed (a compensation could not run: an operator looks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EstadoRegistro {
    EnCurso,
    Completada,
    Compensada,
    Fallida,
}

impl EstadoRegistro {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EnCurso => "en_curso",
            Self::Completada => "completada",
            Self::Compensada => "compensada",
            Self::Fallida => "fallida",
        }
    }
}

impl fmt::Display for EstadoRegistro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EstadoRegistro {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "en_curso" | "pendiente" => Ok(Self::EnCurso),
            "completada" => Ok(Self::Completada),
            "compensada" => Ok(Self::Compensada),
            "fallida" => Ok(Self::Fallida),
            _ => Err(FieldError::new(
                "estado",
                format!("must be en_curso, completada, compensada or fallida, got {s:?}"),
            )),
        }
    }
}

/// The saga's steps, as the orchestration table names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

impl Paso {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CrearPropiedad => "crear_propiedad",
            Self::CrearDatosGeograficos => "crear_datos_geograficos",
            Self::Decidir => "decidir",
            Self::Compensar => "compensar",
            Self::Terminado => "terminado",
        }
    }
}

/// What the registration was asked with (as given: the audit judges it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DatosRegistro {
    pub nombre: String,
    pub identificacion_catastral: String,
    pub nit: String,
    pub latitud: String,
    pub longitud: String,
    pub direccion: String,
}

/// A command the saga sends to a participant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "comando", rename_all = "snake_case")]
pub enum ComandoRegistro {
    CrearPropiedad,
    CrearDatosGeograficos,
    EliminarPropiedad { motivo: String },
    EliminarDatosGeograficos { motivo: String },
}

impl ComandoRegistro {
    fn es_compensacion(&self) -> bool {
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envio {
    pub comando: ComandoRegistro,
    pub id_comando: String,
    pub intentos: u32,
    pub proximo_intento: DateTime<Utc>,
}

/// An audit's verdict on one part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Veredicto {
    pub aprobada: bool,
    pub motivos: Vec<String>,
}

/// One line of the saga's log, which the UI shows step by step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hito {
    pub paso: String,
    pub resultado: String,
    pub detalle: Option<String>,
    pub fecha: DateTime<Utc>,
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

const PROPIEDAD: &str = "propiedad";
const DATOS: &str = "datos geográficos";

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
    fn nombre(self) -> &'static str {
        match self {
            Self::Propiedad => PROPIEDAD,
            Self::DatosGeograficos => DATOS,
        }
    }

    /// The step that creates it.
    fn paso(self) -> Paso {
        match self {
            Self::Propiedad => Paso::CrearPropiedad,
            Self::DatosGeograficos => Paso::CrearDatosGeograficos,
        }
    }
}

/// What one part (the propiedad or its datos geográficos) has come to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Parte {
    pub creada: bool,
    pub auditoria: Option<Veredicto>,
    pub estado_final: Option<String>,
    pub eliminada: bool,
    /// Its audit waits for a person (the registration waits with it, with
    /// no deadline).
    #[serde(default)]
    pub en_revision: bool,
}

/// The whole state of a registration as stored and read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistroSnapshot {
    /// The saga's id: the property's id, also the conversation's
    /// correlation id.
    pub id: EntityId,
    pub id_datos: EntityId,
    pub datos: DatosRegistro,
    pub estado: EstadoRegistro,
    pub paso: Paso,
    pub propiedad: Parte,
    pub datos_geograficos: Parte,
    pub motivo: Option<String>,
    pub envio: Option<Envio>,
    pub ultimo_error: Option<String>,
    pub pasos: Vec<Hito>,
    pub fecha_creacion: DateTime<Utc>,
    pub fecha_actualizacion: DateTime<Utc>,
    pub version: i64,
}

/// The orchestrated registration of a property (`CoordinadorAuditoria` of
/// the PoC): create the propiedad, then its datos geográficos; each part is
/// audited when created; both pass → both approved; either fails → both
/// rejected, the other by compensation, naming the cause; a step that
/// cannot be done → what was done is eliminated. Every command keeps its id
/// across re-sends; a compensation that cannot run leaves the saga Fallida.
#[derive(Debug, Clone, PartialEq)]
pub struct RegistroPropiedad {
    state: RegistroSnapshot,
}

impl RegistroPropiedad {
    /// Starts a registration: its first command, `CrearPropiedad`, is sent now.
    pub fn iniciar(
        id: EntityId,
        id_datos: EntityId,
        datos: DatosRegistro,
        id_comando: String,
        timeout: Duration,
        ahora: DateTime<Utc>,
    ) -> (Self, AccionDeRegistro) {
        let envio = Envio {
            comando: ComandoRegistro::CrearPropiedad,
            id_comando,
            intentos: 1,
            proximo_intento: ahora + timeout,
        };
        let mut registro = Self {
            state: RegistroSnapshot {
                id,
                id_datos,
                datos,
                estado: EstadoRegistro::EnCurso,
                paso: Paso::CrearPropiedad,
                propiedad: Parte::default(),
                datos_geograficos: Parte::default(),
                motivo: None,
                envio: Some(envio.clone()),
                ultimo_error: None,
                pasos: Vec::new(),
                fecha_creacion: ahora,
                fecha_actualizacion: ahora,
                version: 0,
            },
        };
        registro.anotar(Paso::CrearPropiedad, "enviado", None, ahora);
        (registro, AccionDeRegistro::Enviar(envio))
    }

    pub fn restore(state: RegistroSnapshot) -> Self {
        Self { state }
    }

    pub fn snapshot(&self) -> &RegistroSnapshot {
        &self.state
    }

    pub fn id(&self) -> EntityId {
        self.state.id
    }

    pub fn estado(&self) -> EstadoRegistro {
        self.state.estado
    }

    pub fn paso(&self) -> Paso {
        self.state.paso
    }

    pub fn motivo(&self) -> Option<&str> {
        self.state.motivo.as_deref()
    }

    pub fn pasos(&self) -> &[Hito] {
        &self.state.pasos
    }

    /// The part `tipo`/`id_entidad` names, if it belongs to this registration.
    pub fn incluye(&self, tipo: TipoEntidad, id_entidad: &str) -> bool {
        let id = match tipo {
            TipoEntidad::Propiedad => self.state.id,
            TipoEntidad::DatosGeograficos => self.state.id_datos,
            TipoEntidad::Compania => return false,
        };
        id.to_string() == id_entidad
    }

    fn anotar(
        &mut self,
        paso: Paso,
        resultado: &str,
        detalle: Option<String>,
        ahora: DateTime<Utc>,
    ) {
        self.state.pasos.push(Hito {
            paso: paso.as_str().to_owned(),
            resultado: resultado.to_owned(),
            detalle,
            fecha: ahora,
        });
        self.state.fecha_actualizacion = ahora;
    }

    fn enviar(
        &mut self,
        comando: ComandoRegistro,
        id_comando: String,
        timeout: Duration,
        ahora: DateTime<Utc>,
    ) -> AccionDeRegistro {
        let envio = Envio {
            comando,
            id_comando,
            intentos: 1,
            proximo_intento: ahora + timeout,
        };
        self.state.envio = Some(envio.clone());
        AccionDeRegistro::Enviar(envio)
    }

    fn terminar(&mut self, estado: EstadoRegistro, ahora: DateTime<Utc>) {
        self.state.estado = estado;
        self.state.paso = Paso::Terminado;
        self.state.envio = None;
        self.anotar(
            Paso::Terminado,
            estado.as_str(),
            self.state.motivo.clone(),
            ahora,
        );
    }

    fn parte(&self, parte: ParteRegistro) -> &Parte {
        match parte {
            ParteRegistro::Propiedad => &self.state.propiedad,
            ParteRegistro::DatosGeograficos => &self.state.datos_geograficos,
        }
    }

    fn parte_mut(&mut self, parte: ParteRegistro) -> &mut Parte {
        match parte {
            ParteRegistro::Propiedad => &mut self.state.propiedad,
            ParteRegistro::DatosGeograficos => &mut self.state.datos_geograficos,
        }
    }

    /// Marks a part created; false when it was already (a repeat).
    fn crear_parte(&mut self, parte: ParteRegistro) -> bool {
        !std::mem::replace(&mut self.parte_mut(parte).creada, true)
    }

    /// Whether the saga is still at the step that creates this part.
    fn en_su_paso(&self, parte: ParteRegistro) -> bool {
        self.state.estado == EstadoRegistro::EnCurso && self.state.paso == parte.paso()
    }

    /// A part was created and audited. The propiedad leads to step 2; the
    /// datos geográficos to the decisions. A part created after the saga
    /// gave up on it (a late reply) is eliminated.
    pub fn parte_auditada(
        &mut self,
        parte: ParteRegistro,
        veredicto: Veredicto,
        id_comando: String,
        timeout: Duration,
        ahora: DateTime<Utc>,
    ) -> Vec<AccionDeRegistro> {
        if !self.crear_parte(parte) {
            return Vec::new();
        }
        if !self.en_su_paso(parte) {
            return self.eliminar_tardia(parte, id_comando, ahora);
        }
        self.anotar(parte.paso(), "hecho", None, ahora);
        self.seguir(parte, veredicto, id_comando, timeout, ahora)
    }

    /// A part was created and its audit left it to a person: the
    /// registration waits at this step, without a deadline, for the
    /// auditor's verdict (`parte_revisada`).
    pub fn parte_en_revision(
        &mut self,
        parte: ParteRegistro,
        id_comando: String,
        ahora: DateTime<Utc>,
    ) -> Vec<AccionDeRegistro> {
        if !self.crear_parte(parte) {
            return Vec::new();
        }
        if !self.en_su_paso(parte) {
            return self.eliminar_tardia(parte, id_comando, ahora);
        }
        let paso = parte.paso();
        self.anotar(paso, "hecho", None, ahora);
        self.parte_mut(parte).en_revision = true;
        self.state.envio = None;
        let resultado = format!("auditoria {} en revisión", parte.nombre());
        self.anotar(paso, &resultado, None, ahora);
        Vec::new()
    }

    /// Whether the registration waits for a person's verdict on this part.
    pub fn espera_revision(&self, parte: ParteRegistro) -> bool {
        self.parte(parte).en_revision && self.state.estado == EstadoRegistro::EnCurso
    }

    /// The auditor decided the part the registration waited on: it goes on
    /// as if the rules had.
    pub fn parte_revisada(
        &mut self,
        parte: ParteRegistro,
        veredicto: Veredicto,
        id_comando: String,
        timeout: Duration,
        ahora: DateTime<Utc>,
    ) -> Vec<AccionDeRegistro> {
        if !self.espera_revision(parte) {
            return Vec::new();
        }
        self.parte_mut(parte).en_revision = false;
        self.seguir(parte, veredicto, id_comando, timeout, ahora)
    }

    /// A part's verdict is known: the propiedad leads to step 2, the datos
    /// geográficos to the decisions.
    fn seguir(
        &mut self,
        parte: ParteRegistro,
        veredicto: Veredicto,
        id_comando: String,
        timeout: Duration,
        ahora: DateTime<Utc>,
    ) -> Vec<AccionDeRegistro> {
        self.parte_mut(parte).auditoria = Some(veredicto.clone());
        let (resultado, detalle) = match veredicto.aprobada {
            true => ("aprobada", None),
            false => ("rechazada", Some(veredicto.motivos.join(", "))),
        };
        self.anotar(
            parte.paso(),
            &format!("auditoria {} {resultado}", parte.nombre()),
            detalle,
            ahora,
        );
        match parte {
            ParteRegistro::Propiedad => {
                self.state.paso = Paso::CrearDatosGeograficos;
                self.anotar(Paso::CrearDatosGeograficos, "enviado", None, ahora);
                vec![self.enviar(
                    ComandoRegistro::CrearDatosGeograficos,
                    id_comando,
                    timeout,
                    ahora,
                )]
            }
            ParteRegistro::DatosGeograficos => self.decidir(ahora),
        }
    }

    /// A creation that came after the saga moved on (gave up, or was
    /// compensated): it is undone, once, with a command of its own.
    fn eliminar_tardia(
        &mut self,
        parte: ParteRegistro,
        id_comando: String,
        ahora: DateTime<Utc>,
    ) -> Vec<AccionDeRegistro> {
        let motivo = format!(
            "registro {}: {}",
            self.state.estado,
            self.state
                .motivo
                .clone()
                .unwrap_or_else(|| "creación tardía".into())
        );
        let comando = match parte {
            ParteRegistro::Propiedad => ComandoRegistro::EliminarPropiedad { motivo },
            ParteRegistro::DatosGeograficos => ComandoRegistro::EliminarDatosGeograficos { motivo },
        };
        self.anotar(
            Paso::Compensar,
            "creación tardía eliminada",
            Some(parte.nombre().into()),
            ahora,
        );
        // Not tracked by the saga's single in-flight slot: the outbox
        // delivers it, and the receiver's inbox applies it once.
        vec![AccionDeRegistro::Enviar(Envio {
            comando,
            id_comando,
            intentos: 1,
            proximo_intento: ahora,
        })]
    }

    /// Steps 3 and 4 are done: both approved, or both rejected, the one
    /// that passed by compensation with the cause.
    fn decidir(&mut self, ahora: DateTime<Utc>) -> Vec<AccionDeRegistro> {
        let s = &self.state;
        let (Some(p), Some(d)) = (&s.propiedad.auditoria, &s.datos_geograficos.auditoria) else {
            return Vec::new();
        };
        let causas: Vec<String> = [(PROPIEDAD, p), (DATOS, d)]
            .iter()
            .filter(|(_, v)| !v.aprobada)
            .map(|(nombre, v)| format!("{nombre}: {}", v.motivos.join(", ")))
            .collect();
        let partes = [
            (TipoEntidad::Propiedad, s.id, p.clone()),
            (TipoEntidad::DatosGeograficos, s.id_datos, d.clone()),
        ];
        let motivo = (!causas.is_empty()).then(|| causas.join("; "));
        let acciones = partes
            .into_iter()
            .map(|(tipo, id, v)| {
                let (decision, motivos) = match (&motivo, v.aprobada) {
                    (None, _) => (Decision::Aprobar, Vec::new()),
                    (Some(_), false) => (Decision::Rechazar, v.motivos),
                    (Some(causa), true) => (Decision::Rechazar, vec![causa.clone()]),
                };
                AccionDeRegistro::Decidir {
                    tipo,
                    id_entidad: id.to_string(),
                    decision,
                    motivos,
                }
            })
            .collect();
        self.state.motivo = motivo;
        self.state.paso = Paso::Decidir;
        self.state.envio = None;
        let detalle = self.state.motivo.clone();
        self.anotar(Paso::Decidir, "enviado", detalle, ahora);
        acciones
    }

    /// Propiedades refused the creation (a taken cadastral id): nothing was
    /// done, nothing to undo.
    pub fn creacion_fallida(&mut self, motivo: &str, ahora: DateTime<Utc>) -> bool {
        if self.state.estado != EstadoRegistro::EnCurso || self.state.paso != Paso::CrearPropiedad {
            return false;
        }
        self.state.motivo = Some(format!("{PROPIEDAD}: {motivo}"));
        self.anotar(
            Paso::CrearPropiedad,
            "fallido",
            Some(motivo.to_owned()),
            ahora,
        );
        self.terminar(EstadoRegistro::Compensada, ahora);
        true
    }

    /// A part reached its final state. Once both have: completed if both
    /// were approved, else compensated.
    pub fn resultado(
        &mut self,
        parte: ParteRegistro,
        estado: Resultado,
        ahora: DateTime<Utc>,
    ) -> bool {
        let nombre = parte.nombre();
        let parte = self.parte_mut(parte);
        if parte.estado_final.is_some() {
            return false;
        }
        parte.estado_final = Some(estado.to_string());
        self.anotar(
            Paso::Decidir,
            &format!("{nombre} {}", estado.as_str().to_lowercase()),
            None,
            ahora,
        );
        let s = &self.state;
        if s.estado != EstadoRegistro::EnCurso || s.paso != Paso::Decidir {
            return true;
        }
        let finales = [&s.propiedad.estado_final, &s.datos_geograficos.estado_final];
        if finales.iter().all(|e| e.is_some()) {
            let aprobadas = finales
                .iter()
                .all(|e| e.as_deref() == Some(Resultado::Aprobada.as_str()));
            let fin = match aprobadas {
                true => EstadoRegistro::Completada,
                false => EstadoRegistro::Compensada,
            };
            self.terminar(fin, ahora);
        }
        true
    }

    /// A compensation was applied (`PropiedadEliminada`, or the eliminating
    /// rejection of the datos geográficos).
    pub fn eliminada(&mut self, parte: ParteRegistro, ahora: DateTime<Utc>) -> bool {
        let nombre = parte.nombre();
        let estado = self.parte_mut(parte);
        if estado.eliminada {
            return false;
        }
        estado.eliminada = true;
        self.anotar(Paso::Compensar, "hecho", Some(nombre.into()), ahora);
        let pendiente = self
            .state
            .envio
            .as_ref()
            .is_some_and(|e| e.comando.es_compensacion() && e.comando.parte() == parte);
        if pendiente && self.state.paso == Paso::Compensar {
            self.terminar(EstadoRegistro::Compensada, ahora);
        }
        true
    }

    /// A part's decision could not be delivered (its decision saga gave up).
    pub fn decision_fallida(&mut self, error: &str, ahora: DateTime<Utc>) -> bool {
        if self.state.estado != EstadoRegistro::EnCurso {
            return false;
        }
        self.state.ultimo_error = Some(error.to_owned());
        self.terminar(EstadoRegistro::Fallida, ahora);
        true
    }

    /// Whether a command waits for its reply.
    pub fn envio(&self) -> Option<&Envio> {
        self.state.envio.as_ref()
    }

    /// No reply by the deadline: re-send the same command, as `politica`
    /// says; once it is spent, give up on the step: a creation is
    /// compensated (the propiedad, if step 2 failed), a compensation leaves
    /// the saga Fallida.
    pub fn vencer(
        &mut self,
        politica: &PoliticaDeReintentos,
        id_compensacion: String,
        ahora: DateTime<Utc>,
    ) -> Vec<AccionDeRegistro> {
        let timeout = politica.timeout;
        let Some(envio) = self.state.envio.as_mut() else {
            return Vec::new();
        };
        self.state.fecha_actualizacion = ahora;
        if !politica.agotada(envio.intentos) {
            envio.intentos += 1;
            envio.proximo_intento = politica.plazo(ahora, envio.intentos);
            self.state.ultimo_error = Some(format!("no reply before attempt {}", envio.intentos));
            return vec![AccionDeRegistro::Enviar(envio.clone())];
        }
        let envio = envio.clone();
        let sin_respuesta = format!(
            "{}: sin respuesta tras {} intentos",
            envio.comando.parte().nombre(),
            envio.intentos
        );
        self.state.ultimo_error = Some(sin_respuesta.clone());
        match envio.comando {
            ComandoRegistro::CrearPropiedad => {
                self.state.motivo = Some(sin_respuesta.clone());
                self.anotar(Paso::CrearPropiedad, "fallido", Some(sin_respuesta), ahora);
                self.terminar(EstadoRegistro::Compensada, ahora);
                Vec::new()
            }
            ComandoRegistro::CrearDatosGeograficos => {
                self.state.motivo = Some(sin_respuesta.clone());
                self.anotar(
                    Paso::CrearDatosGeograficos,
                    "fallido",
                    Some(sin_respuesta.clone()),
                    ahora,
                );
                self.state.paso = Paso::Compensar;
                self.anotar(Paso::Compensar, "enviado", Some(PROPIEDAD.into()), ahora);
                let comando = ComandoRegistro::EliminarPropiedad {
                    motivo: sin_respuesta,
                };
                vec![self.enviar(comando, id_compensacion, timeout, ahora)]
            }
            ComandoRegistro::EliminarPropiedad { .. }
            | ComandoRegistro::EliminarDatosGeograficos { .. } => {
                self.anotar(Paso::Compensar, "fallido", Some(sin_respuesta), ahora);
                self.terminar(EstadoRegistro::Fallida, ahora);
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! given(steps) / when(reply) / then(commands and state).
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_700_000_000_000).unwrap()
    }

    fn politica(max_intentos: u32) -> PoliticaDeReintentos {
        PoliticaDeReintentos {
            timeout: timeout(),
            max_intentos,
        }
    }

    fn timeout() -> Duration {
        Duration::seconds(5)
    }

    fn iniciado() -> RegistroPropiedad {
        RegistroPropiedad::iniciar(
            EntityId::new(),
            EntityId::new(),
            DatosRegistro::default(),
            "c-1".into(),
            timeout(),
            now(),
        )
        .0
    }

    fn ok() -> Veredicto {
        Veredicto {
            aprobada: true,
            motivos: Vec::new(),
        }
    }

    fn mal(motivo: &str) -> Veredicto {
        Veredicto {
            aprobada: false,
            motivos: vec![motivo.into()],
        }
    }

    fn comandos(acciones: &[AccionDeRegistro]) -> Vec<ComandoRegistro> {
        acciones
            .iter()
            .filter_map(|a| match a {
                AccionDeRegistro::Enviar(e) => Some(e.comando.clone()),
                AccionDeRegistro::Decidir { .. } => None,
            })
            .collect()
    }

    fn decisiones(acciones: &[AccionDeRegistro]) -> Vec<(TipoEntidad, Decision, Vec<String>)> {
        acciones
            .iter()
            .filter_map(|a| match a {
                AccionDeRegistro::Decidir {
                    tipo,
                    decision,
                    motivos,
                    ..
                } => Some((*tipo, *decision, motivos.clone())),
                AccionDeRegistro::Enviar(_) => None,
            })
            .collect()
    }

    /// given: the property created and approved / when: the geographic
    /// data's audit leaves it to a person / then: nothing is sent and
    /// nothing is due until the auditor's verdict, which decides both.
    #[test]
    fn a_part_in_review_holds_the_registration_until_the_auditor_decides() {
        let mut r = iniciado();
        r.parte_auditada(
            ParteRegistro::Propiedad,
            ok(),
            "c-2".into(),
            timeout(),
            now(),
        );
        let a = r.parte_en_revision(ParteRegistro::DatosGeograficos, "c-3".into(), now());
        assert!(a.is_empty());
        assert!(r.envio().is_none(), "no deadline while a person reviews");
        assert!(r.espera_revision(ParteRegistro::DatosGeograficos));
        assert_eq!(
            r.pasos().last().map(|h| h.resultado.as_str()),
            Some("auditoria datos geográficos en revisión")
        );
        assert!(
            r.parte_en_revision(ParteRegistro::DatosGeograficos, "c-4".into(), now())
                .is_empty(),
            "a repeat changes nothing"
        );
        let a = r.parte_revisada(
            ParteRegistro::DatosGeograficos,
            ok(),
            "c-5".into(),
            timeout(),
            now(),
        );
        let d = decisiones(&a);
        assert_eq!(d.len(), 2);
        assert!(
            d.iter()
                .all(|(_, decision, _)| *decision == Decision::Aprobar)
        );
        assert!(!r.espera_revision(ParteRegistro::DatosGeograficos));
        assert!(
            r.parte_revisada(
                ParteRegistro::DatosGeograficos,
                ok(),
                "c-6".into(),
                timeout(),
                now()
            )
            .is_empty(),
            "decided once"
        );
    }

    #[test]
    fn both_parts_pass_then_both_are_approved_and_the_saga_completes() {
        let mut r = iniciado();
        let a = r.parte_auditada(
            ParteRegistro::Propiedad,
            ok(),
            "c-2".into(),
            timeout(),
            now(),
        );
        assert_eq!(comandos(&a), [ComandoRegistro::CrearDatosGeograficos]);
        let a = r.parte_auditada(
            ParteRegistro::DatosGeograficos,
            ok(),
            "c-3".into(),
            timeout(),
            now(),
        );
        let d = decisiones(&a);
        assert!(
            d.iter()
                .all(|(_, decision, _)| *decision == Decision::Aprobar)
        );
        assert_eq!(d.len(), 2);
        assert!(r.resultado(ParteRegistro::Propiedad, Resultado::Aprobada, now()));
        assert_eq!(r.estado(), EstadoRegistro::EnCurso);
        r.resultado(ParteRegistro::DatosGeograficos, Resultado::Aprobada, now());
        assert_eq!(r.estado(), EstadoRegistro::Completada);
    }

    #[test]
    fn a_failed_geographic_audit_rejects_the_property_by_compensation_naming_the_cause() {
        let mut r = iniciado();
        r.parte_auditada(
            ParteRegistro::Propiedad,
            ok(),
            "c-2".into(),
            timeout(),
            now(),
        );
        let a = r.parte_auditada(
            ParteRegistro::DatosGeograficos,
            mal("latitud fuera_de_rango"),
            "c-3".into(),
            timeout(),
            now(),
        );
        let causa = "datos geográficos: latitud fuera_de_rango".to_owned();
        assert_eq!(
            decisiones(&a),
            [
                (
                    TipoEntidad::Propiedad,
                    Decision::Rechazar,
                    vec![causa.clone()]
                ),
                (
                    TipoEntidad::DatosGeograficos,
                    Decision::Rechazar,
                    vec!["latitud fuera_de_rango".to_owned()]
                ),
            ]
        );
        r.resultado(ParteRegistro::Propiedad, Resultado::Rechazada, now());
        r.resultado(ParteRegistro::DatosGeograficos, Resultado::Rechazada, now());
        assert_eq!(r.estado(), EstadoRegistro::Compensada);
        assert_eq!(r.motivo(), Some(causa.as_str()));
    }

    #[test]
    fn a_refused_creation_compensates_nothing_and_says_why() {
        let mut r = iniciado();
        assert!(r.creacion_fallida("identificacion_catastral CAT-1 ya registrada", now()));
        assert_eq!(r.estado(), EstadoRegistro::Compensada);
        assert!(r.motivo().is_some_and(|m| m.contains("CAT-1")));
        assert!(
            !r.creacion_fallida("again", now()),
            "a repeat changes nothing"
        );
    }

    #[test]
    fn no_reply_for_the_geographic_data_eliminates_the_property() {
        let mut r = iniciado();
        r.parte_auditada(
            ParteRegistro::Propiedad,
            ok(),
            "c-2".into(),
            timeout(),
            now(),
        );
        let resent = r.vencer(&politica(2), "x".into(), now());
        assert_eq!(comandos(&resent), [ComandoRegistro::CrearDatosGeograficos]);
        let AccionDeRegistro::Enviar(e) = &resent[0] else {
            panic!()
        };
        assert_eq!(e.id_comando, "c-2", "a re-send keeps the command id");
        let compensar = r.vencer(&politica(2), "c-9".into(), now());
        assert!(matches!(
            &comandos(&compensar)[..],
            [ComandoRegistro::EliminarPropiedad { motivo }] if motivo.contains("sin respuesta")
        ));
        assert_eq!(r.paso(), Paso::Compensar);
        assert!(r.eliminada(ParteRegistro::Propiedad, now()));
        assert_eq!(r.estado(), EstadoRegistro::Compensada);
        // The datos geográficos created late are eliminated too.
        let tarde = r.parte_auditada(
            ParteRegistro::DatosGeograficos,
            ok(),
            "c-10".into(),
            timeout(),
            now(),
        );
        assert!(matches!(
            &comandos(&tarde)[..],
            [ComandoRegistro::EliminarDatosGeograficos { .. }]
        ));
    }

    #[test]
    fn a_compensation_that_cannot_run_leaves_the_saga_failed() {
        let mut r = iniciado();
        r.parte_auditada(
            ParteRegistro::Propiedad,
            ok(),
            "c-2".into(),
            timeout(),
            now(),
        );
        r.vencer(&politica(1), "c-9".into(), now());
        assert_eq!(r.paso(), Paso::Compensar);
        assert!(r.vencer(&politica(1), "c-10".into(), now()).is_empty());
        assert_eq!(r.estado(), EstadoRegistro::Fallida);
    }

    #[test]
    fn a_repeated_creation_is_no_second_step() {
        let mut r = iniciado();
        r.parte_auditada(
            ParteRegistro::Propiedad,
            ok(),
            "c-2".into(),
            timeout(),
            now(),
        );
        let again = r.parte_auditada(
            ParteRegistro::Propiedad,
            ok(),
            "c-3".into(),
            timeout(),
            now(),
        );
        assert!(again.is_empty());
    }
}
