//! The HTTP routes every reviewable aggregate has, written once:
//! `POST /x`, `POST /x/{id}/aprobar`, `POST /x/{id}/rechazar`,
//! `GET /x?estado=&page=&page_size=`, `GET /x/{id}`, `GET /x/<rechazadas>`.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{ApiError, Correlation, ValidJson, ValidQuery};
use crate::seedwork::application::review::{
    Aprobar, Crear, Listar, ObtenerPorId, Rechazar, ReviewUseCaseError,
};
use crate::seedwork::application::{CommandContext, Dispatch, PageRequest, QueryHandler, ask};
use crate::seedwork::domain::{
    DatosRegistro, DomainError, EntityId, Estado, FieldError, Motivos, Registro, Reviewable,
};

impl From<ReviewUseCaseError> for ApiError {
    fn from(error: ReviewUseCaseError) -> Self {
        match error {
            ReviewUseCaseError::NotFound { kind, id } => ApiError::NotFound { resource: kind, id },
            ReviewUseCaseError::AlreadyExists { .. } => ApiError::Conflict(error.to_string()),
            ReviewUseCaseError::Domain(DomainError::InvalidField(f)) => f.into(),
            ReviewUseCaseError::Domain(DomainError::InvalidTransition(t)) => {
                ApiError::Conflict(t.to_string())
            }
            ReviewUseCaseError::Store(e) => e.into(),
            ReviewUseCaseError::Encoding(e) => ApiError::Internal(e.to_string()),
        }
    }
}

/// The JSON body of `POST /x`, parsed into the aggregate's validated data.
pub trait CreationBody<A: Reviewable>: DeserializeOwned + Send + 'static {
    fn into_datos(self) -> Result<A::Datos, FieldError>;
}

/// The creation body of a registered record: an object of its text fields.
/// A missing field counts as blank (ingestion accepts incomplete data); an
/// unknown field or a non-text value is refused, naming the field.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct RegistroBody<D> {
    fields: std::collections::BTreeMap<String, serde_json::Value>,
    #[serde(skip)]
    _datos: PhantomData<fn() -> D>,
}

impl<D: DatosRegistro> CreationBody<Registro<D>> for RegistroBody<D> {
    fn into_datos(self) -> Result<D, FieldError> {
        let mut values = std::collections::BTreeMap::new();
        for (name, value) in self.fields {
            if !D::FIELDS.contains(&name.as_str()) {
                return Err(FieldError::new(
                    name,
                    format!("unknown field; expected one of {}", D::FIELDS.join(", ")),
                ));
            }
            match value {
                serde_json::Value::String(text) => {
                    values.insert(name, text);
                }
                serde_json::Value::Null => {}
                other => {
                    return Err(FieldError::new(
                        name,
                        format!("must be a string, got {other}"),
                    ));
                }
            }
        }
        D::parse(&|f: &str| values.get(f).cloned().unwrap_or_default())
    }
}

/// Where a reviewable aggregate's routes live.
#[derive(Debug, Clone, Copy)]
pub struct ReviewPaths {
    /// `/companias`
    pub collection: &'static str,
    /// `/companias/rechazadas`
    pub rejected: &'static str,
    /// The id's name in a 202 body: `id_compania`.
    pub id_field: &'static str,
}

/// Command handlers the routes need, whatever adapters sit behind them.
pub trait ReviewCommandHandlers<A: Reviewable>:
    Dispatch<Crear<A>, Error = ReviewUseCaseError>
    + Dispatch<Aprobar<A>, Error = ReviewUseCaseError>
    + Dispatch<Rechazar<A>, Error = ReviewUseCaseError>
    + 'static
{
}
impl<A: Reviewable, T> ReviewCommandHandlers<A> for T where
    T: Dispatch<Crear<A>, Error = ReviewUseCaseError>
        + Dispatch<Aprobar<A>, Error = ReviewUseCaseError>
        + Dispatch<Rechazar<A>, Error = ReviewUseCaseError>
        + 'static
{
}

pub trait ReviewQueryHandlers<V: Send + 'static>:
    QueryHandler<ObtenerPorId<V>, Error = ReviewUseCaseError>
    + QueryHandler<Listar<V>, Error = ReviewUseCaseError>
    + 'static
{
}
impl<V: Send + 'static, T> ReviewQueryHandlers<V> for T where
    T: QueryHandler<ObtenerPorId<V>, Error = ReviewUseCaseError>
        + QueryHandler<Listar<V>, Error = ReviewUseCaseError>
        + 'static
{
}

/// Which aggregate, body and view the routes serve (no data, only types).
type Marker<A, B, V> = PhantomData<fn() -> (A, B, V)>;

struct Api<A, B, V, C, Q> {
    paths: ReviewPaths,
    commands: Arc<C>,
    queries: Arc<Q>,
    _types: Marker<A, B, V>,
}

