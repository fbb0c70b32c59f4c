//! The operations view's adapter: each service's readiness and the gauges
//! it already exports (`/metrics`: outbox backlog, consumers paused,
//! consume lag), read in-process for the contexts this process runs and
//! over HTTP for those `BFF_SERVICIOS` names; the dead letters from the
//! bus (embedded store or Pulsar DLQ topics), decoded, with their replay
//! and their discard (recorded in the BFF's database).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::cartas_descartadas::{SqlDescartes, contenido};
use crate::bff_web::application::{
    CartaDescartada, CartaMuerta, Consumidor, OperacionError, Operaciones, ResultadoReintento,
    ResumenSagas, SagaFallida, SaludServicio,
};
use crate::contracts::topics;
use crate::seedwork::api::ReadinessCheck;
use crate::seedwork::infrastructure::avro::AvroCodec;
use crate::seedwork::infrastructure::{EmbeddedBus, PulsarBus, pulsar_dlq};

/// How long a replay from the UI waits for its outcome.
const ESPERA_REINTENTO: Duration = Duration::from_secs(5);

/// Where the dead letters are.
pub enum BusObservado {
    Embebido(Arc<EmbeddedBus>),
    Pulsar { bus: Arc<PulsarBus>, admin: String },
}

/// A service of this process: its name and its readiness check.
pub struct ServicioLocal {
    pub nombre: String,
    pub check: Arc<dyn ReadinessCheck>,
}

pub struct OperacionesAdapter {
    locales: Vec<ServicioLocal>,
    /// This process's own base URL, known once it listens (its auditoria's
    /// saga log is read over HTTP like another process's).
    base_local: Arc<std::sync::OnceLock<String>>,
    /// (name, base URL) of services in other processes.
    remotos: Vec<(String, String)>,
    /// This process's metrics in Prometheus text.
    metricas: fn() -> String,
    bus: BusObservado,
    /// Reads a letter's bytes (with the schemas of `schemas/`).
    codec: Arc<AvroCodec>,
    descartes: SqlDescartes,
    grafana: Option<String>,
    http: reqwest::Client,
}

impl OperacionesAdapter {
    pub fn new(
        locales: Vec<ServicioLocal>,
        base_local: Arc<std::sync::OnceLock<String>>,
        remotos: Vec<(String, String)>,
        metricas: fn() -> String,
        bus: BusObservado,
        codec: Arc<AvroCodec>,
        descartes: SqlDescartes,
    ) -> Self {
        Self {
            locales,
            base_local,
            remotos,
            metricas,
            bus,
            codec,
            descartes,
            grafana: None,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(2))
                .build()
                .unwrap_or_default(),
        }
    }

    /// Links the view to Grafana's dashboard at `url`.
    pub fn con_grafana(mut self, url: Option<String>) -> Self {
        self.grafana = url.filter(|u| !u.trim().is_empty());
        self
    }

    /// Where auditoria answers: another process named in `BFF_SERVICIOS`,
    /// or this one.
    fn auditoria(&self) -> Option<String> {
        const AUDITORIA: &str = crate::contracts::services::AUDITORIA;
        self.remotos
            .iter()
            .find(|(n, _)| n == AUDITORIA)
            .map(|(_, url)| url.trim_end_matches('/').to_owned())
            .or_else(|| {
                self.locales
                    .iter()
                    .any(|l| l.nombre == AUDITORIA)
                    .then(|| self.base_local.get().cloned())
                    .flatten()
            })
    }

    async fn pagina_sagas(
        &self,
        base: &str,
        estado: &str,
        tamano: u32,
        credencial: Option<&str>,
    ) -> Result<PaginaSagas, OperacionError> {
        let error = |e: reqwest::Error| OperacionError::Auditoria(e.to_string());
        let mut pedido = self
            .http
            .get(format!("{base}/sagas?estado={estado}&page_size={tamano}"));
        if let Some(c) = credencial {
            pedido = pedido.header(reqwest::header::AUTHORIZATION, c);
        }
        pedido
            .send()
            .await
            .map_err(error)?
            .error_for_status()
            .map_err(error)?
            .json()
            .await
            .map_err(error)
    }

    async fn remoto(&self, nombre: &str, base: &str) -> SaludServicio {
        let base = base.trim_end_matches('/');
        let listo = match self.http.get(format!("{base}/ready")).send().await {
            Ok(r) => Ok(r.status().is_success()),
            Err(e) => Err(e.to_string()),
        };
        let texto = match self.http.get(format!("{base}/metrics")).send().await {
            Ok(r) => r.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        let mut salud = salud_de(nombre, &parse(&texto));
        salud.listo = listo == Ok(true);
        salud.detalle = Some(match listo {
            Ok(true) => base.to_owned(),
            Ok(false) => format!("{base}: /ready responde que no"),
            Err(e) => format!("{base}: no responde ({e})"),
        });
        salud
    }
}

