//! The audit's findings and the records' events in the reviewer's words
//! (Spanish): the codes stay the contract, these are their captions.

/// "el email", "la latitud": how a sentence names a field.
fn nombre_de(campo: &str) -> String {
    match campo {
        "nombre" => "el nombre".into(),
        "email" => "el email".into(),
        "identificacion" => "la identificación (NIT)".into(),
        "pais" => "el país".into(),
        "telefono" => "el teléfono".into(),
        "nombre_propiedad" => "el nombre de la propiedad".into(),
        "latitud" => "la latitud".into(),
        "longitud" => "la longitud".into(),
        "direccion" => "la dirección".into(),
        "identificacion_catastral" => "la identificación catastral".into(),
        "nit" => "el NIT de la compañía".into(),
        other => format!("el campo {other}"),
    }
}

fn capitalizar(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// One finding explained: ("latitud", "fuera_de_rango") → "La latitud debe
/// estar entre −90 y 90."
pub fn explicar(campo: &str, problema: &str) -> String {
    let nombre = nombre_de(campo);
    match (campo, problema) {
        (_, "faltante") => format!("Falta {nombre}."),
        ("latitud", "fuera_de_rango") => "La latitud debe estar entre −90 y 90.".into(),
        ("longitud", "fuera_de_rango") => "La longitud debe estar entre −180 y 180.".into(),
        (_, "fuera_de_rango") => format!("{} está fuera de rango.", capitalizar(&nombre)),
        ("email", "formato_invalido") => {
            "El email no tiene un formato válido (nombre@dominio.tld).".into()
        }
        ("latitud" | "longitud", "formato_invalido") => {
            format!("{} debe ser un número.", capitalizar(&nombre))
        }
        (_, "formato_invalido") => format!("{} no tiene un formato válido.", capitalizar(&nombre)),
        ("nit", "desconocido") => "El NIT no corresponde a ninguna compañía registrada.".into(),
        (_, "desconocido") => format!(
            "{} no corresponde a ningún registro conocido.",
            capitalizar(&nombre)
        ),
        (_, other) => format!("{}: {other}.", capitalizar(&nombre)),
    }
}

/// An event or command of a record's history, in words.
pub fn describir(evento: &str, detalle: &str) -> String {
    let base = match evento {
        "CompaniaCreada" => "Compañía registrada".to_owned(),
        "DatosGeograficosCreados" => "Datos geográficos registrados".to_owned(),
        "PropiedadCreada" => "Propiedad registrada".to_owned(),
        "CompaniaAprobada" | "DatosGeograficosAprobados" | "PropiedadAprobada" => {
            "Aprobada".to_owned()
        }
        "CompaniaRechazada" | "DatosGeograficosRechazados" | "PropiedadRechazada" => {
            "Rechazada".to_owned()
        }
        "PropiedadEliminada" => "Eliminada por compensación".to_owned(),
        "AuditoriaCompletada" => "Auditoría completada".to_owned(),
        "RegistroPropiedadAvanzado" => "Registro de propiedad: paso".to_owned(),
        other => match other.strip_prefix("Comando ") {
            Some(comando) => format!("Comando {comando}"),
            None => other.to_owned(),
        },
    };
    if detalle.is_empty() {
        base
    } else {
        format!("{base} — {detalle}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_read_as_sentences() {
        assert_eq!(
            explicar("latitud", "fuera_de_rango"),
            "La latitud debe estar entre −90 y 90."
        );
        assert_eq!(explicar("email", "faltante"), "Falta el email.");
        assert_eq!(
            explicar("nit", "desconocido"),
            "El NIT no corresponde a ninguna compañía registrada."
        );
        assert_eq!(
            explicar("telefono", "formato_invalido"),
            "El teléfono no tiene un formato válido."
        );
    }

    #[test]
    fn history_names_the_event_and_its_detail() {
        assert_eq!(
            describir("CompaniaRechazada", "email faltante"),
            "Rechazada — email faltante"
        );
        assert_eq!(describir("CompaniaCreada", ""), "Compañía registrada");
    }
}
