use std::collections::BTreeMap;
use std::sync::Arc;

use async_graphql::{Context, ID, Object, Schema, Subscription};
use futures::{Stream, StreamExt};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

use super::errors::{autorizar, bad_input, coded, enviar, store};
use super::listas::{
    Lista, Pedido, PedidoAuditorias, listar, listar_auditorias, listar_registros_propiedad,
};
use super::operaciones::{
    CartaDescartada, Operaciones, ResultadoReintento, Sesion, descartar, operaciones, reintentar,
    sesion, token_de_desarrollo,
};
use super::types::{
    Auditoria, ComandoAceptado, Compania, ConteoFaltante, CrearCompaniaInput,
    CrearDatosGeograficosInput, CrearPropiedadInput, DatosGeograficos, Estado, EstadoDeComando,
    FiltroHallazgo, Orden, Propiedad, RegistrarPropiedadInput, RegistroPropiedad, TipoEntidad,
};
use crate::bff_web::application::EnviarComandos;
use crate::bff_web::application::{
    Cambio, ComandoSaliente, Operaciones as OperacionesPort, Proyecciones, TipoRegistro,
};
use crate::bff_web::domain::Revision;
use crate::seedwork::application::{Authenticator, StoreError};
use crate::seedwork::domain::Accion;
use crate::seedwork::domain::{BoundedText, EntityId, FieldError, Motivos, Principal};

pub type BffSchema = Schema<Query, Mutation, SubscriptionRoot>;

/// The schema with its limits: nesting depth 16 (the standard introspection
/// query is 13 deep), complexity 500, and the
/// document's cost bounded before it is parsed (see `guard`).
pub fn build_schema(
    proyecciones: Arc<dyn Proyecciones>,
    commands: Arc<dyn EnviarComandos>,
    cambios: broadcast::Sender<Cambio>,
    auth: Arc<dyn Authenticator>,
    operaciones: Arc<dyn OperacionesPort>,
) -> BffSchema {
    Schema::build(Query, Mutation, SubscriptionRoot)
        .data(proyecciones)
        .data(commands)
        .data(cambios)
        .data(auth)
        .data(operaciones)
        .limit_depth(16)
        .limit_complexity(500)
        .extension(super::guard::Limites)
        .finish()
}

fn store_err(e: StoreError) -> async_graphql::Error {
    store(e)
}

pub struct Query;

#[Object]
impl Query {
    /// A page of Compania records, filtered by estado, by a finding of their
    /// audit and by text (name, NIT, identificación catastral or id),
    /// ordered by date or name; `totalCount` counts every match.
    #[allow(clippy::too_many_arguments)]
    async fn companias(
        &self,
        ctx: &Context<'_>,
        estado: Option<Estado>,
        hallazgo: Option<FiltroHallazgo>,
        buscar: Option<String>,
        #[graphql(default)] orden: Orden,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Lista<Compania>> {
        let pedido = Pedido {
            estado,
            hallazgo,
            buscar,
            orden,
            first,
            after,
        };
        listar(ctx, TipoRegistro::Compania, pedido).await
    }