/// A page of auditoria's `GET /sagas`.
#[derive(serde::Deserialize)]
struct PaginaSagas {
    items: Vec<SagaJson>,
    total: i64,
}

/// A saga as auditoria's `GET /sagas` answers it (the fields used).
#[derive(serde::Deserialize)]
struct SagaJson {
    saga: String,
    tipo_entidad: String,
    id_entidad: String,
    decision: String,
    intentos: u32,
    ultimo_error: Option<String>,
    fecha_actualizacion: String,
}

impl From<SagaJson> for SagaFallida {
    fn from(s: SagaJson) -> Self {
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

/// The saga states auditoria's log answers for (a registration under way
/// is listed as pendiente).
const ESTADOS_SAGA: [&str; 4] = ["pendiente", "completada", "compensada", "fallida"];

/// One sample of the Prometheus text format: name, labels, value.
#[derive(Debug, Clone, PartialEq)]
struct Muestra {
    nombre: String,
    etiquetas: BTreeMap<String, String>,
    valor: f64,
}

/// Parses the lines this project's exporter writes
/// (`name{a="x",b="y"} 1.5`); comments and other lines are skipped.
fn parse(texto: &str) -> Vec<Muestra> {
    texto
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|linea| {
            let (serie, valor) = linea.rsplit_once(' ')?;
            let valor = valor.parse().ok()?;
            let (nombre, etiquetas) = match serie.split_once('{') {
                Some((n, resto)) => (n, etiquetas(resto.strip_suffix('}')?)),
                None => (serie, BTreeMap::new()),
            };
            Some(Muestra {
                nombre: nombre.to_owned(),
                etiquetas,
                valor,
            })
        })
        .collect()
}

fn etiquetas(texto: &str) -> BTreeMap<String, String> {
    texto
        .split("\",")
        .filter_map(|par| {
            let (k, v) = par.split_once("=\"")?;
            Some((k.to_owned(), v.trim_end_matches('"').to_owned()))
        })
        .collect()
}

fn valor(muestras: &[Muestra], nombre: &str, filtro: &[(&str, &str)]) -> f64 {
    muestras
        .iter()
        .filter(|m| m.nombre == nombre)
        .filter(|m| {
            filtro
                .iter()
                .all(|(k, v)| m.etiquetas.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|m| m.valor)
        .sum()
}

/// A service's outbox and consumers from its metrics.
fn salud_de(nombre: &str, m: &[Muestra]) -> SaludServicio {
    // Every topic this service's subscription has a sample of.
    let topics: std::collections::BTreeSet<&str> = m
        .iter()
        .filter(|s| s.etiquetas.get("subscription").map(String::as_str) == Some(nombre))
        .filter_map(|s| s.etiquetas.get("topic").map(String::as_str))
        .collect();
    let consumidores = topics
        .into_iter()
        .map(|topic| {
            let por_topic = [("topic", topic)];
            let suscripcion = [("topic", topic), ("subscription", nombre)];
            let n = valor(m, "propalpes_consume_lag_seconds_count", &por_topic);
            let suma = valor(m, "propalpes_consume_lag_seconds_sum", &por_topic);
            let ok = [("topic", topic), ("subscription", nombre), ("result", "ok")];
            Consumidor {
                retraso_segundos: if n > 0.0 { suma / n } else { 0.0 },
                pausado: valor(m, "propalpes_consumer_paused", &suscripcion) > 0.0,
                consumidos: valor(m, "propalpes_messages_consumed_total", &ok) as i64,
                suscripcion: nombre.to_owned(),
                topic: topic.to_owned(),
            }
        })
        .collect();
    let servicio = [("service", nombre)];
    SaludServicio {
        nombre: nombre.to_owned(),
        listo: true,
        detalle: None,
        outbox_pendientes: valor(m, "propalpes_outbox_backlog", &servicio) as i64,
        // An empty outbox reports -0: no age.
        outbox_antiguedad_segundos: valor(m, "propalpes_outbox_oldest_age_seconds", &servicio)
            .max(0.0)
            .abs(),
        consumidores,
    }
}

fn bus_error(e: impl std::fmt::Display) -> OperacionError {
    OperacionError::Bus(e.to_string())
}

fn conocido(topic: &str) -> Result<(), OperacionError> {
    topics::ALL
        .contains(&topic)
        .then_some(())
        .ok_or_else(|| OperacionError::TopicDesconocido(topic.to_owned()))
}

#[async_trait]
impl Operaciones for OperacionesAdapter {
    async fn salud(&self) -> Vec<SaludServicio> {
        let propias = parse(&(self.metricas)());
        let mut servicios = Vec::new();
        for local in &self.locales {
            let mut salud = salud_de(&local.nombre, &propias);
            salud.listo = local.check.ready().await;
            if !salud.listo {
                salud.detalle = Some("su base de datos no responde".into());
            }
            servicios.push(salud);
        }
        let remotos = self.remotos.iter().map(|(n, url)| self.remoto(n, url));
        servicios.extend(futures::future::join_all(remotos).await);
        servicios
    }

    async fn cartas_muertas(&self) -> Result<Vec<CartaMuerta>, OperacionError> {
        self.cartas_de(&topics::ALL).await
    }

    async fn sagas(&self, credencial: Option<&str>) -> Result<ResumenSagas, OperacionError> {
        let Some(base) = self.auditoria() else {
            return Ok(ResumenSagas::default());
        };
        let mut resumen = ResumenSagas::default();
        for estado in ESTADOS_SAGA {
            let tamano = if estado == "fallida" { 50 } else { 1 };
            let pagina = self.pagina_sagas(&base, estado, tamano, credencial).await?;
            resumen.por_estado.push((estado.to_owned(), pagina.total));
            if estado == "fallida" {
                resumen.fallidas = pagina.items.into_iter().map(SagaFallida::from).collect();
            }
        }
        Ok(resumen)
    }

    async fn reintentar(
        &self,
        topic: &str,
        id: Option<&str>,
    ) -> Result<ResultadoReintento, OperacionError> {
        conocido(topic)?;
        match &self.bus {
            BusObservado::Embebido(bus) => {
                let pedido = bus.request_replay(topic, id).await.map_err(bus_error)?;
                let estado = bus
                    .follow_replay(&pedido, ESPERA_REINTENTO)
                    .await
                    .map_err(bus_error)?;
                Ok(ResultadoReintento {
                    reenviadas: pedido.letters.len(),
                    aplicadas: estado.applied,
                    rechazadas: estado.refused,
                    fallidas_otra_vez: estado.failed_again,
                    en_espera: estado.waiting,
                })
            }
            BusObservado::Pulsar { bus, admin } => {
                let r = pulsar_dlq::replay(bus, topic, id, admin, ESPERA_REINTENTO)
                    .await
                    .map_err(bus_error)?;
                Ok(ResultadoReintento {
                    reenviadas: r.replayed,
                    aplicadas: r.applied,
                    rechazadas: r.refused,
                    fallidas_otra_vez: r.failed_again,
                    en_espera: r.waiting,
                })
            }
        }
    }

    async fn descartar(
        &self,
        topic: &str,
        id: &str,
        quien: &str,
        razon: &str,
    ) -> Result<CartaDescartada, OperacionError> {
        self.descartar_carta(topic, id, quien, razon).await
    }

    async fn descartadas(&self) -> Result<Vec<CartaDescartada>, OperacionError> {
        self.descartes.listar().await
    }

    fn grafana(&self) -> Option<String> {
        self.grafana.clone()
    }
}

impl OperacionesAdapter {
    /// The dead letters of `topicos`, decoded.
    async fn cartas_de(&self, topicos: &[&str]) -> Result<Vec<CartaMuerta>, OperacionError> {
        let mut cartas = Vec::new();
        match &self.bus {
            BusObservado::Embebido(bus) => {
                for topic in topicos.iter().copied() {
                    for l in bus.dead_letters(topic).await.map_err(bus_error)? {
                        let m = &l.message;
                        let contenido = contenido(&self.codec, topic, m.schema_version, &m.payload);
                        cartas.push(CartaMuerta {
                            contenido,
                            id: l.message.id,
                            topic: topic.to_owned(),
                            suscripcion: l.subscription,
                            tipo: l.message.message_type,
                            motivo: l.error,
                            intentos: l.attempts,
                            fecha: l.created_at,
                        });
                    }
                }
            }
            BusObservado::Pulsar { bus, .. } => {
                // Boxed: eleven readers' futures are too large for a stack.
                let listas = topicos.iter().map(|t| Box::pin(pulsar_dlq::list(bus, t)));
                let listas = futures::future::join_all(listas).await;
                for (topic, lista) in topicos.iter().zip(listas) {
                    for e in lista.map_err(bus_error)? {
                        let version = e
                            .properties
                            .get("schema.version")
                            .and_then(|v| v.parse().ok());
                        cartas.push(CartaMuerta {
                            contenido: contenido(
                                &self.codec,
                                topic,
                                version.unwrap_or(1),
                                &e.payload,
                            ),
                            id: e.id,
                            topic: (*topic).to_owned(),
                            suscripcion: e.subscription,
                            tipo: e.message_type,
                            motivo: e.error,
                            intentos: e.attempts.parse().unwrap_or(0),
                            fecha: i64::try_from(e.publish_time).unwrap_or(0),
                        });
                    }
                }
            }
        }
        Ok(cartas)
    }

    /// Takes the letter off the bus; false when it was not there.
    async fn quitar_del_bus(&self, topic: &str, id: &str) -> Result<bool, OperacionError> {
        match &self.bus {
            BusObservado::Embebido(bus) => bus.discard(topic, id).await.map_err(bus_error),
            BusObservado::Pulsar { bus, .. } => Ok(Box::pin(pulsar_dlq::discard(bus, topic, id))
                .await
                .map_err(bus_error)?
                .is_some()),
        }
    }

    pub(super) async fn descartar_carta(
        &self,
        topic: &str,
        id: &str,
        quien: &str,
        razon: &str,
    ) -> Result<CartaDescartada, OperacionError> {
        conocido(topic)?;
        let desconocida = || OperacionError::CartaDesconocida {
            topic: topic.to_owned(),
            id: id.to_owned(),
        };
        // Only this topic's letters are read (on Pulsar each topic's DLQ
        // is a reader that waits out its idle time).
        let carta = Box::pin(self.cartas_de(&[topic]))
            .await?
            .into_iter()
            .find(|c| c.topic == topic && c.id == id)
            .ok_or_else(desconocida)?;
        let descartada = CartaDescartada {
            carta,
            descartada_por: quien.to_owned(),
            razon: razon.to_owned(),
            fecha: chrono::Utc::now().timestamp_millis(),
        };
        // Recorded first: a discard that reached the bus is never missing
        // from the record; one that did not is taken back.
        self.descartes.anotar(&descartada).await?;
        if !self.quitar_del_bus(topic, id).await? {
            self.descartes.olvidar(topic, id).await?;
            return Err(desconocida());
        }
        tracing::info!(%topic, %id, %quien, %razon, "dead letter discarded");
        Ok(descartada)
    }
}

/// `BFF_SERVICIOS`: `nombre=url,nombre=url`.
pub fn servicios_remotos(texto: &str) -> Vec<(String, String)> {
    texto
        .split(',')
        .filter_map(|par| {
            let (n, url) = par.trim().split_once('=')?;
            Some((n.trim().to_owned(), url.trim().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXTO: &str = r#"# TYPE propalpes_outbox_backlog gauge
propalpes_outbox_backlog{service="companias"} 3
propalpes_outbox_oldest_age_seconds{service="companias"} 1.5
propalpes_consumer_paused{topic="comandos-companias",subscription="companias"} 1
propalpes_consumer_paused{topic="eventos-companias",subscription="auditoria"} 0
propalpes_consume_lag_seconds_sum{topic="comandos-companias"} 0.6
propalpes_consume_lag_seconds_count{topic="comandos-companias"} 3
propalpes_messages_consumed_total{topic="comandos-companias",subscription="companias",result="ok"} 7
"#;

    #[test]
    fn a_service_reads_its_own_gauges_only() {
        let salud = salud_de("companias", &parse(TEXTO));
        assert_eq!(salud.outbox_pendientes, 3);
        assert!((salud.outbox_antiguedad_segundos - 1.5).abs() < 1e-9);
        assert_eq!(salud.consumidores.len(), 1, "{:?}", salud.consumidores);
        let c = &salud.consumidores[0];
        assert_eq!(c.topic, "comandos-companias");
        assert!(c.pausado);
        assert_eq!(c.consumidos, 7);
        assert!((c.retraso_segundos - 0.2).abs() < 1e-9);
    }

    #[test]
    fn servicios_remotos_parse_pairs() {
        assert_eq!(
            servicios_remotos("companias=http://c:8080, auditoria=http://a:8080"),
            vec![
                ("companias".to_owned(), "http://c:8080".to_owned()),
                ("auditoria".to_owned(), "http://a:8080".to_owned())
            ]
        );
    }
}
