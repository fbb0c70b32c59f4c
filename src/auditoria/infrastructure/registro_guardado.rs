//! How a registration is stored: its whole state as one JSON document in
//! `registros_propiedad.estado_json`. The shape is this file's, not the
//! domain's, and it is the shape every version has written (the log's
//! lines in the contract's words), so rows written before still read back.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auditoria::application::{hito_de_texto, hito_en_texto};
use crate::auditoria::domain::{
    ComandoRegistro, DatosRegistro, Envio, EstadoRegistro, Hito, Parte, Paso, RegistroSnapshot,
    Resultado, Veredicto,
};
use crate::seedwork::domain::EntityId;

#[derive(Serialize, Deserialize)]
pub(super) struct RegistroGuardado {
    id: EntityId,
    id_datos: EntityId,
    datos: DatosGuardados,
    estado: String,
    paso: String,
    propiedad: ParteGuardada,
    datos_geograficos: ParteGuardada,
    motivo: Option<String>,
    envio: Option<EnvioGuardado>,
    ultimo_error: Option<String>,
    pasos: Vec<HitoGuardado>,
    fecha_creacion: DateTime<Utc>,
    fecha_actualizacion: DateTime<Utc>,
    version: i64,
}

#[derive(Serialize, Deserialize)]
struct DatosGuardados {
    nombre: String,
    identificacion_catastral: String,
    nit: String,
    latitud: String,
    longitud: String,
    direccion: String,
}

#[derive(Serialize, Deserialize)]
struct ParteGuardada {
    creada: bool,
    auditoria: Option<VeredictoGuardado>,
    estado_final: Option<String>,
    eliminada: bool,
    /// Rows written before reviews by a person existed lack it.
    #[serde(default)]
    en_revision: bool,
}

#[derive(Serialize, Deserialize)]
struct VeredictoGuardado {
    aprobada: bool,
    motivos: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct EnvioGuardado {
    comando: ComandoGuardado,
    id_comando: String,
    intentos: u32,
    proximo_intento: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "comando", rename_all = "snake_case")]
enum ComandoGuardado {
    CrearPropiedad,
    CrearDatosGeograficos,
    EliminarPropiedad { motivo: String },
    EliminarDatosGeograficos { motivo: String },
}

#[derive(Serialize, Deserialize)]
struct HitoGuardado {
    paso: String,
    resultado: String,
    detalle: Option<String>,
    fecha: DateTime<Utc>,
}

impl From<&RegistroSnapshot> for RegistroGuardado {
    fn from(s: &RegistroSnapshot) -> Self {
        let d = &s.datos;
        Self {
            id: s.id,
            id_datos: s.id_datos,
            datos: DatosGuardados {
                nombre: d.nombre.clone(),
                identificacion_catastral: d.identificacion_catastral.clone(),
                nit: d.nit.clone(),
                latitud: d.latitud.clone(),
                longitud: d.longitud.clone(),
                direccion: d.direccion.clone(),
            },
            estado: s.estado.as_str().to_owned(),
            paso: s.paso.as_str().to_owned(),
            propiedad: (&s.propiedad).into(),
            datos_geograficos: (&s.datos_geograficos).into(),
            motivo: s.motivo.clone(),
            envio: s.envio.as_ref().map(EnvioGuardado::from),
            ultimo_error: s.ultimo_error.clone(),
            pasos: s.pasos.iter().map(HitoGuardado::from).collect(),
            fecha_creacion: s.fecha_creacion,
            fecha_actualizacion: s.fecha_actualizacion,
            version: s.version,
        }
    }
}

impl TryFrom<RegistroGuardado> for RegistroSnapshot {
    type Error = String;

    fn try_from(g: RegistroGuardado) -> Result<Self, String> {
        let d = g.datos;
        Ok(Self {
            id: g.id,
            id_datos: g.id_datos,
            datos: DatosRegistro {
                nombre: d.nombre,
                identificacion_catastral: d.identificacion_catastral,
                nit: d.nit,
                latitud: d.latitud,
                longitud: d.longitud,
                direccion: d.direccion,
            },
            estado: EstadoRegistro::from_str(&g.estado).map_err(|e| e.to_string())?,
            paso: Paso::from_str(&g.paso).map_err(|e| e.to_string())?,
            propiedad: g.propiedad.try_into()?,
            datos_geograficos: g.datos_geograficos.try_into()?,
            motivo: g.motivo,
            envio: g.envio.map(Envio::from),
            ultimo_error: g.ultimo_error,
            pasos: g
                .pasos
                .into_iter()
                .map(Hito::try_from)
                .collect::<Result<_, _>>()?,
            fecha_creacion: g.fecha_creacion,
            fecha_actualizacion: g.fecha_actualizacion,
            version: g.version,
        })
    }
}

impl From<&Parte> for ParteGuardada {
    fn from(p: &Parte) -> Self {
        Self {
            creada: p.creada,
            auditoria: p.auditoria.as_ref().map(|v| VeredictoGuardado {
                aprobada: v.aprobada,
                motivos: v.motivos.clone(),
            }),
            estado_final: p.estado_final.map(|r| r.as_str().to_owned()),
            eliminada: p.eliminada,
            en_revision: p.en_revision,
        }
    }
}

impl TryFrom<ParteGuardada> for Parte {
    type Error = String;

    fn try_from(p: ParteGuardada) -> Result<Self, String> {
        let estado_final = p
            .estado_final
            .map(|r| Resultado::from_str(&r).map_err(|e| e.to_string()))
            .transpose()?;
        Ok(Self {
            creada: p.creada,
            auditoria: p.auditoria.map(|v| Veredicto {
                aprobada: v.aprobada,
                motivos: v.motivos,
            }),
            estado_final,
            eliminada: p.eliminada,
            en_revision: p.en_revision,
        })
    }
}

