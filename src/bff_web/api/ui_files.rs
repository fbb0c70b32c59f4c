//! The web page: `index.html` and its ES modules, compiled into the binary
//! (nothing the browser loads comes from elsewhere). `BFF_UI_DIR` serves
//! them from disk instead, so the page can be edited without a rebuild.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// Each module under `ui/`, by the name the page imports it with.
macro_rules! modulos {
    ($($nombre:literal),* $(,)?) => { &[$(($nombre, include_str!(concat!("ui/", $nombre)))),*] };
}

const MODULOS: &[(&str, &str)] = modulos![
    "app.js",
    "dom.js",
    "textos.js",
    "gql.js",
    "sesion.js",
    "router.js",
    "tablas.js",
    "cola.js",
    "detalle.js",
    "causa.js",
    "columnas.js",
    "revision.js",
    "reporte.js",
    "operaciones.js",
    "graficos.js",
    "cartas.js",
    "vivo.js",
    "formularios.js",
];

/// `GET /`: the page.
pub async fn indice() -> Html<String> {
    Html(leer("index.html", include_str!("ui/index.html")))
}

/// `GET /ui/{nombre}`: one of the page's modules; any other name is a 404.
pub async fn modulo(Path(nombre): Path<String>) -> Response {
    let Some((_, compilado)) = MODULOS.iter().find(|(n, _)| *n == nombre) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // A new binary serves new modules: the browser asks again.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        leer(&nombre, compilado),
    )
        .into_response()
}

fn leer(nombre: &str, compilado: &'static str) -> String {
    std::env::var_os("BFF_UI_DIR")
        .and_then(|dir| std::fs::read_to_string(std::path::Path::new(&dir).join(nombre)).ok())
        .unwrap_or_else(|| compilado.to_owned())
}

#[cfg(test)]
mod tests {
    use super::MODULOS;

    /// Every module the page imports is compiled in, and none too long.
    #[test]
    fn every_imported_module_is_served_and_short() {
        let nombres: Vec<&str> = MODULOS.iter().map(|(n, _)| *n).collect();
        for (nombre, texto) in MODULOS {
            for desde in texto.split("from \"./").skip(1) {
                let importado = desde.split('"').next().unwrap_or("");
                assert!(
                    nombres.contains(&importado),
                    "{nombre} imports {importado}, which is not served"
                );
            }
            let lineas = texto.lines().count();
            assert!(lineas <= 400, "{nombre} has {lineas} lines (at most 400)");
        }
    }
}
