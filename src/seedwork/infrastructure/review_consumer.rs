use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;

use super::avro::EnvelopeHeader;
use crate::seedwork::application::review::{
    Repository, ReviewCommand, ReviewCommands, ReviewUseCaseError,
};
use crate::seedwork::application::{
    CommandContext, EventTranslator, HandleError, Message, TransactionalHandler,
};
use crate::seedwork::domain::{DomainError, Reviewable};

/// Turns a command-topic message into a validated command (the context's
/// Avro mapping). An error is final: the message is poison.
pub trait CommandDecoder<A: Reviewable>: Send + Sync + 'static {
    fn decode(&self, message: &Message) -> Result<(EnvelopeHeader, ReviewCommand<A>), String>;
}

/// Which failures are worth a redelivery, which wait for an outage to end,
/// and which go to the DLQ at once.
pub fn classify(error: ReviewUseCaseError) -> HandleError {
    match error {
        ReviewUseCaseError::Store(store) => store.into(),
        // The creation may still be on its way.
        ReviewUseCaseError::NotFound { .. } => HandleError::Retryable(error.to_string()),
        ReviewUseCaseError::Domain(DomainError::InvalidTransition(_))
        | ReviewUseCaseError::Domain(DomainError::InvalidField(_))
        | ReviewUseCaseError::AlreadyExists { .. }
        | ReviewUseCaseError::Encoding(_) => HandleError::Poison(error.to_string()),
    }
}

/// Runs commands from a context's command topic through the same handlers
/// as its HTTP API, inside the consumer's unit of work (which also holds the
/// inbox row), so a message is acknowledged only after its effect is
/// committed, once.
pub struct ReviewCommandConsumer<A, R, T, D> {
    commands: Arc<ReviewCommands<R, T>>,
    decoder: D,
    _aggregate: PhantomData<fn() -> A>,
}

impl<A, R, T, D> ReviewCommandConsumer<A, R, T, D> {
    pub fn new(commands: Arc<ReviewCommands<R, T>>, decoder: D) -> Self {
        Self {
            commands,
            decoder,
            _aggregate: PhantomData,
        }
    }
}

#[async_trait]
impl<A, R, T, D> TransactionalHandler for ReviewCommandConsumer<A, R, T, D>
where
    A: Reviewable,
    R: Repository<A> + 'static,
    T: EventTranslator<A::Event> + 'static,
    D: CommandDecoder<A>,
{
    type Uow = R::Uow;
    type Effect = ();

    async fn apply(&self, uow: &mut R::Uow, message: &Message) -> Result<(), HandleError> {
        let (header, command) = self.decoder.decode(message).map_err(HandleError::Poison)?;
        let ctx = CommandContext::from_message(
            &header.id,
            &header.correlation_id,
            header.causation_id.as_deref(),
        );
        self.commands
            .run(uow, command, &ctx)
            .await
            .map_err(classify)
    }
}