impl<A, B, V, C, Q> Clone for Api<A, B, V, C, Q> {
    fn clone(&self) -> Self {
        Self {
            paths: self.paths,
            commands: self.commands.clone(),
            queries: self.queries.clone(),
            _types: PhantomData,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RechazarBody {
    motivos: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    estado: Option<String>,
    page: Option<u32>,
    page_size: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageParams {
    page: Option<u32>,
    page_size: Option<u32>,
}

/// The router of one reviewable aggregate `A`, created from bodies `B`,
/// read as views `V`.
pub fn review_router<A, B, V, C, Q>(paths: ReviewPaths, commands: Arc<C>, queries: Arc<Q>) -> Router
where
    A: Reviewable,
    B: CreationBody<A>,
    V: Serialize + Send + 'static,
    C: ReviewCommandHandlers<A>,
    Q: ReviewQueryHandlers<V>,
{
    let item = format!("{}/{{id}}", paths.collection);
    Router::new()
        .route(
            paths.collection,
            post(crear::<A, B, V, C, Q>).get(listar::<A, B, V, C, Q>),
        )
        .route(paths.rejected, get(rechazados::<A, B, V, C, Q>))
        .route(&item, get(obtener::<A, B, V, C, Q>))
        .route(&format!("{item}/aprobar"), post(aprobar::<A, B, V, C, Q>))
        .route(&format!("{item}/rechazar"), post(rechazar::<A, B, V, C, Q>))
        .with_state(Api::<A, B, V, C, Q> {
            paths,
            commands,
            queries,
            _types: PhantomData,
        })
}

fn accepted(paths: &ReviewPaths, ctx: &CommandContext, id: EntityId) -> Response {
    let mut body = serde_json::Map::new();
    body.insert("id_comando".into(), ctx.command_id.clone().into());
    body.insert(paths.id_field.into(), id.to_string().into());
    let mut response = (StatusCode::ACCEPTED, Json(body)).into_response();
    if let Ok(value) = ctx.correlation_id.parse() {
        response.headers_mut().insert("x-correlation-id", value);
    }
    response
}

async fn crear<A, B, V, C, Q>(
    State(api): State<Api<A, B, V, C, Q>>,
    Correlation(correlation): Correlation,
    ValidJson(body): ValidJson<B>,
) -> Result<Response, ApiError>
where
    A: Reviewable,
    B: CreationBody<A>,
    C: ReviewCommandHandlers<A>,
{
    let datos = body.into_datos()?;
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    let id = api
        .commands
        .dispatch(
            Crear::<A> {
                id: EntityId::new(),
                datos,
            },
            ctx.clone(),
        )
        .await?;
    Ok(accepted(&api.paths, &ctx, id))
}

async fn aprobar<A, B, V, C, Q>(
    State(api): State<Api<A, B, V, C, Q>>,
    Correlation(correlation): Correlation,
    Path(id): Path<String>,
) -> Result<Response, ApiError>
where
    A: Reviewable,
    C: ReviewCommandHandlers<A>,
{
    let id = EntityId::parse("id", &id)?;
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    api.commands
        .dispatch(Aprobar::<A>::new(id), ctx.clone())
        .await?;
    Ok(accepted(&api.paths, &ctx, id))
}

async fn rechazar<A, B, V, C, Q>(
    State(api): State<Api<A, B, V, C, Q>>,
    Correlation(correlation): Correlation,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<RechazarBody>,
) -> Result<Response, ApiError>
where
    A: Reviewable,
    C: ReviewCommandHandlers<A>,
{
    let id = EntityId::parse("id", &id)?;
    let motivos = Motivos::parse(&body.motivos)?;
    let ctx = CommandContext::new_root_correlated(correlation.as_deref());
    api.commands
        .dispatch(Rechazar::<A>::new(id, motivos), ctx.clone())
        .await?;
    Ok(accepted(&api.paths, &ctx, id))
}

async fn obtener<A, B, V, C, Q>(
    State(api): State<Api<A, B, V, C, Q>>,
    Path(id): Path<String>,
) -> Result<Json<V>, ApiError>
where
    V: Serialize + Send + 'static,
    Q: ReviewQueryHandlers<V>,
{
    let id = EntityId::parse("id", &id)?;
    Ok(Json(
        ask(api.queries.as_ref(), ObtenerPorId::<V>::new(id)).await?,
    ))
}

async fn listar<A, B, V, C, Q>(
    State(api): State<Api<A, B, V, C, Q>>,
    ValidQuery(params): ValidQuery<ListParams>,
) -> Result<Response, ApiError>
where
    V: Serialize + Send + 'static,
    Q: ReviewQueryHandlers<V>,
{
    let estado = match params.estado.as_deref() {
        None | Some("") => None,
        Some(e) => Some(e.parse::<Estado>()?),
    };
    let page = PageRequest::parse(params.page, params.page_size)?;
    Ok(Json(ask(api.queries.as_ref(), Listar::<V>::new(estado, page)).await?).into_response())
}

async fn rechazados<A, B, V, C, Q>(
    State(api): State<Api<A, B, V, C, Q>>,
    ValidQuery(params): ValidQuery<PageParams>,
) -> Result<Response, ApiError>
where
    V: Serialize + Send + 'static,
    Q: ReviewQueryHandlers<V>,
{
    let page = PageRequest::parse(params.page, params.page_size)?;
    Ok(Json(
        ask(
            api.queries.as_ref(),
            Listar::<V>::new(Some(Estado::Rechazada), page),
        )
        .await?,
    )
    .into_response())
}
