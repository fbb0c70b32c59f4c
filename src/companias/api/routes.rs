use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use super::dto::{
    ComandoAceptado, CrearCompaniaBody, ListParams, PageParams, RechazarCompaniaBody,
};
use crate::companias::application::commands::{AprobarCompania, CrearCompania, RechazarCompania};
use crate::companias::application::queries::{
    ObtenerCompania, ObtenerCompanias, ObtenerCompaniasRechazadas,
};
use crate::companias::application::{CompaniaView, CompaniasError};
use crate::companias::domain::DatosCompania;
use crate::seedwork::api::{ApiError, ValidJson, ValidQuery};
use crate::seedwork::application::{
    CommandContext, CommandHandler, PageOf, PageRequest, QueryHandler, ask, dispatch,
};
use crate::seedwork::domain::{EntityId, Estado, Motivos};

/// The handlers the routes need, whatever adapters sit behind them.
pub trait CompaniaCommandHandlers:
    CommandHandler<CrearCompania, Error = CompaniasError>
    + CommandHandler<AprobarCompania, Error = CompaniasError>
    + CommandHandler<RechazarCompania, Error = CompaniasError>
    + 'static
{
}
impl<T> CompaniaCommandHandlers for T where
    T: CommandHandler<CrearCompania, Error = CompaniasError>
        + CommandHandler<AprobarCompania, Error = CompaniasError>
        + CommandHandler<RechazarCompania, Error = CompaniasError>
        + 'static
{
}

pub trait CompaniaQueryHandlers:
    QueryHandler<ObtenerCompania, Error = CompaniasError>
    + QueryHandler<ObtenerCompanias, Error = CompaniasError>
    + QueryHandler<ObtenerCompaniasRechazadas, Error = CompaniasError>
    + 'static
{
}
impl<T> CompaniaQueryHandlers for T where
    T: QueryHandler<ObtenerCompania, Error = CompaniasError>
        + QueryHandler<ObtenerCompanias, Error = CompaniasError>
        + QueryHandler<ObtenerCompaniasRechazadas, Error = CompaniasError>
        + 'static
{
}

struct AppState<C, Q> {
    commands: Arc<C>,
    queries: Arc<Q>,
}

impl<C, Q> Clone for AppState<C, Q> {
    fn clone(&self) -> Self {
        Self {
            commands: self.commands.clone(),
            queries: self.queries.clone(),
        }
    }
}

pub fn router<C: CompaniaCommandHandlers, Q: CompaniaQueryHandlers>(
    commands: Arc<C>,
    queries: Arc<Q>,
) -> Router {
    Router::new()
        .route("/companias", post(crear::<C, Q>).get(listar::<C, Q>))
        .route("/companias/rechazadas", get(rechazadas::<C, Q>))
        .route("/companias/{id}", get(obtener::<C, Q>))
        .route("/companias/{id}/aprobar", post(aprobar::<C, Q>))
        .route("/companias/{id}/rechazar", post(rechazar::<C, Q>))
        .with_state(AppState { commands, queries })
}

fn accepted(ctx: &CommandContext, id: EntityId) -> (StatusCode, Json<ComandoAceptado>) {
    (
        StatusCode::ACCEPTED,
        Json(ComandoAceptado {
            id_comando: ctx.command_id.clone(),
            id_compania: id.to_string(),
        }),
    )
}

async fn crear<C: CompaniaCommandHandlers, Q>(
    State(state): State<AppState<C, Q>>,
    ValidJson(body): ValidJson<CrearCompaniaBody>,
) -> Result<(StatusCode, Json<ComandoAceptado>), ApiError> {
    let datos = DatosCompania::parse(&body.nombre, &body.email, &body.identificacion)
        .map_err(CompaniasError::from)?;
    let ctx = CommandContext::new_root();
    let id = dispatch(
        state.commands.as_ref(),
        CrearCompania {
            id: EntityId::new(),
            datos,
        },
        ctx.clone(),
    )
    .await?;
    Ok(accepted(&ctx, id))
}

async fn aprobar<C: CompaniaCommandHandlers, Q>(
    State(state): State<AppState<C, Q>>,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<ComandoAceptado>), ApiError> {
    let id = EntityId::parse("id", &id)?;
    let ctx = CommandContext::new_root();
    dispatch(state.commands.as_ref(), AprobarCompania { id }, ctx.clone()).await?;
    Ok(accepted(&ctx, id))
}

async fn rechazar<C: CompaniaCommandHandlers, Q>(
    State(state): State<AppState<C, Q>>,
    Path(id): Path<String>,
    ValidJson(body): ValidJson<RechazarCompaniaBody>,
) -> Result<(StatusCode, Json<ComandoAceptado>), ApiError> {
    let id = EntityId::parse("id", &id)?;
    let motivos = Motivos::parse(&body.motivos)?;
    let ctx = CommandContext::new_root();
    dispatch(
        state.commands.as_ref(),
        RechazarCompania { id, motivos },
        ctx.clone(),
    )
    .await?;
    Ok(accepted(&ctx, id))
}

async fn obtener<C, Q: CompaniaQueryHandlers>(
    State(state): State<AppState<C, Q>>,
    Path(id): Path<String>,
) -> Result<Json<CompaniaView>, ApiError> {
    let id = EntityId::parse("id", &id)?;
    Ok(Json(
        ask(state.queries.as_ref(), ObtenerCompania { id }).await?,
    ))
}

async fn listar<C, Q: CompaniaQueryHandlers>(
    State(state): State<AppState<C, Q>>,
    ValidQuery(params): ValidQuery<ListParams>,
) -> Result<Json<PageOf<CompaniaView>>, ApiError> {
    let estado = match params.estado.as_deref() {
        None | Some("") => None,
        Some(e) => Some(e.parse::<Estado>()?),
    };
    let page = PageRequest::parse(params.page, params.page_size)?;
    Ok(Json(
        ask(state.queries.as_ref(), ObtenerCompanias { estado, page }).await?,
    ))
}

async fn rechazadas<C, Q: CompaniaQueryHandlers>(
    State(state): State<AppState<C, Q>>,
    ValidQuery(params): ValidQuery<PageParams>,
) -> Result<Json<PageOf<CompaniaView>>, ApiError> {
    let page = PageRequest::parse(params.page, params.page_size)?;
    Ok(Json(
        ask(state.queries.as_ref(), ObtenerCompaniasRechazadas { page }).await?,
    ))
}
