//! The session and the operations view in GraphQL: who is signed in and
//! what they may do; services' health, outbox and consumers; dead letters,
//! their replay and their discard.

use std::sync::Arc;

use async_graphql::{Context, SimpleObject};

use super::errors::{AuthState, autorizar, coded, operacion};
use crate::bff_web::application::{
    CartaDescartada as DescartadaVista, CartaMuerta as CartaVista, Consumidor as ConsumidorVista,
    Operaciones as OperacionesPort, ResultadoReintento as ResultadoVista,
    SagaFallida as SagaFallidaVista, SaludServicio as SaludVista,
};
use crate::seedwork::application::Authenticator;
use crate::seedwork::domain::{Accion, Principal, Rol};

/// Who is asking and what the UI should offer them.
#[derive(SimpleObject)]
pub struct Sesion {
    /// Local use without a token: every action allowed.
    pub anonimo: bool,
    pub rol: Option<String>,
    pub usuario: Option<String>,
    /// crear, decidir, operar: the actions this session may take.
    pub puede: Vec<String>,
    /// Whether `iniciarSesionDesarrollo` is offered (local use only).
    pub desarrollo: bool,
}

const ACCIONES: [(Accion, &str); 3] = [
    (Accion::Crear, "crear"),
    (Accion::Decidir, "decidir"),
    (Accion::Operar, "operar"),
];

