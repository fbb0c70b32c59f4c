//! HTTP plumbing the contexts' record APIs share (not their routes, which
//! each context writes): the 202 answer to a command, the paging and estado
//! query parameters, the body of a rejection, and where the routes live
//! (for their OpenAPI document).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::ApiError;
use crate::seedwork::application::{CommandContext, PageRequest};
use crate::seedwork::domain::{EntityId, Estado, Motivos};

/// Where a record's routes live, for its OpenAPI document.
#[derive(Debug, Clone, Copy)]
pub struct ReviewPaths {
    /// `/companias`
    pub collection: &'static str,
    /// `/companias/rechazadas`
    pub rejected: &'static str,
    /// The id's name in a 202 body: `id_compania`.
    pub id_field: &'static str,
    /// A field no two live records may share (a creation that repeats it
    /// answers 409), if the context has one.
    pub unique: Option<&'static str>,
}

/// `202 Accepted` with `{"id_comando", <id_field>}` and the conversation's
/// `x-correlation-id`.
pub fn accepted(id_field: &str, ctx: &CommandContext, id: EntityId) -> Response {
    let mut body = serde_json::Map::new();
    body.insert("id_comando".into(), ctx.command_id.clone().into());
    body.insert(id_field.into(), id.to_string().into());
    let mut response = (StatusCode::ACCEPTED, Json(body)).into_response();
    if let Ok(value) = ctx.correlation_id.parse() {
        response.headers_mut().insert("x-correlation-id", value);
    }
    response
}

/// `?estado=&page=&page_size=` of a list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    estado: Option<String>,
    page: Option<u32>,
    page_size: Option<u32>,
}

impl ListParams {
    pub fn parse(self) -> Result<(Option<Estado>, PageRequest), ApiError> {
        let estado = match self.estado.as_deref() {
            None | Some("") => None,
            Some(e) => Some(e.parse::<Estado>()?),
        };
        Ok((estado, PageRequest::parse(self.page, self.page_size)?))
    }
}

/// `?page=&page_size=` of a list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageParams {
    page: Option<u32>,
    page_size: Option<u32>,
}

impl PageParams {
    pub fn parse(self) -> Result<PageRequest, ApiError> {
        Ok(PageRequest::parse(self.page, self.page_size)?)
    }
}

/// The body of a rejection: `{"motivos": [..]}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MotivosBody {
    motivos: Vec<String>,
}

impl MotivosBody {
    pub fn parse(self) -> Result<Motivos, ApiError> {
        Ok(Motivos::parse(&self.motivos)?)
    }
}

/// A path segment as an entity id (422 naming `id` otherwise).
pub fn path_id(raw: &str) -> Result<EntityId, ApiError> {
    Ok(EntityId::parse("id", raw)?)
}
