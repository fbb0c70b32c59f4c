//! The AsyncAPI 3.0 document of every topic, generated (never kept by
//! hand) from `contracts` (topics, keys, who sends and receives what) and
//! `schemas/` (each topic's current Avro schema and its message types):
//! `propalpes asyncapi` prints it, `asyncapi.yaml` at the root is its
//! committed copy (CI fails when they differ), and `/asyncapi.yaml` serves
//! it. A producer in any language starts from it.

use std::sync::Arc;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::contracts::{Sentido, flujos, topics};
use crate::seedwork::infrastructure::avro::SchemaRegistry;

/// `/asyncapi.yaml` (the document), `/asyncapi` (the viewer, offline) and
/// `/schemas/{topic}/{file}` (the Avro schemas it references).
pub fn rutas(registry: Arc<SchemaRegistry>) -> Router {
    let texto: Arc<str> = yaml(&documento(&registry)).into();
    Router::new()
        .route(
            "/asyncapi.yaml",
            get(move || {
                let texto = texto.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/yaml; charset=utf-8")],
                        texto.to_string(),
                    )
                }
            }),
        )
        .route(
            "/asyncapi",
            get(|| async { Html(crate::seedwork::api::ASYNCAPI_UI) }),
        )
        .route(
            "/schemas/{topic}/{file}",
            get(move |Path((topic, file)): Path<(String, String)>| {
                let registry = registry.clone();
                async move { esquema(&registry, &topic, &file) }
            }),
        )
}

