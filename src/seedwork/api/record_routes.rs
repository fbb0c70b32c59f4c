//! The routes every record context offers, written once: create, list,
//! list the rejected, read one, approve, reject. A context configures them
//! with its paths and a [`RecordApi`]: how its creation body becomes its
//! command and which of its use cases each route calls (its commands,
//! queries and errors stay its own).
//!
//! `POST <collection>` → [`crear`] → `RecordApi::crear` (the context's
//! command) → its service → its handler.

use std::sync::Arc;

use async_trait::async_trait;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{
    ApiError, Correlation, ListParams, MotivosBody, PageParams, ReviewPaths, ValidJson, ValidQuery,
    accepted, path_id,
};
use crate::seedwork::application::{CommandContext, PageOf, PageRequest};
use crate::seedwork::domain::{EntityId, Estado, Motivos};

/// What one record context answers on its routes, in its own terms.
#[async_trait]
pub trait RecordApi: Send + Sync + 'static {
    /// The creation body as it arrives (unknown fields refused).
    type Body: DeserializeOwned + Send + 'static;
    /// A record as the reads show it.
    type Vista: Serialize + Send;

    /// Where the routes live and how a 202 names the id.
    const PATHS: ReviewPaths;

    /// Parses the body into the context's creation command and sends it.
    async fn crear(&self, body: Self::Body, ctx: CommandContext) -> Result<EntityId, ApiError>;
    async fn aprobar(&self, id: EntityId, ctx: CommandContext) -> Result<(), ApiError>;
    async fn rechazar(
        &self,
        id: EntityId,
        motivos: Motivos,
        ctx: CommandContext,
    ) -> Result<(), ApiError>;
    async fn obtener(&self, id: EntityId) -> Result<Self::Vista, ApiError>;
    async fn listar(
        &self,
        estado: Option<Estado>,
        page: PageRequest,
    ) -> Result<PageOf<Self::Vista>, ApiError>;
}

/// The six routes of a record context, over `api`.
pub fn record_router<A: RecordApi>(api: Arc<A>) -> Router {
    let p = A::PATHS;
    let uno = |sufijo: &str| format!("{}/{{id}}{sufijo}", p.collection);
    Router::new()
        .route(p.collection, post(crear::<A>).get(listar::<A>))
        .route(p.rejected, get(rechazadas::<A>))
        .route(&uno(""), get(obtener::<A>))
        .route(&uno("/aprobar"), post(aprobar::<A>))
        .route(&uno("/rechazar"), post(rechazar::<A>))
        .with_state(api)
}

fn contexto(correlation: Option<String>) -> CommandContext {
    CommandContext::new_root_correlated(correlation.as_deref())
}

async fn crear<A: RecordApi>(
    State(api): State<Arc<A>>,
    Correlation(correlation): Correlation,
    ValidJson(body): ValidJson<A::Body>,
) -> Result<Response, ApiError> {
    let ctx = contexto(correlation);
    let id = api.crear(body, ctx.clone()).await?;
    Ok(accepted(A::PATHS.id_field, &ctx, id))
}

async fn aprobar<A: RecordApi>(
    State(api): State<Arc<A>>,
    Correlation(correlation): Correlation,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let ctx = contexto(correlation);
    api.aprobar(id, ctx.clone()).await?;
    Ok(accepted(A::PATHS.id_field, &ctx, id))
}

async fn rechazar<A: RecordApi>(
    State(api): State<Arc<A>>,
    Correlation(correlation): Correlation,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<MotivosBody>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let motivos = body.parse()?;
    let ctx = contexto(correlation);
    api.rechazar(id, motivos, ctx.clone()).await?;
    Ok(accepted(A::PATHS.id_field, &ctx, id))
}

async fn obtener<A: RecordApi>(
    State(api): State<Arc<A>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    Ok(Json(api.obtener(id).await?).into_response())
}

async fn listar<A: RecordApi>(
    State(api): State<Arc<A>>,
    ValidQuery(params): ValidQuery<ListParams>,
) -> Result<Response, ApiError> {
    let (estado, page) = params.parse()?;
    Ok(Json(api.listar(estado, page).await?).into_response())
}

async fn rechazadas<A: RecordApi>(
    State(api): State<Arc<A>>,
    ValidQuery(params): ValidQuery<PageParams>,
) -> Result<Response, ApiError> {
    let page = params.parse()?;
    Ok(Json(api.listar(Some(Estado::Rechazada), page).await?).into_response())
}
