use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;

use super::avro::EnvelopeHeader;
use crate::seedwork::application::review::{
    Repository, ReviewCommand, ReviewCommands, ReviewUseCaseError,
};
use crate::seedwork::application::{
    CommandContext, EventTranslator, HandleError, Message, MessageHandler, StoreError,
    UnitOfWorkFactory,
};
use crate::seedwork::domain::{DomainError, Reviewable};

/// Turns a command-topic message into a validated command (the context's
/// Avro mapping). An error is final: the message is poison.
pub trait CommandDecoder<A: Reviewable>: Send + Sync + 'static {
    fn decode(&self, message: &Message) -> Result<(EnvelopeHeader, ReviewCommand<A>), String>;
}

/// Which failures are worth a redelivery and which go to the DLQ at once.
pub fn classify(error: ReviewUseCaseError) -> HandleError {
    match error {
        // The creation may still be on its way; storage may come back.
        ReviewUseCaseError::NotFound { .. }
        | ReviewUseCaseError::Store(StoreError::Backend(_))
        | ReviewUseCaseError::Store(StoreError::Conflict { .. }) => {
            HandleError::Retryable(error.to_string())
        }
        ReviewUseCaseError::Domain(DomainError::InvalidTransition(_))
        | ReviewUseCaseError::Domain(DomainError::InvalidField(_))
        | ReviewUseCaseError::AlreadyExists { .. }
        | ReviewUseCaseError::Encoding(_) => HandleError::Poison(error.to_string()),
    }
}

/// Runs commands from a context's command topic through the same handlers
/// as its HTTP API. The inbox row is claimed in the handler's transaction,
/// so the message is acknowledged only after its effect is committed, once.
pub struct ReviewCommandConsumer<A, F, R, T, D> {
    service: &'static str,
    commands: Arc<ReviewCommands<F, R, T>>,
    decoder: D,
    _aggregate: PhantomData<fn() -> A>,
}

impl<A, F, R, T, D> ReviewCommandConsumer<A, F, R, T, D> {
    pub fn new(service: &'static str, commands: Arc<ReviewCommands<F, R, T>>, decoder: D) -> Self {
        Self {
            service,
            commands,
            decoder,
            _aggregate: PhantomData,
        }
    }
}

#[async_trait]
impl<A, F, R, T, D> MessageHandler for ReviewCommandConsumer<A, F, R, T, D>
where
    A: Reviewable,
    F: UnitOfWorkFactory + 'static,
    R: Repository<A, Uow = F::Uow> + 'static,
    T: EventTranslator<A::Event> + 'static,
    D: CommandDecoder<A>,
{
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        let (header, command) = self.decoder.decode(message).map_err(HandleError::Poison)?;
        let ctx = CommandContext::from_message(
            self.service,
            &header.id,
            &header.correlation_id,
            header.causation_id.as_deref(),
        );
        self.commands.run(command, ctx).await.map_err(classify)
    }
}
