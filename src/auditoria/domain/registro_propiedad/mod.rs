//! The orchestrated registration of a property: its state machine. Its
//! vocabulary is in `tipos`, its log in `hito`; how it is stored and how
//! its log reads are the infrastructure's and the application's.

mod hito;
#[cfg(test)]
mod tests;
mod tipos;

pub use hito::{Hito, ResultadoPaso};
pub use tipos::{
    AccionDeRegistro, ComandoRegistro, DatosRegistro, Envio, EstadoRegistro, Parte, ParteRegistro,
    Paso, Veredicto,
};

use chrono::{DateTime, Duration, Utc};

use super::resultado::Resultado;
use super::{Decision, PoliticaDeReintentos, TipoEntidad};
use crate::seedwork::domain::EntityId;
use tipos::{DATOS, PROPIEDAD};

/// The whole state of a registration as stored and read back.
#[derive(Debug, Clone, PartialEq)]
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
        registro.anotar(Paso::CrearPropiedad, ResultadoPaso::Enviado, None, ahora);
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
        resultado: ResultadoPaso,
        detalle: Option<String>,
        ahora: DateTime<Utc>,
    ) {
        self.state.pasos.push(Hito {
            paso,
            resultado,
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
            ResultadoPaso::Terminada(estado),
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
        self.anotar(parte.paso(), ResultadoPaso::Hecho, None, ahora);
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
        self.anotar(paso, ResultadoPaso::Hecho, None, ahora);
        self.parte_mut(parte).en_revision = true;
        self.state.envio = None;
        self.anotar(paso, ResultadoPaso::AuditoriaEnRevision(parte), None, ahora);
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
            true => (ResultadoPaso::AuditoriaAprobada(parte), None),
            false => (
                ResultadoPaso::AuditoriaRechazada(parte),
                Some(veredicto.motivos.join(", ")),
            ),
        };
        self.anotar(parte.paso(), resultado, detalle, ahora);
        match parte {
            ParteRegistro::Propiedad => {
                self.state.paso = Paso::CrearDatosGeograficos;
                self.anotar(
                    Paso::CrearDatosGeograficos,
                    ResultadoPaso::Enviado,
                    None,
                    ahora,
                );
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
            ResultadoPaso::CreacionTardiaEliminada(parte),
            None,
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
        self.anotar(Paso::Decidir, ResultadoPaso::Enviado, detalle, ahora);
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
            ResultadoPaso::Fallido,
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
        let decidida = self.parte_mut(parte);
        if decidida.estado_final.is_some() {
            return false;
        }
        decidida.estado_final = Some(estado);
        let resultado = ResultadoPaso::ParteDecidida(parte, estado);
        self.anotar(Paso::Decidir, resultado, None, ahora);
        let s = &self.state;
        if s.estado != EstadoRegistro::EnCurso || s.paso != Paso::Decidir {
            return true;
        }
        let finales = [&s.propiedad.estado_final, &s.datos_geograficos.estado_final];
        if finales.iter().all(|e| e.is_some()) {
            let aprobadas = finales.iter().all(|e| **e == Some(Resultado::Aprobada));
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
        let estado = self.parte_mut(parte);
        if estado.eliminada {
            return false;
        }
        estado.eliminada = true;
        let resultado = ResultadoPaso::CompensacionHecha(parte);
        self.anotar(Paso::Compensar, resultado, None, ahora);
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
        self.abandonar(envio, id_compensacion, timeout, ahora)
    }

    /// The step's attempts are spent: a creation is compensated (the
    /// propiedad, if step 2 got no reply), a compensation leaves the saga
    /// Fallida.
    fn abandonar(
        &mut self,
        envio: Envio,
        id_compensacion: String,
        timeout: Duration,
        ahora: DateTime<Utc>,
    ) -> Vec<AccionDeRegistro> {
        let sin_respuesta = format!(
            "{}: sin respuesta tras {} intentos",
            envio.comando.parte().nombre(),
            envio.intentos
        );
        self.state.ultimo_error = Some(sin_respuesta.clone());
        match envio.comando {
            ComandoRegistro::CrearPropiedad => {
                self.state.motivo = Some(sin_respuesta.clone());
                self.anotar(
                    Paso::CrearPropiedad,
                    ResultadoPaso::Fallido,
                    Some(sin_respuesta),
                    ahora,
                );
                self.terminar(EstadoRegistro::Compensada, ahora);
                Vec::new()
            }
            ComandoRegistro::CrearDatosGeograficos => {
                self.state.motivo = Some(sin_respuesta.clone());
                self.anotar(
                    Paso::CrearDatosGeograficos,
                    ResultadoPaso::Fallido,
                    Some(sin_respuesta.clone()),
                    ahora,
                );
                self.state.paso = Paso::Compensar;
                let enviada = ResultadoPaso::CompensacionEnviada(ParteRegistro::Propiedad);
                self.anotar(Paso::Compensar, enviada, None, ahora);
                let comando = ComandoRegistro::EliminarPropiedad {
                    motivo: sin_respuesta,
                };
                vec![self.enviar(comando, id_compensacion, timeout, ahora)]
            }
            ComandoRegistro::EliminarPropiedad { .. }
            | ComandoRegistro::EliminarDatosGeograficos { .. } => {
                self.anotar(
                    Paso::Compensar,
                    ResultadoPaso::Fallido,
                    Some(sin_respuesta),
                    ahora,
                );
                self.terminar(EstadoRegistro::Fallida, ahora);
                Vec::new()
            }
        }
    }
}
