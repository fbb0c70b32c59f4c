//! The operations view's port: the health, outbox backlog and consumers of
//! each service (from what they already expose), and the dead letters with
//! their replay and their discard.

use async_trait::async_trait;

/// One service as an operator sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct SaludServicio {
    pub nombre: String,
    pub listo: bool,
    /// Why it is not ready, or where it was read from.
    pub detalle: Option<String>,
    pub outbox_pendientes: i64,
    pub outbox_antiguedad_segundos: f64,
    pub consumidores: Vec<Consumidor>,
}

/// One subscription of a service.
#[derive(Debug, Clone, PartialEq)]
pub struct Consumidor {
    pub topic: String,
    pub suscripcion: String,
    /// Mean time from publication to receipt (0 where not measured).
    pub retraso_segundos: f64,
    pub pausado: bool,
    pub consumidos: i64,
}

/// A message given up on, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct CartaMuerta {
    pub id: String,
    pub topic: String,
    pub suscripcion: String,
    pub tipo: String,
    pub motivo: String,
    pub intentos: i64,
    pub fecha: i64,
    /// The message decoded (its envelope and data as JSON), or why it
    /// does not decode.
    pub contenido: String,
}

/// A dead letter an operator discarded: who, why, when, and what it was.
#[derive(Debug, Clone, PartialEq)]
pub struct CartaDescartada {
    pub carta: CartaMuerta,
    pub descartada_por: String,
    pub razon: String,
    pub fecha: i64,
}

/// What a replay did: applied, failed again, or not handled yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResultadoReintento {
    pub reenviadas: usize,
    pub aplicadas: usize,
    /// Taken, but refused by the context they command: they will not apply.
    pub rechazadas: usize,
    pub fallidas_otra_vez: usize,
    pub en_espera: usize,
}

/// A saga given up on (a decision or a registration), with its last error.
#[derive(Debug, Clone, PartialEq)]
pub struct SagaFallida {
    /// `auditoria` (one record's decision) or `registro_propiedad`.
    pub saga: String,
    pub tipo_entidad: String,
    pub id_entidad: String,
    pub decision: String,
    pub intentos: u32,
    pub ultimo_error: Option<String>,
    pub fecha_actualizacion: String,
}

/// The sagas by state, and the failed ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResumenSagas {
    /// (estado, sagas): pendiente, completada, compensada, fallida.
    pub por_estado: Vec<(String, i64)>,
    pub fallidas: Vec<SagaFallida>,
}

#[derive(Debug, thiserror::Error)]
pub enum OperacionError {
    #[error("topic {0:?} has no dead letters to replay (unknown topic)")]
    TopicDesconocido(String),
    #[error("the bus did not answer: {0}")]
    Bus(String),
    #[error("auditoria did not answer: {0}")]
    Auditoria(String),
    #[error("no dead letter {id:?} on {topic:?} (already replayed or discarded?)")]
    CartaDesconocida { topic: String, id: String },
    #[error("the record of discards is unavailable: {0}")]
    Registro(String),
}

/// What the operations view reads and does.
#[async_trait]
pub trait Operaciones: Send + Sync {
    async fn salud(&self) -> Vec<SaludServicio>;
    async fn cartas_muertas(&self) -> Result<Vec<CartaMuerta>, OperacionError>;
    /// The sagas by state and the failed ones (from auditoria's saga log),
    /// read with the caller's credentials (`Authorization` header value).
    async fn sagas(&self, credencial: Option<&str>) -> Result<ResumenSagas, OperacionError>;
    /// Replays the dead letters of `topic` (one, or all) and waits a while
    /// for their outcome.
    async fn reintentar(
        &self,
        topic: &str,
        id: Option<&str>,
    ) -> Result<ResultadoReintento, OperacionError>;
    /// Takes the dead letter `id` of `topic` off the bus without replaying
    /// it, recording who discarded it, why, and what it carried.
    async fn descartar(
        &self,
        topic: &str,
        id: &str,
        quien: &str,
        razon: &str,
    ) -> Result<CartaDescartada, OperacionError>;
    /// The discards recorded, newest first.
    async fn descartadas(&self) -> Result<Vec<CartaDescartada>, OperacionError>;
    /// Where Grafana's dashboard is, when one is configured.
    fn grafana(&self) -> Option<String>;
}