    async fn compania(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Compania>> {
        autorizar(ctx, Accion::Consultar)?;
        let store = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
        Ok(store
            .registro(TipoRegistro::Compania, &id)
            .await
            .map_err(store_err)?
            .map(Compania::from))
    }

    /// A page of DatosGeograficos records, filtered by estado, by a finding of their
    /// audit and by text (name, NIT, identificación catastral or id),
    /// ordered by date or name; `totalCount` counts every match.
    #[allow(clippy::too_many_arguments)]
    async fn datos_geograficos(
        &self,
        ctx: &Context<'_>,
        estado: Option<Estado>,
        hallazgo: Option<FiltroHallazgo>,
        buscar: Option<String>,
        #[graphql(default)] orden: Orden,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Lista<DatosGeograficos>> {
        let pedido = Pedido {
            estado,
            hallazgo,
            buscar,
            orden,
            first,
            after,
        };
        listar(ctx, TipoRegistro::DatosGeograficos, pedido).await
    }

    /// A page of Propiedad records, filtered by estado, by a finding of their
    /// audit and by text (name, NIT, identificación catastral or id),
    /// ordered by date or name; `totalCount` counts every match.
    #[allow(clippy::too_many_arguments)]
    async fn propiedades(
        &self,
        ctx: &Context<'_>,
        estado: Option<Estado>,
        hallazgo: Option<FiltroHallazgo>,
        buscar: Option<String>,
        #[graphql(default)] orden: Orden,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Lista<Propiedad>> {
        let pedido = Pedido {
            estado,
            hallazgo,
            buscar,
            orden,
            first,
            after,
        };
        listar(ctx, TipoRegistro::Propiedad, pedido).await
    }

    async fn propiedad(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Propiedad>> {
        autorizar(ctx, Accion::Consultar)?;
        let store = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
        Ok(store
            .registro(TipoRegistro::Propiedad, &id)
            .await
            .map_err(store_err)?
            .map(Propiedad::from))
    }

    /// Property registrations (the saga), newest first, of one estado
    /// (`en_curso`, `completada`, `compensada`, `fallida`, in any case) or
    /// all: the operations view lists the `fallida` ones. Any other estado
    /// is refused (`BAD_USER_INPUT`, naming `estado`).
    async fn registros_propiedad(
        &self,
        ctx: &Context<'_>,
        estado: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Lista<RegistroPropiedad>> {
        listar_registros_propiedad(ctx, estado, first, after).await
    }

    /// A property registration's progress (the saga), by the property's id.
    async fn registro_propiedad(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<RegistroPropiedad>> {
        autorizar(ctx, Accion::Consultar)?;
        let store = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
        Ok(store
            .registro_propiedad(&id)
            .await
            .map_err(store_err)?
            .map(RegistroPropiedad::from))
    }

    async fn dato_geografico(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<DatosGeograficos>> {
        autorizar(ctx, Accion::Consultar)?;
        let store = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
        Ok(store
            .registro(TipoRegistro::DatosGeograficos, &id)
            .await
            .map_err(store_err)?
            .map(DatosGeograficos::from))
    }

    /// Audits, newest verdict first, by resultado, kind and finding.
    async fn auditorias(
        &self,
        ctx: &Context<'_>,
        resultado: Option<Estado>,
        tipo: Option<TipoEntidad>,
        hallazgo: Option<FiltroHallazgo>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Lista<Auditoria>> {
        let pedido = PedidoAuditorias {
            resultado,
            tipo,
            hallazgo,
            first,
            after,
        };
        listar_auditorias(ctx, pedido).await
    }

    async fn reporte_faltantes(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ConteoFaltante>> {
        autorizar(ctx, Accion::Consultar)?;
        let store = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
        let filas = store.reporte_faltantes().await.map_err(store_err)?;
        let mut conteos = Vec::with_capacity(filas.len());
        for (tipo, campo, problema, total) in filas {
            // An unknown type is stored wrongly: an error, not a company.
            let tipo = TipoRegistro::parse(&tipo).ok_or_else(|| {
                store_err(StoreError::Backend(format!(
                    "stored audit has unknown tipo_entidad {tipo:?}"
                )))
            })?;
            conteos.push(ConteoFaltante {
                tipo_entidad: tipo.into(),
                explicacion: super::explicaciones::explicar(&campo, &problema),
                campo,
                problema,
                total,
            });
        }
        Ok(conteos)
    }

    /// Who is signed in and what they may do.
    async fn sesion(&self, ctx: &Context<'_>) -> async_graphql::Result<Sesion> {
        sesion(ctx)
    }

    /// Services' health, outbox backlog and consumers; the dead letters.
    async fn operaciones(&self, ctx: &Context<'_>) -> async_graphql::Result<Operaciones> {
        operaciones(ctx)
    }

    async fn estado_comando(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<EstadoDeComando> {
        autorizar(ctx, Accion::Consultar)?;
        let store = ctx.data_unchecked::<Arc<dyn Proyecciones>>();
        store
            .comando(&id)
            .await
            .map_err(store_err)?
            .map(EstadoDeComando::from)
            .ok_or_else(|| coded("NOT_FOUND", format!("no command {}", id.as_str())))
    }
}

pub struct Mutation;

fn texto(field: &str, value: &str) -> async_graphql::Result<String> {
    BoundedText::parse(field, value)
        .map(|t| t.as_str().to_owned())
        .map_err(bad_input)
}

/// A v2 field (nullable on the wire): sent only when given, so a blank one
/// is written as null.
fn opcional(
    campos: &mut BTreeMap<String, String>,
    field: &str,
    value: &str,
) -> async_graphql::Result<()> {
    let value = texto(field, value)?;
    if !value.is_empty() {
        campos.insert(field.to_owned(), value);
    }
    Ok(())
}

fn entity(id: &ID) -> async_graphql::Result<EntityId> {
    EntityId::parse("id", id).map_err(bad_input)
}

async fn send(
    ctx: &Context<'_>,
    comando: ComandoSaliente,
) -> async_graphql::Result<ComandoAceptado> {
    let id_entidad = comando.id().to_string();
    let commands = ctx.data_unchecked::<Arc<dyn EnviarComandos>>();
    let correlation = ctx
        .data_opt::<super::contexto::CorrelationId>()
        .map(|c| c.0.as_str());
    let envio = commands
        .enviar(comando, correlation)
        .await
        .map_err(enviar)?;
    Ok(ComandoAceptado {
        id_comando: ID(envio.id_comando),
        estado: envio.estado.into(),
        id_entidad: ID(id_entidad),
    })
}

#[Object]
impl Mutation {
    /// Approves a record whose audit is EnRevision (auditor), with a reason.
    async fn aprobar_revision(
        &self,
        ctx: &Context<'_>,
        tipo: TipoEntidad,
        id: ID,
        motivo: String,
    ) -> async_graphql::Result<ComandoAceptado> {
        revisar(ctx, tipo, &id, Revision::Aprobar, &motivo).await
    }

    /// Rejects a record whose audit is EnRevision (auditor), with a reason.
    async fn rechazar_revision(
        &self,
        ctx: &Context<'_>,
        tipo: TipoEntidad,
        id: ID,
        motivo: String,
    ) -> async_graphql::Result<ComandoAceptado> {
        revisar(ctx, tipo, &id, Revision::Rechazar, &motivo).await
    }

    /// Takes a decided record (Aprobada or Rechazada) back to review
    /// (auditor), with a reason; its next decision revises the source's.
    async fn reabrir_auditoria(
        &self,
        ctx: &Context<'_>,
        tipo: TipoEntidad,
        id: ID,
        motivo: String,
    ) -> async_graphql::Result<ComandoAceptado> {
        revisar(ctx, tipo, &id, Revision::Reabrir, &motivo).await
    }

    /// A token for `rol` (operador or auditor), offered only for local use
    /// (anonymous access on): the web UI's development sign-in.
    async fn iniciar_sesion_desarrollo(
        &self,
        ctx: &Context<'_>,
        rol: String,
    ) -> async_graphql::Result<String> {
        token_de_desarrollo(ctx, &rol)
    }

    /// Re-publishes the dead letters of `topic` (one with `id`, or all) to
    /// their subscriptions (operador or auditor) and reports what became
    /// of them after a few seconds.
    async fn reintentar_cartas_muertas(
        &self,
        ctx: &Context<'_>,
        topic: String,
        id: Option<String>,
    ) -> async_graphql::Result<ResultadoReintento> {
        reintentar(ctx, &topic, id.as_deref()).await
    }

    /// Takes the dead letter `id` of `topic` off the bus without replaying
    /// it (operador), with a written reason; who and why are recorded.
    async fn descartar_carta_muerta(
        &self,
        ctx: &Context<'_>,
        topic: String,
        id: String,
        motivo: String,
    ) -> async_graphql::Result<CartaDescartada> {
        descartar(ctx, &topic, &id, &motivo).await
    }

    /// Registers a company (operador). Blank fields are accepted: the audit judges them.
    async fn crear_compania(
        &self,
        ctx: &Context<'_>,
        input: CrearCompaniaInput,
    ) -> async_graphql::Result<ComandoAceptado> {
        autorizar(ctx, Accion::Crear)?;
        let mut campos = BTreeMap::from([
            ("nombre".to_owned(), texto("nombre", &input.nombre)?),
            ("email".to_owned(), texto("email", &input.email)?),
            (
                "identificacion".to_owned(),
                texto("identificacion", &input.identificacion)?,
            ),
        ]);
        opcional(&mut campos, "pais", &input.pais)?;
        opcional(&mut campos, "telefono", &input.telefono)?;
        send(
            ctx,
            ComandoSaliente::Crear {
                tipo: TipoRegistro::Compania,
                id: EntityId::new(),
                campos,
            },
        )
        .await
    }

    /// Registers a property and its geographic data as one saga (operador):
    /// `RegistrarPropiedad` to auditoria, which creates both, audits both,
    /// and approves both or rejects both. `idEntidad` is the property's id:
    /// follow it with `registroPropiedad`.
    async fn registrar_propiedad(
        &self,
        ctx: &Context<'_>,
        input: RegistrarPropiedadInput,
    ) -> async_graphql::Result<ComandoAceptado> {
        autorizar(ctx, Accion::Crear)?;
        let mut campos = BTreeMap::from([
            ("nombre".to_owned(), texto("nombre", &input.nombre)?),
            (
                "identificacion_catastral".to_owned(),
                texto("identificacionCatastral", &input.identificacion_catastral)?,
            ),
            ("nit".to_owned(), texto("nit", &input.nit)?),
            ("latitud".to_owned(), texto("latitud", &input.latitud)?),
            ("longitud".to_owned(), texto("longitud", &input.longitud)?),
        ]);
        opcional(&mut campos, "direccion", &input.direccion)?;
        send(
            ctx,
            ComandoSaliente::Registrar {
                id: EntityId::new(),
                campos,
            },
        )
        .await
    }

    /// `crearDatosGeograficos` by its first, misleading name: kept for one
    /// release.
    #[graphql(
        deprecation = "use crearDatosGeograficos: it creates a property's geographic data, not the property"
    )]
    async fn crear_propiedad(
        &self,
        ctx: &Context<'_>,
        input: CrearPropiedadInput,
    ) -> async_graphql::Result<ComandoAceptado> {
        self.crear_datos_geograficos(ctx, input.into()).await
    }

    /// Registers a property's geographic data alone (operador):
    /// `CrearDatosGeograficos`. `registrarPropiedad` registers the property too.
    async fn crear_datos_geograficos(
        &self,
        ctx: &Context<'_>,
        input: CrearDatosGeograficosInput,
    ) -> async_graphql::Result<ComandoAceptado> {
        autorizar(ctx, Accion::Crear)?;
        let mut campos = BTreeMap::from([
            (
                "nombre_propiedad".to_owned(),
                texto("nombrePropiedad", &input.nombre_propiedad)?,
            ),
            ("latitud".to_owned(), texto("latitud", &input.latitud)?),
            ("longitud".to_owned(), texto("longitud", &input.longitud)?),
        ]);
        opcional(&mut campos, "direccion", &input.direccion)?;
        send(
            ctx,
            ComandoSaliente::Crear {
                tipo: TipoRegistro::DatosGeograficos,
                id: EntityId::new(),
                campos,
            },
        )
        .await
    }

    async fn aprobar_compania(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ComandoAceptado> {
        decidir(ctx, TipoRegistro::Compania, &id, None).await
    }

    async fn rechazar_compania(
        &self,
        ctx: &Context<'_>,
        id: ID,
        motivos: Vec<String>,
    ) -> async_graphql::Result<ComandoAceptado> {
        decidir(ctx, TipoRegistro::Compania, &id, Some(&motivos)).await
    }

    async fn aprobar_propiedad(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ComandoAceptado> {
        decidir(ctx, TipoRegistro::Propiedad, &id, None).await
    }

    async fn rechazar_propiedad(
        &self,
        ctx: &Context<'_>,
        id: ID,
        motivos: Vec<String>,
    ) -> async_graphql::Result<ComandoAceptado> {
        decidir(ctx, TipoRegistro::Propiedad, &id, Some(&motivos)).await
    }

    async fn aprobar_datos_geograficos(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ComandoAceptado> {
        decidir(ctx, TipoRegistro::DatosGeograficos, &id, None).await
    }

    async fn rechazar_datos_geograficos(
        &self,
        ctx: &Context<'_>,
        id: ID,
        motivos: Vec<String>,
    ) -> async_graphql::Result<ComandoAceptado> {
        decidir(ctx, TipoRegistro::DatosGeograficos, &id, Some(&motivos)).await
    }
}

/// An auditor's review of a record's audit, with their written reason:
/// refused at once (INVALID_TRANSITION) when the record's estado does not
/// allow it.
async fn revisar(
    ctx: &Context<'_>,
    tipo: TipoEntidad,
    id: &ID,
    revision: Revision,
    motivo: &str,
) -> async_graphql::Result<ComandoAceptado> {
    autorizar(ctx, Accion::Decidir)?;
    let id = entity(id)?;
    let motivo = texto("motivo", motivo)?;
    if motivo.trim().is_empty() {
        return Err(bad_input(FieldError::new(
            "motivo",
            "a written reason is required",
        )));
    }
    let revisor = match ctx.data_opt::<super::errors::AuthState>() {
        Some(Ok(Principal::Usuario { sujeto, .. })) => sujeto.clone(),
        _ => "local (sin sesión)".to_owned(),
    };
    send(
        ctx,
        ComandoSaliente::Revisar {
            tipo: tipo.into(),
            id,
            revision,
            motivo: motivo.trim().to_owned(),
            revisor,
        },
    )
    .await
}

/// An auditor's manual decision: approve, or reject with `motivos`.
async fn decidir(
    ctx: &Context<'_>,
    tipo: TipoRegistro,
    id: &ID,
    motivos: Option<&[String]>,
) -> async_graphql::Result<ComandoAceptado> {
    autorizar(ctx, Accion::Decidir)?;
    let id = entity(id)?;
    let comando = match motivos {
        None => ComandoSaliente::Aprobar { tipo, id },
        Some(m) => ComandoSaliente::Rechazar {
            tipo,
            id,
            motivos: Motivos::parse(m).map_err(bad_input)?,
        },
    };
    send(ctx, comando).await
}

pub struct SubscriptionRoot;

fn feed(ctx: &Context<'_>) -> async_graphql::Result<BroadcastStream<Cambio>> {
    autorizar(ctx, Accion::Consultar)?;
    Ok(BroadcastStream::new(
        ctx.data_unchecked::<broadcast::Sender<Cambio>>()
            .subscribe(),
    ))
}

#[Subscription]
impl SubscriptionRoot {
    /// A company's projection changed (created, approved, rejected).
    async fn cambios_compania(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = Compania>> {
        Ok(feed(ctx)?.filter_map(|c| async move {
            match c {
                Ok(Cambio::Registro(v)) if v.tipo == TipoRegistro::Compania => {
                    Some(Compania::from(v))
                }
                _ => None,
            }
        }))
    }

    async fn cambios_datos_geograficos(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = DatosGeograficos>> {
        Ok(feed(ctx)?.filter_map(|c| async move {
            match c {
                Ok(Cambio::Registro(v)) if v.tipo == TipoRegistro::DatosGeograficos => {
                    Some(DatosGeograficos::from(v))
                }
                _ => None,
            }
        }))
    }

    /// A property's projection changed (created, approved, rejected).
    async fn cambios_propiedad(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = Propiedad>> {
        Ok(feed(ctx)?.filter_map(|c| async move {
            match c {
                Ok(Cambio::Registro(v)) if v.tipo == TipoRegistro::Propiedad => {
                    Some(Propiedad::from(v))
                }
                _ => None,
            }
        }))
    }

    /// A property registration moved a step (the saga's progress).
    async fn cambios_registro_propiedad(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = RegistroPropiedad>> {
        Ok(feed(ctx)?.filter_map(|c| async move {
            match c {
                Ok(Cambio::RegistroPropiedad(v)) => Some(RegistroPropiedad::from(v)),
                _ => None,
            }
        }))
    }

    async fn auditorias_completadas(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = Auditoria>> {
        Ok(feed(ctx)?.filter_map(|c| async move {
            match c {
                Ok(Cambio::Auditoria(a)) => Some(Auditoria::from(a)),
                _ => None,
            }
        }))
    }
}
