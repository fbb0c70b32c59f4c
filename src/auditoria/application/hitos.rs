//! How a line of a registration's log reads outside the domain: the words
//! of the contract (`eventos-registros` v1, `/registros`), which storage
//! keeps too. Written once both ways, so a stored or published line reads
//! back as the same value, and a line no version wrote is an error, never
//! a guess. The UI words them for people (`textos.js`).

use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::auditoria::domain::{
    EstadoRegistro, Hito, ParteRegistro, Paso, Resultado, ResultadoPaso,
};

const PARTES: [ParteRegistro; 2] = [ParteRegistro::Propiedad, ParteRegistro::DatosGeograficos];

/// A log line as the contract carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitoEnTexto {
    pub paso: &'static str,
    pub resultado: String,
    pub detalle: Option<String>,
}

/// The contract's words for a line: a compensation and a late creation
/// name their part in `detalle`.
pub fn hito_en_texto(h: &Hito) -> HitoEnTexto {
    let parte = |p: ParteRegistro| Some(p.nombre().to_owned());
    let (resultado, detalle) = match h.resultado {
        ResultadoPaso::Enviado => ("enviado".to_owned(), h.detalle.clone()),
        ResultadoPaso::Hecho => ("hecho".to_owned(), h.detalle.clone()),
        ResultadoPaso::Fallido => ("fallido".to_owned(), h.detalle.clone()),
        ResultadoPaso::AuditoriaEnRevision(p) => (
            format!("auditoria {} en revisión", p.nombre()),
            h.detalle.clone(),
        ),
        ResultadoPaso::AuditoriaAprobada(p) => (
            format!("auditoria {} aprobada", p.nombre()),
            h.detalle.clone(),
        ),
        ResultadoPaso::AuditoriaRechazada(p) => (
            format!("auditoria {} rechazada", p.nombre()),
            h.detalle.clone(),
        ),
        ResultadoPaso::ParteDecidida(p, r) => (
            format!("{} {}", p.nombre(), r.as_str().to_lowercase()),
            h.detalle.clone(),
        ),
        ResultadoPaso::CompensacionEnviada(p) => ("enviado".to_owned(), parte(p)),
        ResultadoPaso::CompensacionHecha(p) => ("hecho".to_owned(), parte(p)),
        ResultadoPaso::CreacionTardiaEliminada(p) => {
            ("creación tardía eliminada".to_owned(), parte(p))
        }
        ResultadoPaso::Terminada(e) => (e.as_str().to_owned(), h.detalle.clone()),
    };
    HitoEnTexto {
        paso: h.paso.as_str(),
        resultado,
        detalle,
    }
}

/// A line read back from the contract's words.
pub fn hito_de_texto(
    paso: &str,
    resultado: &str,
    detalle: Option<String>,
    fecha: DateTime<Utc>,
) -> Result<Hito, String> {
    let paso = Paso::from_str(paso).map_err(|e| e.to_string())?;
    let parte_nombrada = detalle
        .as_deref()
        .and_then(|d| PARTES.into_iter().find(|p| p.nombre() == d));
    let (resultado, detalle) = match (paso, resultado, parte_nombrada) {
        (Paso::Compensar, "enviado", Some(p)) => (ResultadoPaso::CompensacionEnviada(p), None),
        (Paso::Compensar, "hecho", Some(p)) => (ResultadoPaso::CompensacionHecha(p), None),
        (Paso::Compensar, "creación tardía eliminada", Some(p)) => {
            (ResultadoPaso::CreacionTardiaEliminada(p), None)
        }
        _ => (resultado_de(paso, resultado)?, detalle),
    };
    Ok(Hito {
        paso,
        resultado,
        detalle,
        fecha,
    })
}

/// The results whose words do not depend on a part's detail.
fn resultado_de(paso: Paso, texto: &str) -> Result<ResultadoPaso, String> {
    let desconocido = || format!("unknown result {texto:?} of step {}", paso.as_str());
    match texto {
        "enviado" => return Ok(ResultadoPaso::Enviado),
        "hecho" => return Ok(ResultadoPaso::Hecho),
        "fallido" => return Ok(ResultadoPaso::Fallido),
        _ => {}
    }
    if paso == Paso::Terminado {
        return EstadoRegistro::from_str(texto)
            .map(ResultadoPaso::Terminada)
            .map_err(|_| desconocido());
    }
    if let Some(resto) = texto.strip_prefix("auditoria ") {
        return auditoria_de(resto).ok_or_else(desconocido);
    }
    decidida_de(texto).ok_or_else(desconocido)
}

