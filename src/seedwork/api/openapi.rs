//! OpenAPI documents (utoipa), built from the same definitions the routes
//! use: a registered-record context's paths come from its `ReviewPaths` and
//! data fields, so the document cannot drift from the router.

use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, ArrayItems, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Required, ResponseBuilder,
};

use super::ReviewPaths;
use crate::seedwork::application::MAX_PAGE_SIZE;
use crate::seedwork::domain::MAX_TEXT_CHARS;

pub fn text(max: Option<usize>) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(max)
        .into()
}

/// Text or null (an optional value the body carries as `null`).
pub fn nullable_text() -> Schema {
    ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            Type::String,
            Type::Null,
        ]))
        .into()
}

pub fn integer(min: i64, max: Option<i64>) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(min))
        .maximum(max)
        .into()
}

/// Rejection reasons: at least one, each with a non-blank character.
fn motivos() -> Schema {
    let motivo = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(MAX_TEXT_CHARS))
        .min_length(Some(1))
        .pattern(Some(r"\S"));
    ArrayBuilder::new()
        .items(items(motivo.into()))
        .min_items(Some(1))
        .max_items(Some(crate::seedwork::domain::MAX_MOTIVOS))
        .into()
}

pub fn text_list(min_items: Option<usize>) -> Schema {
    ArrayBuilder::new()
        .items(items(text(Some(MAX_TEXT_CHARS))))
        .min_items(min_items)
        .into()
}

pub fn items(schema: Schema) -> ArrayItems {
    ArrayItems::RefOrSchema(Box::new(schema.into()))
}

/// A JSON object with the given (name, schema, required) properties.
pub fn object(properties: Vec<(&str, Schema, bool)>, closed: bool) -> Schema {
    let mut builder = ObjectBuilder::new().schema_type(Type::Object);
    for (name, schema, required) in properties {
        builder = builder.property(name, schema);
        if required {
            builder = builder.required(name);
        }
    }
    if closed {
        builder = builder.additional_properties(Some(AdditionalProperties::FreeForm(false)));
    }
    builder.into()
}

/// The error body every 4xx/5xx carries.
fn problem() -> Schema {
    object(
        vec![
            ("type", text(None), true),
            ("status", integer(100, Some(599)), true),
            ("detail", text(None), true),
            ("field", text(None), false),
        ],
        false,
    )
}

pub fn json(schema: Schema) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

pub fn query(name: &str, schema: Schema) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .schema(Some(schema))
        .build()
}

fn path_id() -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name("id")
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::Custom("uuid".into()))),
        ))
        .build()
}

pub fn page_params() -> Vec<utoipa::openapi::path::Parameter> {
    vec![
        query("page", integer(1, Some(i64::from(u32::MAX)))),
        query("page_size", integer(1, Some(i64::from(MAX_PAGE_SIZE)))),
    ]
}

/// An operation: its responses are `ok` plus the documented problems.
pub fn operation(
    id: &str,
    summary: &str,
    parameters: Vec<utoipa::openapi::path::Parameter>,
    body: Option<Schema>,
    ok: (&str, Schema),
    problems: &[&str],
) -> utoipa::openapi::path::Operation {
    let mut op = OperationBuilder::new()
        .operation_id(Some(id))
        .summary(Some(summary))
        .parameters(Some(parameters))
        .response(
            ok.0,
            ResponseBuilder::new()
                .description("OK")
                .content("application/json", json(ok.1)),
        );
    if let Some(body) = body {
        op = op.request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content("application/json", json(body))
                .build(),
        ));
    }
    for status in problems {
        op = op.response(
            *status,
            ResponseBuilder::new()
                .description("Problem: the field at fault when there is one")
                .content("application/json", json(problem())),
        );
    }
    op.build()
}

pub fn page_of(item: Schema) -> Schema {
    object(
        vec![
            ("items", ArrayBuilder::new().items(items(item)).into(), true),
            ("page", integer(1, None), true),
            ("page_size", integer(1, None), true),
            ("total", integer(0, None), true),
        ],
        false,
    )
}

/// The document of one registered-record context.
/// A record as queries return it: its data fields and its review.
fn record_view(fields: &[&str]) -> Schema {
    let mut view = vec![
        ("id", text(None), true),
        (
            "estado",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["Pendiente", "Aprobada", "Rechazada"]))
                .into(),
            true,
        ),
        ("motivos_rechazo", text_list(None), true),
        ("fecha_creacion", text(None), true),
        ("fecha_actualizacion", text(None), true),
        ("version", integer(0, None), true),
    ];
    view.extend(fields.iter().map(|f| (*f, text(None), true)));
    object(view, false)
}