impl From<&Envio> for EnvioGuardado {
    fn from(e: &Envio) -> Self {
        let comando = match &e.comando {
            ComandoRegistro::CrearPropiedad => ComandoGuardado::CrearPropiedad,
            ComandoRegistro::CrearDatosGeograficos => ComandoGuardado::CrearDatosGeograficos,
            ComandoRegistro::EliminarPropiedad { motivo } => ComandoGuardado::EliminarPropiedad {
                motivo: motivo.clone(),
            },
            ComandoRegistro::EliminarDatosGeograficos { motivo } => {
                ComandoGuardado::EliminarDatosGeograficos {
                    motivo: motivo.clone(),
                }
            }
        };
        Self {
            comando,
            id_comando: e.id_comando.clone(),
            intentos: e.intentos,
            proximo_intento: e.proximo_intento,
        }
    }
}

impl From<EnvioGuardado> for Envio {
    fn from(e: EnvioGuardado) -> Self {
        let comando = match e.comando {
            ComandoGuardado::CrearPropiedad => ComandoRegistro::CrearPropiedad,
            ComandoGuardado::CrearDatosGeograficos => ComandoRegistro::CrearDatosGeograficos,
            ComandoGuardado::EliminarPropiedad { motivo } => {
                ComandoRegistro::EliminarPropiedad { motivo }
            }
            ComandoGuardado::EliminarDatosGeograficos { motivo } => {
                ComandoRegistro::EliminarDatosGeograficos { motivo }
            }
        };
        Self {
            comando,
            id_comando: e.id_comando,
            intentos: e.intentos,
            proximo_intento: e.proximo_intento,
        }
    }
}

impl From<&Hito> for HitoGuardado {
    fn from(h: &Hito) -> Self {
        let t = hito_en_texto(h);
        Self {
            paso: t.paso.to_owned(),
            resultado: t.resultado,
            detalle: t.detalle,
            fecha: h.fecha,
        }
    }
}

impl TryFrom<HitoGuardado> for Hito {
    type Error = String;

    fn try_from(h: HitoGuardado) -> Result<Self, String> {
        hito_de_texto(&h.paso, &h.resultado, h.detalle, h.fecha)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A registration as an earlier version stored it (compensated after
    /// no reply for its geographic data), before its log was made of
    /// values: it reads back, and is written again to the letter.
    const GUARDADO_V1: &str = r#"{"id":"0b0e6d4c-52a5-4d25-9a3a-3c1f0e6a0a01","id_datos":"0b0e6d4c-52a5-4d25-9a3a-3c1f0e6a0a02","datos":{"nombre":"Casa","identificacion_catastral":"CAT-1","nit":"900","latitud":"4.6","longitud":"-74.1","direccion":"Calle 1"},"estado":"compensada","paso":"terminado","propiedad":{"creada":true,"auditoria":{"aprobada":true,"motivos":[]},"estado_final":null,"eliminada":true,"en_revision":false},"datos_geograficos":{"creada":false,"auditoria":null,"estado_final":"Rechazada","eliminada":false,"en_revision":false},"motivo":"datos geográficos: sin respuesta tras 2 intentos","envio":{"comando":{"comando":"eliminar_propiedad","motivo":"datos geográficos: sin respuesta tras 2 intentos"},"id_comando":"c-9","intentos":1,"proximo_intento":"2023-11-14T22:13:25Z"},"ultimo_error":"datos geográficos: sin respuesta tras 2 intentos","pasos":[{"paso":"crear_propiedad","resultado":"enviado","detalle":null,"fecha":"2023-11-14T22:13:20Z"},{"paso":"crear_propiedad","resultado":"auditoria propiedad aprobada","detalle":null,"fecha":"2023-11-14T22:13:20Z"},{"paso":"crear_datos_geograficos","resultado":"fallido","detalle":"datos geográficos: sin respuesta tras 2 intentos","fecha":"2023-11-14T22:13:25Z"},{"paso":"compensar","resultado":"enviado","detalle":"propiedad","fecha":"2023-11-14T22:13:25Z"},{"paso":"compensar","resultado":"hecho","detalle":"propiedad","fecha":"2023-11-14T22:13:26Z"},{"paso":"terminado","resultado":"compensada","detalle":"datos geográficos: sin respuesta tras 2 intentos","fecha":"2023-11-14T22:13:26Z"}],"fecha_creacion":"2023-11-14T22:13:20Z","fecha_actualizacion":"2023-11-14T22:13:26Z","version":3}"#;

    #[test]
    fn a_registration_stored_by_v1_reads_back_and_is_written_to_the_letter() {
        let guardado: RegistroGuardado = serde_json::from_str(GUARDADO_V1).unwrap();
        let snapshot = RegistroSnapshot::try_from(guardado).unwrap();
        assert_eq!(snapshot.estado, EstadoRegistro::Compensada);
        assert_eq!(
            snapshot.datos_geograficos.estado_final,
            Some(Resultado::Rechazada)
        );
        assert_eq!(
            snapshot.pasos[4].resultado,
            crate::auditoria::domain::ResultadoPaso::CompensacionHecha(
                crate::auditoria::domain::ParteRegistro::Propiedad
            )
        );
        let again = serde_json::to_string(&RegistroGuardado::from(&snapshot)).unwrap();
        assert_eq!(again, GUARDADO_V1);
    }

    #[test]
    fn a_stored_log_line_no_version_wrote_is_refused() {
        let roto = GUARDADO_V1.replace(
            "auditoria propiedad aprobada",
            "auditoria compania aprobada",
        );
        let guardado: RegistroGuardado = serde_json::from_str(&roto).unwrap();
        assert!(RegistroSnapshot::try_from(guardado).is_err());
    }
}