/// `{parte} en revisión | aprobada | rechazada` (after "auditoria ").
fn auditoria_de(texto: &str) -> Option<ResultadoPaso> {
    PARTES.into_iter().find_map(
        |p| match texto.strip_prefix(p.nombre())?.strip_prefix(' ')? {
            "en revisión" => Some(ResultadoPaso::AuditoriaEnRevision(p)),
            "aprobada" => Some(ResultadoPaso::AuditoriaAprobada(p)),
            "rechazada" => Some(ResultadoPaso::AuditoriaRechazada(p)),
            _ => None,
        },
    )
}

/// `{parte} {resultado}`: a part's final state in its context.
fn decidida_de(texto: &str) -> Option<ResultadoPaso> {
    PARTES.into_iter().find_map(|p| {
        let resultado = texto.strip_prefix(p.nombre())?.strip_prefix(' ')?;
        let resultado = Resultado::from_str(resultado).ok()?;
        Some(ResultadoPaso::ParteDecidida(p, resultado))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fecha() -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_700_000_000_000).unwrap()
    }

    /// Every result, as the contract words it, reads back as itself.
    #[test]
    fn every_line_reads_back_as_itself() {
        let mut resultados = vec![
            ResultadoPaso::Enviado,
            ResultadoPaso::Hecho,
            ResultadoPaso::Fallido,
        ];
        for p in PARTES {
            resultados.extend([
                ResultadoPaso::AuditoriaEnRevision(p),
                ResultadoPaso::AuditoriaAprobada(p),
                ResultadoPaso::AuditoriaRechazada(p),
                ResultadoPaso::ParteDecidida(p, Resultado::Aprobada),
                ResultadoPaso::ParteDecidida(p, Resultado::Rechazada),
                ResultadoPaso::CompensacionEnviada(p),
                ResultadoPaso::CompensacionHecha(p),
                ResultadoPaso::CreacionTardiaEliminada(p),
            ]);
        }
        for resultado in resultados {
            let paso = match resultado {
                ResultadoPaso::CompensacionEnviada(_)
                | ResultadoPaso::CompensacionHecha(_)
                | ResultadoPaso::CreacionTardiaEliminada(_) => Paso::Compensar,
                _ => Paso::Decidir,
            };
            let hito = Hito {
                paso,
                resultado,
                detalle: None,
                fecha: fecha(),
            };
            let t = hito_en_texto(&hito);
            let leido = hito_de_texto(t.paso, &t.resultado, t.detalle.clone(), fecha());
            assert_eq!(leido, Ok(hito), "{t:?}");
        }
        let fin = Hito {
            paso: Paso::Terminado,
            resultado: ResultadoPaso::Terminada(EstadoRegistro::Compensada),
            detalle: Some("propiedad: falta nombre".into()),
            fecha: fecha(),
        };
        let t = hito_en_texto(&fin);
        assert_eq!(t.resultado, "compensada");
        assert_eq!(
            hito_de_texto(t.paso, &t.resultado, t.detalle, fecha()),
            Ok(fin)
        );
    }

    /// The words v1 wrote (published and stored before the enums) read as
    /// the values they meant.
    #[test]
    fn the_words_of_v1_read_as_their_values() {
        let leer = |paso, resultado, detalle: Option<&str>| {
            hito_de_texto(paso, resultado, detalle.map(str::to_owned), fecha())
                .map(|h| (h.resultado, h.detalle))
        };
        assert_eq!(
            leer(
                "crear_datos_geograficos",
                "auditoria datos geográficos en revisión",
                None
            ),
            Ok((
                ResultadoPaso::AuditoriaEnRevision(ParteRegistro::DatosGeograficos),
                None
            ))
        );
        assert_eq!(
            leer("decidir", "propiedad enrevision", None),
            Ok((
                ResultadoPaso::ParteDecidida(ParteRegistro::Propiedad, Resultado::EnRevision),
                None
            ))
        );
        assert_eq!(
            leer("compensar", "hecho", Some("datos geográficos")),
            Ok((
                ResultadoPaso::CompensacionHecha(ParteRegistro::DatosGeograficos),
                None
            ))
        );
        assert_eq!(
            leer(
                "compensar",
                "fallido",
                Some("propiedad: sin respuesta tras 3 intentos")
            ),
            Ok((
                ResultadoPaso::Fallido,
                Some("propiedad: sin respuesta tras 3 intentos".into())
            ))
        );
    }

    #[test]
    fn words_no_version_wrote_are_an_error_not_a_guess() {
        assert!(hito_de_texto("decidir", "compania aprobada", None, fecha()).is_err());
        assert!(hito_de_texto("volar", "enviado", None, fecha()).is_err());
        assert!(hito_de_texto("terminado", "quizá", None, fecha()).is_err());
    }
}