/// `POST /x` (create) and `GET /x` (list). The 202 carries OpenAPI links:
/// the id a creation returns feeds the record's other operations, so
/// clients (and schemathesis' stateful phase) can follow.
fn collection_item(paths: ReviewPaths, fields: &[&str], accepted: &Schema) -> PathItem {
    let name = paths.collection.trim_start_matches('/');
    let creation = object(
        fields
            .iter()
            .map(|f| (*f, text(Some(MAX_TEXT_CHARS)), false))
            .collect(),
        true,
    );
    let (summary, errors): (String, &[&str]) = match paths.unique {
        None => (
            "Register (blank fields allowed; the audit judges them); needs the operador role"
                .into(),
            &["400", "401", "403", "413", "415", "422", "503"],
        ),
        Some(field) => (
            format!(
                "Register (blank fields allowed; the audit judges them; a {field} already registered is 409); needs the operador role"
            ),
            &["400", "401", "403", "409", "413", "415", "422", "503"],
        ),
    };
    let mut collection = PathItem::new(
        HttpMethod::Post,
        operation(
            &format!("crear_{name}"),
            &summary,
            vec![],
            Some(creation),
            ("202", accepted.clone()),
            errors,
        ),
    );
    if let Some(post) = collection.post.as_mut()
        && let Some(utoipa::openapi::RefOr::T(created)) = post.responses.responses.get_mut("202")
    {
        let id = format!("$response.body#/{}", paths.id_field);
        for target in ["obtener", "aprobar", "rechazar"] {
            created.links.insert(
                format!("{target}_{name}"),
                utoipa::openapi::link::LinkBuilder::new()
                    .operation_id(format!("{target}_{name}"))
                    .parameter("id", id.clone())
                    .build()
                    .into(),
            );
        }
    }
    let estado = ObjectBuilder::new().schema_type(Type::String).into();
    let mut list_params = vec![query("estado", estado)];
    list_params.extend(page_params());
    collection.get = Some(operation(
        &format!("listar_{name}"),
        "List with an optional estado filter",
        list_params,
        None,
        ("200", page_of(record_view(fields))),
        &["422", "503"],
    ));
    collection
}

/// `POST /x/{id}/<decision>`: approve, or reject with motivos (auditor).
fn decision_item(name: &str, decision: &str, accepted: &Schema) -> PathItem {
    let (summary, body, errors): (&str, Option<Schema>, &[&str]) = if decision == "aprobar" {
        (
            "Approve (a repeat is a no-op); needs the auditor role. Like every write, sent as application/json (an empty object): anything else is 415",
            Some(object(vec![], false)),
            &[
                "400", "401", "403", "404", "409", "413", "415", "422", "503",
            ],
        )
    } else {
        (
            "Reject with motivos; needs the auditor role",
            Some(object(vec![("motivos", motivos(), true)], true)),
            &[
                "400", "401", "403", "404", "409", "413", "415", "422", "503",
            ],
        )
    };
    PathItem::new(
        HttpMethod::Post,
        operation(
            &format!("{decision}_{name}"),
            summary,
            vec![path_id()],
            body,
            ("202", accepted.clone()),
            errors,
        ),
    )
}

/// The OpenAPI document of a reviewed record's routes (`paths`), built from
/// the same names the routes use.
pub fn registro_openapi(title: &str, paths: ReviewPaths, fields: &[&str]) -> OpenApi {
    let name = paths.collection.trim_start_matches('/');
    let item = format!("{}/{{id}}", paths.collection);
    let accepted = object(
        vec![
            ("id_comando", text(None), true),
            (paths.id_field, text(None), true),
        ],
        false,
    );
    let get = |id: &str, summary: &str, params, schema| {
        PathItem::new(
            HttpMethod::Get,
            operation(
                id,
                summary,
                params,
                None,
                ("200", schema),
                &["404", "422", "503"],
            ),
        )
    };
    let built = PathsBuilder::new()
        .path(paths.collection, collection_item(paths, fields, &accepted))
        .path(
            paths.rejected,
            get(
                &format!("rechazados_{name}"),
                "Rejected, with their motivos",
                page_params(),
                page_of(record_view(fields)),
            ),
        )
        .path(
            &item,
            get(
                &format!("obtener_{name}"),
                "One by id",
                vec![path_id()],
                record_view(fields),
            ),
        )
        .path(
            format!("{item}/aprobar"),
            decision_item(name, "aprobar", &accepted),
        )
        .path(
            format!("{item}/rechazar"),
            decision_item(name, "rechazar", &accepted),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title(title)
                .version(env!("CARGO_PKG_VERSION"))
                .build(),
        )
        .paths(built)
        .build()
}

