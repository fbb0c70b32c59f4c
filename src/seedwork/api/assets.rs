//! Browser assets compiled into the binary (`assets/vendor/`, see its
//! README): GraphiQL, React, Swagger UI and the AsyncAPI viewer, sent gzip-encoded and cached for
//! a year (their paths carry the version). Nothing the pages load comes from
//! outside the binary: users may have no internet.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

struct Asset {
    path: &'static str,
    content_type: &'static str,
    gz: &'static [u8],
}

macro_rules! asset {
    ($path:literal, $file:literal, $content_type:expr) => {
        Asset {
            path: $path,
            content_type: $content_type,
            gz: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/vendor/",
                $file
            )),
        }
    };
}

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

static ASSETS: [Asset; 8] = [
    asset!("/assets/graphiql-3.8.3.min.js", "graphiql.min.js.gz", JS),
    asset!("/assets/graphiql-3.8.3.min.css", "graphiql.min.css.gz", CSS),
    asset!(
        "/assets/react-18.3.1.min.js",
        "react.production.min.js.gz",
        JS
    ),
    asset!(
        "/assets/react-dom-18.3.1.min.js",
        "react-dom.production.min.js.gz",
        JS
    ),
    asset!(
        "/assets/swagger-ui-5.17.14-bundle.js",
        "swagger-ui-bundle.js.gz",
        JS
    ),
    asset!("/assets/swagger-ui-5.17.14.css", "swagger-ui.css.gz", CSS),
    asset!(
        "/assets/asyncapi-react-3.2.1.js",
        "asyncapi-react.standalone.js.gz",
        JS
    ),
    asset!(
        "/assets/asyncapi-react-3.2.1.css",
        "asyncapi-react.min.css.gz",
        CSS
    ),
];

/// Every vendored asset at its path.
pub fn asset_routes() -> Router {
    ASSETS.iter().fold(Router::new(), |router, asset| {
        router.route(asset.path, get(move || async move { serve(asset) }))
    })
}

fn serve(asset: &'static Asset) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CONTENT_ENCODING, "gzip"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        asset.gz,
    )
}

/// The GraphiQL page for `/graphql` (queries and mutations; a `?token=` or
/// the web UI's stored token is sent as the bearer).
pub const GRAPHIQL: &str = r##"<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>PropAlpes · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/graphiql-3.8.3.min.css">
<style>body { margin: 0; } #graphiql { height: 100vh; }</style></head>
<body><div id="graphiql">Cargando GraphiQL…</div>
<script src="/assets/react-18.3.1.min.js"></script>
<script src="/assets/react-dom-18.3.1.min.js"></script>
<script src="/assets/graphiql-3.8.3.min.js"></script>
<script>
  const token = new URLSearchParams(location.search).get("token") || localStorage.getItem("propalpes.token");
  const fetcher = GraphiQL.createFetcher({ url: "/graphql", headers: token ? { Authorization: `Bearer ${token}` } : {} });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: "{\n  companias(first: 5) {\n    edges { node { id nombre estado motivosRechazo } }\n  }\n}\n",
  }));
</script>
</body></html>"##;

/// The AsyncAPI viewer for `/asyncapi.yaml` (its Avro payloads are read
/// from `/schemas/…`, which the document references).
pub const ASYNCAPI_UI: &str = r##"<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>PropAlpes · AsyncAPI</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/asyncapi-react-3.2.1.css">
</head>
<body><div id="asyncapi">Cargando el documento AsyncAPI…</div>
<script src="/assets/asyncapi-react-3.2.1.js"></script>
<script>
  AsyncApiStandalone.render({
    // Absolute: the parser resolves the payloads' relative $refs against it
    // (a bare path would be read as a file).
    schema: { url: new URL("/asyncapi.yaml", location.href).href, options: { method: "GET" } },
    config: { show: { sidebar: true }, expand: { messageExamples: false } },
  }, document.getElementById("asyncapi"));
</script>
</body></html>
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_the_pages_load_is_served_by_the_binary() {
        let pages = [GRAPHIQL, super::super::openapi::SWAGGER_UI];
        for page in pages {
            for src in page
                .split(['"', '\''])
                .filter(|s| s.starts_with("/assets/"))
            {
                assert!(ASSETS.iter().any(|a| a.path == src), "{src} is not served");
            }
            assert!(!page.contains("https://"), "a page loads from the internet");
        }
        for asset in &ASSETS {
            assert_eq!(&asset.gz[..2], &[0x1f, 0x8b], "{} is gzip", asset.path);
        }
    }
}