/// `schemas/<topic>/vN.avsc` as the binary embeds it.
fn esquema(registry: &SchemaRegistry, topic: &str, file: &str) -> Response {
    let version = file
        .strip_prefix('v')
        .and_then(|f| f.strip_suffix(".avsc"))
        .and_then(|n| n.parse::<u32>().ok());
    match version.and_then(|v| registry.topic(topic)?.text(v)) {
        Some(texto) => (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            texto,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such schema").into_response(),
    }
}

/// The Avro schema format AsyncAPI names.
const AVRO: &str = "application/vnd.apache.avro+json;version=1.9.0";

/// The document, as JSON values (see [`yaml`] for its text).
pub fn documento(registry: &SchemaRegistry) -> Value {
    let mut channels = Map::new();
    let mut messages = Map::new();
    for topic in topics::ALL {
        let Some(schemas) = registry.topic(topic) else {
            continue;
        };
        let version = schemas.latest_version();
        let tipos = tipos_de(schemas.text(version).unwrap_or("{}"));
        let mut refs = Map::new();
        for (tipo, doc) in &tipos {
            let clave = format!("{topic}.{tipo}");
            messages.insert(clave.clone(), mensaje(topic, version, tipo, doc));
            refs.insert(
                tipo.clone(),
                json!({"$ref": format!("#/components/messages/{clave}")}),
            );
        }
        channels.insert(topic.to_owned(), canal(topic, topic, refs.clone()));
        if topics::tiene_cartas_muertas(topic) {
            let dlq = topics::dead_letters(topic);
            let clave = format!("{dlq}.CartaMuerta");
            messages.insert(clave.clone(), carta_muerta(topic, version));
            let mut refs = Map::new();
            refs.insert(
                "CartaMuerta".into(),
                json!({"$ref": format!("#/components/messages/{clave}")}),
            );
            channels.insert(dlq.clone(), canal(&dlq, topic, refs));
        }
    }
    json!({
        "asyncapi": "3.0.0",
        "info": {
            "title": "PropAlpes",
            "version": env!("CARGO_PKG_VERSION"),
            "description": DESCRIPCION,
            "license": {"name": "MIT OR Apache-2.0"},
        },
        "defaultContentType": "application/octet-stream",
        "servers": {
            "pulsar": {
                "host": "{host}:{port}",
                "protocol": "pulsar",
                "description": "The deployment's Apache Pulsar broker (compose: pulsar:6650, on the deployment's network). Schemas are enforced (isSchemaValidationEnforced: a producer declares the topic's Avro schema) with FULL compatibility (schemaCompatibilityStrategy), set on the namespace.",
                "variables": {
                    "host": {"default": "localhost"},
                    "port": {"default": "6650"},
                },
                "bindings": {"pulsar": {"tenant": "public", "bindingVersion": "0.1.0"}},
            }
        },
        "channels": Value::Object(channels),
        "operations": operaciones(registry),
        "components": {"messages": Value::Object(messages)},
    })
}

const DESCRIPCION: &str = "Every message is an Avro record written with the channel's schema \
(plain Avro binary, what Pulsar's AVRO schema type carries): an envelope (id, type, specversion, \
source, time, correlation_id, causation_id, datacontenttype) whose `data` is one of the topic's \
records. Producers declare the topic's schema (the broker enforces FULL compatibility) and set \
the message properties `schema.version` (the N of schemas/{topic}/vN.avsc written with) and \
`type` (the record in `data`), and the key the channel names. The envelope `id` makes a re-sent \
message recognisable: it has no second effect.";

/// A topic's channel: its address with the tenant and namespace as
/// parameters, its key, its messages, its Pulsar binding.
fn canal(address: &str, topic: &str, messages: Map<String, Value>) -> Value {
    json!({
        "address": format!("persistent://{{tenant}}/{{namespace}}/{address}"),
        "title": address,
        "description": format!("Key: {}.", topics::clave(topic)),
        "parameters": {
            "tenant": {"default": "public", "description": "The deployment's Pulsar tenant (PULSAR_TENANT)."},
            "namespace": {"default": "default", "description": "The deployment's Pulsar namespace (PULSAR_NAMESPACE)."},
        },
        "messages": Value::Object(messages),
        "bindings": {"pulsar": {
            "namespace": "default",
            "persistence": "persistent",
            "bindingVersion": "0.1.0",
        }},
    })
}

/// One message type of a topic: the topic's envelope schema (the current
/// `vN.avsc`), its properties as headers.
fn mensaje(topic: &str, version: u32, tipo: &str, doc: &str) -> Value {
    json!({
        "name": tipo,
        "title": tipo,
        "summary": doc,
        "contentType": "application/octet-stream",
        "headers": {
            "type": "object",
            "description": "Pulsar message properties.",
            "required": ["schema.version", "type"],
            "properties": {
                "schema.version": {"type": "string", "const": version.to_string(), "description": format!("The writer's schema: schemas/{topic}/v{version}.avsc (older versions are read too).")},
                "type": {"type": "string", "const": tipo, "description": "The record in the envelope's data."},
                "correlation_id": {"type": "string", "description": "The envelope's correlation_id."},
                "causation_id": {"type": "string", "description": "The envelope's causation_id, when it has one (a reply names the command it answers)."},
            },
        },
        "correlationId": {"location": "$message.payload#/correlation_id"},
        "payload": {
            "schemaFormat": AVRO,
            "schema": {"$ref": format!("./schemas/{topic}/v{version}.avsc")},
        },
    })
}

/// A dead letter: the original message's bytes, with why it failed.
fn carta_muerta(topic: &str, version: u32) -> Value {
    json!({
        "name": "CartaMuerta",
        "title": format!("A dead letter of {topic}"),
        "summary": "The original message, unchanged, after its delivery failed for good (or could not be decoded).",
        "contentType": "application/octet-stream",
        "headers": {
            "type": "object",
            "properties": {
                "error": {"type": "string", "description": "Why it failed."},
                "original_topic": {"type": "string"},
                "attempts": {"type": "string", "description": "Deliveries tried."},
            },
        },
        "payload": {
            "schemaFormat": AVRO,
            "schema": {"$ref": format!("./schemas/{topic}/v{version}.avsc")},
        },
    })
}

/// Each service's sends and receives, from `contracts::flujos`.
fn operaciones(registry: &SchemaRegistry) -> Value {
    let mut ops = Map::new();
    for (servicio, canal, sentido) in flujos::FLUJOS {
        if registry
            .topic(canal.trim_end_matches(crate::seedwork::infrastructure::DEAD_LETTER_SUFFIX))
            .is_none()
        {
            continue;
        }
        let (accion, verbo) = match sentido {
            Sentido::Envia => ("send", "envia"),
            Sentido::Recibe => ("receive", "recibe"),
        };
        ops.insert(
            format!("{servicio}.{verbo}.{canal}"),
            json!({
                "action": accion,
                "channel": {"$ref": format!("#/channels/{canal}")},
                "summary": format!("{servicio} {} {canal}", if accion == "send" { "sends to" } else { "consumes" }),
            }),
        );
    }
    Value::Object(ops)
}

/// The record names (and docs) of a schema's `data` union.
fn tipos_de(schema: &str) -> Vec<(String, String)> {
    let Ok(schema) = serde_json::from_str::<Value>(schema) else {
        return Vec::new();
    };
    let data = schema["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["name"] == "data"))
        .map(|f| f["type"].clone())
        .unwrap_or(Value::Null);
    let ramas = match data {
        Value::Array(ramas) => ramas,
        uno @ Value::Object(_) => vec![uno],
        _ => Vec::new(),
    };
    ramas
        .iter()
        .filter_map(|r| {
            Some((
                r["name"].as_str()?.to_owned(),
                r["doc"].as_str().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

/// The document as YAML: maps and lists by indentation, every string a
/// JSON-quoted scalar (valid YAML), keys plain where YAML allows.
pub fn yaml(valor: &Value) -> String {
    let mut out = String::new();
    escribir(&mut out, valor, 0);
    out
}

fn clave(k: &str) -> String {
    let plana = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && k.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
    if plana {
        k.to_owned()
    } else {
        Value::String(k.to_owned()).to_string()
    }
}

fn escalar(valor: &Value) -> String {
    match valor {
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        otro => otro.to_string(),
    }
}

fn compuesto(valor: &Value) -> bool {
    matches!(valor, Value::Object(m) if !m.is_empty())
        || matches!(valor, Value::Array(a) if !a.is_empty())
}

fn escribir(out: &mut String, valor: &Value, sangria: usize) {
    let pad = "  ".repeat(sangria);
    match valor {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                if compuesto(v) {
                    out.push_str(&format!("{pad}{}:\n", clave(k)));
                    escribir(out, v, sangria + 1);
                } else {
                    out.push_str(&format!("{pad}{}: {}\n", clave(k), escalar(v)));
                }
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for v in a {
                if compuesto(v) {
                    out.push_str(&format!("{pad}-\n"));
                    escribir(out, v, sangria + 1);
                } else {
                    out.push_str(&format!("{pad}- {}\n", escalar(v)));
                }
            }
        }
        otro => out.push_str(&format!("{pad}{}\n", escalar(otro))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_topic_and_message_type_is_in_the_document() {
        let registry = SchemaRegistry::embedded().expect("schemas");
        let doc = documento(&registry);
        for topic in topics::ALL {
            assert!(doc["channels"][topic].is_object(), "{topic}");
        }
        let crear = &doc["components"]["messages"]["comandos-companias.CrearCompania"];
        assert_eq!(
            crear["headers"]["properties"]["type"]["const"],
            "CrearCompania"
        );
        assert!(
            crear["payload"]["schema"]["$ref"]
                .as_str()
                .is_some_and(|r| r.starts_with("./schemas/comandos-companias/v"))
        );
    }

    #[test]
    fn yaml_writes_nested_maps_lists_and_quoted_strings() {
        let v = json!({"a": {"b": [1, {"c": "x: y"}], "$ref": "#/x"}, "e": {}});
        assert_eq!(
            yaml(&v),
            "a:\n  \"$ref\": \"#/x\"\n  b:\n    - 1\n    -\n      c: \"x: y\"\ne: {}\n"
        );
    }
}
