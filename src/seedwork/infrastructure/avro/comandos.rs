//! The consumer of a record context's command topic, written once: decode
//! the message into one of the context's commands (a message that does not
//! decode is poison), preload the records a run addresses, run each command
//! through the same handlers as the HTTP API inside the run's transaction,
//! and answer a refused decision to its sender. A context says what its
//! commands are and how each runs ([`ComandosDeRegistro`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::{AvroCodec, Decoded, EnvelopeHeader, RespuestaRechazo};
use crate::seedwork::application::{
    CommandContext, FalloComando, HandleError, Message, StoreError, TransactionalHandler,
    UnitOfWork,
};
use crate::seedwork::domain::EntityId;

/// A record context's commands, as its topic carries them (implemented
/// by its Avro mapping: which record type is which command).
pub trait ComandoDeTopico: Sized + Send {
    /// The command a decoded record is, validated; `None` when the topic
    /// carries no such command; why not, when it does not validate.
    fn de_registro(decoded: &Decoded) -> Result<Option<Self>, String>;

    /// The record a command addresses.
    fn id(&self) -> EntityId;

    /// A message (any writer version) as one of these commands; why not,
    /// when it is not one (the message is poison).
    fn decodificar(codec: &AvroCodec, message: &Message) -> Result<(EnvelopeHeader, Self), String> {
        let decoded = codec.decode_message(message).map_err(|e| e.to_string())?;
        match Self::de_registro(&decoded)? {
            Some(comando) => Ok((decoded.header, comando)),
            None => Err(format!(
                "{} carries no command {}",
                message.topic, decoded.header.message_type
            )),
        }
    }
}

/// What a record context says of its command topic (implemented on its
/// handlers).
#[async_trait]
pub trait ComandosDeRegistro: Send + Sync + 'static {
    /// Its commands, as its topic carries them.
    type Comando: ComandoDeTopico;
    type Uow: UnitOfWork;
    /// Who answers a refusal, and the kind of record refused.
    const SERVICIO: &'static str;
    const TIPO_ENTIDAD: &'static str;

    /// Reads a run's records at once into the unit of work.
    async fn precargar(&self, uow: &mut Self::Uow, ids: &[EntityId]) -> Result<(), StoreError>;

    /// Runs a command inside the run's transaction: a failure of the
    /// delivery, or the record's refusal (answered to the sender).
    async fn ejecutar(
        &self,
        uow: &mut Self::Uow,
        comando: Self::Comando,
        ctx: &CommandContext,
    ) -> Result<(), FalloComando>;
}

/// Commands from a record context's topic, applied in the consumer's
/// shared transaction (which holds the inbox rows), so a message is
/// acknowledged once its effect is committed.
pub struct ComandosConsumer<H: ComandosDeRegistro> {
    handlers: Arc<H>,
    codec: Arc<AvroCodec>,
    rechazos: RespuestaRechazo,
    /// What `preload` decoded, by message id, for `apply` to take instead
    /// of decoding the message again (a message's id names its bytes, so an
    /// entry left by a run that failed serves its retry as well).
    decodificados: Mutex<HashMap<String, Decodificado<H::Comando>>>,
}

type Decodificado<C> = (EnvelopeHeader, C);

/// Entries kept at the most: runs that failed before applying leave theirs
/// behind, and past this the next preload starts afresh.
const DECODIFICADOS_MAX: usize = 10_000;

impl<H: ComandosDeRegistro> ComandosConsumer<H> {
    pub fn new(handlers: Arc<H>, codec: Arc<AvroCodec>) -> Self {
        Self {
            rechazos: RespuestaRechazo::new(codec.clone(), H::SERVICIO, H::TIPO_ENTIDAD),
            handlers,
            codec,
            decodificados: Mutex::new(HashMap::new()),
        }
    }

    /// The message as a command: decoded by the run's preload, or now.
    fn decodificar(&self, message: &Message) -> Result<Decodificado<H::Comando>, String> {
        let ya = self
            .decodificados
            .lock()
            .ok()
            .and_then(|mut decodificados| decodificados.remove(&message.id));
        match ya {
            Some(decodificado) => Ok(decodificado),
            None => H::Comando::decodificar(&self.codec, message),
        }
    }
}

#[async_trait]
impl<H: ComandosDeRegistro> TransactionalHandler for ComandosConsumer<H> {
    type Uow = H::Uow;
    type Effect = ();

    async fn preload(&self, uow: &mut H::Uow, messages: &[&Message]) -> Result<(), HandleError> {
        // An undecodable message is left to `apply`, which dead-letters it.
        let decodificados: Vec<(String, Decodificado<H::Comando>)> = messages
            .iter()
            .filter_map(|m| Some((m.id.clone(), H::Comando::decodificar(&self.codec, m).ok()?)))
            .collect();
        let ids: Vec<EntityId> = decodificados.iter().map(|(_, (_, c))| c.id()).collect();
        if let Ok(mut guardados) = self.decodificados.lock() {
            if guardados.len() > DECODIFICADOS_MAX {
                guardados.clear();
            }
            guardados.extend(decodificados);
        }
        Ok(self.handlers.precargar(uow, &ids).await?)
    }

    async fn apply(&self, uow: &mut H::Uow, message: &Message) -> Result<(), HandleError> {
        let (header, comando) = self.decodificar(message).map_err(HandleError::Poison)?;
        let ctx = CommandContext::from_message(
            &header.id,
            &header.correlation_id,
            header.causation_id.as_deref(),
        );
        let id = comando.id();
        match self.handlers.ejecutar(uow, comando, &ctx).await {
            Ok(()) => Ok(()),
            Err(fallo) => {
                let id = id.to_string();
                self.rechazos.atender(uow, &header, &id, fallo).await
            }
        }
    }
}
