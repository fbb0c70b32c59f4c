//! The OpenAPI document of the auditoria routes.

use utoipa::openapi::OpenApi;
use utoipa::openapi::path::{HttpMethod, PathItem};
use utoipa::openapi::schema::ArrayBuilder;

use crate::seedwork::api::openapi::{
    document, integer, items, nullable_text, object, operation, page_of, page_params, path_text,
    query, text, text_list,
};

fn get(
    id: &str,
    summary: &str,
    params: Vec<utoipa::openapi::path::Parameter>,
    schema: utoipa::openapi::schema::Schema,
    errors: &[&str],
) -> PathItem {
    PathItem::new(
        HttpMethod::Get,
        operation(id, summary, params, None, ("200", schema), errors),
    )
}

/// A property registration with its steps.
fn registro() -> utoipa::openapi::schema::Schema {
    let paso = object(
        vec![
            ("paso", text(None), true),
            ("resultado", text(None), true),
            ("detalle", nullable_text(), true),
            ("fecha", text(None), true),
        ],
        false,
    );
    object(
        vec![
            ("id_propiedad", text(None), true),
            ("id_datos_geograficos", text(None), true),
            ("estado", text(None), true),
            ("paso", text(None), true),
            ("motivo", nullable_text(), true),
            ("ultimo_error", nullable_text(), true),
            ("pasos", ArrayBuilder::new().items(items(paso)).into(), true),
            ("fecha_creacion", text(None), true),
            ("fecha_actualizacion", text(None), true),
        ],
        false,
    )
}

/// The registrations' routes.
fn registros_paths(builder: utoipa::openapi::PathsBuilder) -> utoipa::openapi::PathsBuilder {
    let mut params = vec![query("estado", text(None))];
    params.extend(page_params());
    builder
        .path(
            "/registros",
            get(
                "listar_registros",
                "Property registrations (the saga) by estado: en_curso, completada, compensada, fallida",
                params,
                page_of(registro()),
                &["422", "503"],
            ),
        )
        .path(
            "/registros/{id}",
            get(
                "obtener_registro",
                "One property registration with its steps, by the property's id",
                vec![path_text("id")],
                registro(),
                &["404", "503"],
            ),
        )
}

pub fn openapi() -> OpenApi {
    let hallazgo = object(
        vec![("campo", text(None), true), ("problema", text(None), true)],
        false,
    );
    let auditoria = object(
        vec![
            ("id", text(None), true),
            ("tipo_entidad", text(None), true),
            ("id_entidad", text(None), true),
            ("resultado", text(None), true),
            (
                "hallazgos",
                ArrayBuilder::new().items(items(hallazgo)).into(),
                true,
            ),
            ("fecha", text(None), true),
        ],
        false,
    );
    let conteo = object(
        vec![
            ("campo", text(None), true),
            ("problema", text(None), true),
            ("total", integer(0, None), true),
        ],
        false,
    );
    let saga = object(
        vec![
            ("saga", text(None), true),
            ("id", text(None), true),
            ("tipo_entidad", text(None), true),
            ("id_entidad", text(None), true),
            ("estado", text(None), true),
            ("decision", text(None), true),
            ("motivos", text_list(None), true),
            ("intentos", integer(0, None), true),
            ("ultimo_error", nullable_text(), true),
            ("fecha_creacion", text(None), true),
            ("fecha_actualizacion", text(None), true),
        ],
        false,
    );
    let mut audit_params = vec![query("resultado", text(None)), query("tipo", text(None))];
    audit_params.extend(page_params());
    let mut saga_params = vec![query("estado", text(None))];
    saga_params.extend(page_params());
    let paths = utoipa::openapi::PathsBuilder::new()
        .path(
            "/auditorias",
            PathItem::new(
                HttpMethod::Get,
                operation(
                    "listar_auditorias",
                    "Audits by resultado and tipo",
                    audit_params,
                    None,
                    ("200", page_of(auditoria.clone())),
                    &["422", "503"],
                ),
            ),
        )
        .path(
            "/auditorias/faltantes",
            PathItem::new(
                HttpMethod::Get,
                operation(
                    "reporte_faltantes",
                    "Findings counted per campo and problema",
                    vec![],
                    None,
                    ("200", ArrayBuilder::new().items(items(conteo)).into()),
                    &["503"],
                ),
            ),
        )
        .path(
            "/auditorias/{id}",
            PathItem::new(
                HttpMethod::Get,
                operation(
                    "obtener_auditoria",
                    "One audit, by its id or the entity's",
                    vec![path_text("id")],
                    None,
                    ("200", auditoria),
                    &["404", "503"],
                ),
            ),
        )
        .path(
            "/sagas",
            PathItem::new(
                HttpMethod::Get,
                operation(
                    "listar_sagas",
                    "The saga log by estado (pendiente, completada, compensada, fallida): decision sagas and property registrations",
                    saga_params,
                    None,
                    ("200", page_of(saga)),
                    &["422", "503"],
                ),
            ),
        )
        ;
    document(registros_paths(paths).build())
}