pub fn sesion(ctx: &Context<'_>) -> async_graphql::Result<Sesion> {
    let principal = match ctx.data_opt::<AuthState>() {
        Some(Ok(p)) => p.clone(),
        Some(Err(e)) => return Err(coded(e.code(), e.to_string())),
        None => return Err(coded("UNAUTHENTICATED", "authentication required")),
    };
    let puede = ACCIONES
        .iter()
        .filter(|(a, _)| principal.puede(*a))
        .map(|(_, n)| (*n).to_owned())
        .collect();
    let auth = ctx.data_unchecked::<Arc<dyn Authenticator>>();
    let desarrollo = auth.ofrece_desarrollo();
    Ok(match principal {
        Principal::Anonimo => Sesion {
            anonimo: true,
            rol: None,
            usuario: None,
            puede,
            desarrollo,
        },
        Principal::Usuario { sujeto, roles } => Sesion {
            anonimo: false,
            rol: Some(
                roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            usuario: Some(sujeto),
            puede,
            desarrollo,
        },
    })
}

/// A development token for `rol`, where local sign-in is offered.
pub fn token_de_desarrollo(ctx: &Context<'_>, rol: &str) -> async_graphql::Result<String> {
    let rol: Rol = rol.parse().map_err(|e: String| {
        async_graphql::ErrorExtensions::extend_with(coded("BAD_USER_INPUT", e), |_, x| {
            x.set("field", "rol")
        })
    })?;
    let auth = ctx.data_unchecked::<Arc<dyn Authenticator>>();
    match auth.token_de_desarrollo(rol) {
        Some(Ok(token)) => Ok(token),
        Some(Err(e)) => Err(coded("INTERNAL", e.to_string())),
        None => Err(coded(
            "FORBIDDEN",
            "development sign-in is only offered for local use (anonymous access on)",
        )),
    }
}

#[derive(SimpleObject)]
pub struct Consumidor {
    pub topic: String,
    pub suscripcion: String,
    /// Mean seconds from publication to receipt (0 where not measured).
    pub retraso_segundos: f64,
    pub pausado: bool,
    pub consumidos: i64,
}

#[derive(SimpleObject)]
pub struct SaludServicio {
    pub nombre: String,
    pub listo: bool,
    pub detalle: Option<String>,
    pub outbox_pendientes: i64,
    pub outbox_antiguedad_segundos: f64,
    pub consumidores: Vec<Consumidor>,
}

#[derive(SimpleObject)]
pub struct CartaMuerta {
    pub id: String,
    pub topic: String,
    pub suscripcion: String,
    pub tipo: String,
    /// Why it was given up on.
    pub motivo: String,
    pub intentos: i64,
    pub fecha: String,
    /// The message decoded: its envelope and data as JSON (or why it does
    /// not decode).
    pub contenido: String,
}

/// A dead letter an operator discarded, with who, why and when.
#[derive(SimpleObject)]
pub struct CartaDescartada {
    pub carta: CartaMuerta,
    pub descartada_por: String,
    pub razon: String,
    /// When it was discarded (RFC 3339).
    pub fecha: String,
}

fn rfc3339(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

impl From<DescartadaVista> for CartaDescartada {
    fn from(d: DescartadaVista) -> Self {
        Self {
            fecha: rfc3339(d.fecha),
            carta: d.carta.into(),
            descartada_por: d.descartada_por,
            razon: d.razon,
        }
    }
}

/// How many sagas are in a state.
#[derive(SimpleObject)]
pub struct ConteoSagas {
    pub estado: String,
    pub total: i64,
}

/// A saga given up on, with its last error.
#[derive(SimpleObject)]
pub struct SagaFallida {
    /// auditoria (a record's decision) or registro_propiedad.
    pub saga: String,
    pub tipo_entidad: String,
    pub id_entidad: String,
    pub decision: String,
    pub intentos: u32,
    pub ultimo_error: Option<String>,
    pub fecha_actualizacion: String,
}

#[derive(SimpleObject)]
pub struct ResumenSagas {
    pub por_estado: Vec<ConteoSagas>,
    pub fallidas: Vec<SagaFallida>,
}

impl From<SagaFallidaVista> for SagaFallida {
    fn from(s: SagaFallidaVista) -> Self {
        Self {
            saga: s.saga,
            tipo_entidad: s.tipo_entidad,
            id_entidad: s.id_entidad,
            decision: s.decision,
            intentos: s.intentos,
            ultimo_error: s.ultimo_error,
            fecha_actualizacion: s.fecha_actualizacion,
        }
    }
}

#[derive(SimpleObject)]
pub struct ResultadoReintento {
    pub reenviadas: usize,
    pub aplicadas: usize,
    /// Taken, but refused by the context they command (it answered
    /// `ComandoRechazado`): they will not apply.
    pub rechazadas: usize,
    pub fallidas_otra_vez: usize,
    pub en_espera: usize,
}

impl From<ConsumidorVista> for Consumidor {
    fn from(c: ConsumidorVista) -> Self {
        Self {
            topic: c.topic,
            suscripcion: c.suscripcion,
            retraso_segundos: c.retraso_segundos,
            pausado: c.pausado,
            consumidos: c.consumidos,
        }
    }
}

impl From<SaludVista> for SaludServicio {
    fn from(s: SaludVista) -> Self {
        Self {
            nombre: s.nombre,
            listo: s.listo,
            detalle: s.detalle,
            outbox_pendientes: s.outbox_pendientes,
            outbox_antiguedad_segundos: s.outbox_antiguedad_segundos,
            consumidores: s.consumidores.into_iter().map(Consumidor::from).collect(),
        }
    }
}

impl From<CartaVista> for CartaMuerta {
    fn from(c: CartaVista) -> Self {
        Self {
            id: c.id,
            topic: c.topic,
            suscripcion: c.suscripcion,
            tipo: c.tipo,
            motivo: c.motivo,
            intentos: c.intentos,
            fecha: rfc3339(c.fecha),
            contenido: c.contenido,
        }
    }
}

impl From<ResultadoVista> for ResultadoReintento {
    fn from(r: ResultadoVista) -> Self {
        Self {
            reenviadas: r.reenviadas,
            aplicadas: r.aplicadas,
            rechazadas: r.rechazadas,
            fallidas_otra_vez: r.fallidas_otra_vez,
            en_espera: r.en_espera,
        }
    }
}

/// The operations view: resolved field by field, so a page asking only
/// for the services does not list the dead letters.
pub struct Operaciones;

#[async_graphql::Object]
impl Operaciones {
    async fn servicios(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SaludServicio>> {
        let port = ctx.data_unchecked::<Arc<dyn OperacionesPort>>();
        Ok(port
            .salud()
            .await
            .into_iter()
            .map(SaludServicio::from)
            .collect())
    }

    /// The sagas by state and the failed ones with their last error.
    async fn sagas(&self, ctx: &Context<'_>) -> async_graphql::Result<ResumenSagas> {
        let port = ctx.data_unchecked::<Arc<dyn OperacionesPort>>();
        let credencial = ctx
            .data_opt::<super::contexto::Credencial>()
            .map(|c| c.0.as_str());
        let resumen = port.sagas(credencial).await.map_err(operacion)?;
        Ok(ResumenSagas {
            por_estado: resumen
                .por_estado
                .into_iter()
                .map(|(estado, total)| ConteoSagas { estado, total })
                .collect(),
            fallidas: resumen
                .fallidas
                .into_iter()
                .map(SagaFallida::from)
                .collect(),
        })
    }

    async fn cartas_muertas(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CartaMuerta>> {
        let port = ctx.data_unchecked::<Arc<dyn OperacionesPort>>();
        Ok(port
            .cartas_muertas()
            .await
            .map_err(operacion)?
            .into_iter()
            .map(CartaMuerta::from)
            .collect())
    }

    /// Grafana's dashboard, when `bff.grafana_url` is configured.
    async fn grafana(&self, ctx: &Context<'_>) -> Option<String> {
        ctx.data_unchecked::<Arc<dyn OperacionesPort>>().grafana()
    }

    /// The dead letters operators discarded, newest first (the latest 100).
    async fn cartas_descartadas(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<CartaDescartada>> {
        let port = ctx.data_unchecked::<Arc<dyn OperacionesPort>>();
        Ok(port
            .descartadas()
            .await
            .map_err(operacion)?
            .into_iter()
            .map(CartaDescartada::from)
            .collect())
    }
}

pub fn operaciones(ctx: &Context<'_>) -> async_graphql::Result<Operaciones> {
    autorizar(ctx, Accion::Consultar)?;
    Ok(Operaciones)
}

pub async fn reintentar(
    ctx: &Context<'_>,
    topic: &str,
    id: Option<&str>,
) -> async_graphql::Result<ResultadoReintento> {
    autorizar(ctx, Accion::Operar)?;
    let port = ctx.data_unchecked::<Arc<dyn OperacionesPort>>();
    Ok(port.reintentar(topic, id).await.map_err(operacion)?.into())
}

/// Takes one dead letter off the bus for good, with a written reason;
/// who and why are recorded.
pub async fn descartar(
    ctx: &Context<'_>,
    topic: &str,
    id: &str,
    motivo: &str,
) -> async_graphql::Result<CartaDescartada> {
    autorizar(ctx, Accion::Operar)?;
    if motivo.trim().is_empty() {
        return Err(async_graphql::ErrorExtensions::extend_with(
            coded("BAD_USER_INPUT", "motivo: a written reason is required"),
            |_, x| x.set("field", "motivo"),
        ));
    }
    let quien = match ctx.data_opt::<AuthState>() {
        Some(Ok(Principal::Usuario { sujeto, .. })) => sujeto.clone(),
        _ => "local (sin sesión)".to_owned(),
    };
    let port = ctx.data_unchecked::<Arc<dyn OperacionesPort>>();
    Ok(port
        .descartar(topic, id, &quien, motivo.trim())
        .await
        .map_err(operacion)?
        .into())
}