/// `/health` and `/ready`.
pub fn health_openapi() -> OpenApi {
    let status = object(vec![("status", text(None), true)], false);
    let mut ready = PathItem::new(
        HttpMethod::Get,
        operation(
            "ready",
            "Every dependency answers (503 when one does not)",
            vec![],
            None,
            ("200", status.clone()),
            &[],
        ),
    );
    if let Some(get) = ready.get.as_mut() {
        get.responses.responses.insert(
            "503".into(),
            ResponseBuilder::new()
                .description("Not ready")
                .content("application/json", json(status.clone()))
                .build()
                .into(),
        );
    }
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("PropAlpes")
                .version(env!("CARGO_PKG_VERSION"))
                .build(),
        )
        .paths(
            PathsBuilder::new()
                .path(
                    "/health",
                    PathItem::new(
                        HttpMethod::Get,
                        operation(
                            "health",
                            "The process is alive",
                            vec![],
                            None,
                            ("200", status),
                            &[],
                        ),
                    ),
                )
                .path("/ready", ready)
                .build(),
        )
        .build()
}

/// A Swagger UI page for `/openapi.json`; its assets are compiled into the
/// binary (`assets.rs`), so it works with no internet.
pub const SWAGGER_UI: &str = r##"<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>PropAlpes API</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/swagger-ui-5.17.14.css"></head>
<body><div id="ui"></div>
<script src="/assets/swagger-ui-5.17.14-bundle.js"></script>
<script>SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui" });</script>
</body></html>"##;

/// A document with `paths` under the service's title.
pub fn document(paths: utoipa::openapi::Paths) -> OpenApi {
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("PropAlpes")
                .version(env!("CARGO_PKG_VERSION"))
                .build(),
        )
        .paths(paths)
        .build()
}

/// A path parameter of free text (not a UUID).
pub fn path_text(name: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .schema(Some(text(Some(128))))
        .build()
}

/// The document as JSON. utoipa 5 writes a Link's fields in snake_case
/// (`operation_id`), which OpenAPI tools reject; they are renamed here to
/// the spec's camelCase until the crate does it.
pub fn document_json(doc: &OpenApi) -> String {
    let Ok(mut value) = serde_json::to_value(doc) else {
        return String::new();
    };
    let responses = value
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(serde_json::Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter_map(|op| op.get_mut("responses"))
        .filter_map(serde_json::Value::as_object_mut)
        .flat_map(|responses| responses.values_mut());
    for response in responses {
        let Some(links) = response
            .get_mut("links")
            .and_then(serde_json::Value::as_object_mut)
        else {
            continue;
        };
        for link in links
            .values_mut()
            .filter_map(serde_json::Value::as_object_mut)
        {
            for (from, to) in [
                ("operation_id", "operationId"),
                ("operation_ref", "operationRef"),
                ("request_body", "requestBody"),
            ] {
                if let Some(v) = link.remove(from) {
                    link.insert(to.to_owned(), v);
                }
            }
        }
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_creation_links_its_id_to_the_record_operations_in_spec_form() {
        let paths = ReviewPaths {
            collection: "/companias",
            rejected: "/companias/rechazadas",
            id_field: "id_compania",
            unique: None,
        };
        let doc = registro_openapi("companias", paths, &["nombre"]);
        let json: serde_json::Value =
            serde_json::from_str(&document_json(&doc)).expect("valid JSON");
        let link =
            &json["paths"]["/companias"]["post"]["responses"]["202"]["links"]["aprobar_companias"];
        assert_eq!(link["operationId"], "aprobar_companias");
        assert_eq!(link["parameters"]["id"], "$response.body#/id_compania");
        assert!(link.get("operation_id").is_none());
        assert!(
            json["paths"]["/companias/{id}/aprobar"]["post"]["operationId"] == "aprobar_companias",
            "the link's target exists"
        );
    }
}
