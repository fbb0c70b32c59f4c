use std::sync::Arc;

use async_trait::async_trait;

use super::{CompaniaCommandMessage, SqlCompaniaCommands, decode_command};
use crate::companias::SERVICE;
use crate::companias::application::CompaniasError;
use crate::companias::domain::CompaniaError;
use crate::seedwork::application::{
    CommandContext, HandleError, Message, MessageHandler, StoreError, dispatch,
};
use crate::seedwork::infrastructure::avro::AvroCodec;

/// Runs commands from `comandos-companias` through the same handlers as the
/// HTTP API. The inbox row is claimed in the handler's transaction, so the
/// message is acknowledged only after its effect is committed, once.
pub struct CompaniaCommandConsumer {
    commands: Arc<SqlCompaniaCommands>,
    codec: Arc<AvroCodec>,
}

impl CompaniaCommandConsumer {
    pub fn new(commands: Arc<SqlCompaniaCommands>, codec: Arc<AvroCodec>) -> Self {
        Self { commands, codec }
    }
}

/// Which failures are worth a redelivery and which are final.
fn classify(error: CompaniasError) -> HandleError {
    match error {
        // The creation may still be on its way (another producer, another key).
        CompaniasError::NotFound(_) | CompaniasError::Store(_) => {
            HandleError::Retryable(error.to_string())
        }
        CompaniasError::Domain(CompaniaError::InvalidTransition(_))
        | CompaniasError::Domain(CompaniaError::InvalidField(_))
        | CompaniasError::AlreadyExists(_)
        | CompaniasError::Encoding(_) => HandleError::Poison(error.to_string()),
    }
}

#[async_trait]
impl MessageHandler for CompaniaCommandConsumer {
    async fn handle(&self, message: &Message) -> Result<(), HandleError> {
        let (decoded, command) =
            decode_command(&self.codec, message).map_err(|e| HandleError::Poison(e.to_string()))?;
        let h = &decoded.header;
        let ctx = CommandContext::from_message(
            SERVICE,
            &h.id,
            &h.correlation_id,
            h.causation_id.as_deref(),
        );
        let result = match command {
            CompaniaCommandMessage::Crear(c) => {
                dispatch(self.commands.as_ref(), c, ctx).await.map(|_| ())
            }
            CompaniaCommandMessage::Aprobar(c) => dispatch(self.commands.as_ref(), c, ctx).await,
            CompaniaCommandMessage::Rechazar(c) => dispatch(self.commands.as_ref(), c, ctx).await,
        };
        match result {
            Ok(()) => Ok(()),
            Err(CompaniasError::Store(StoreError::Conflict { .. })) => {
                Err(HandleError::Retryable("concurrent update; retrying".into()))
            }
            Err(e) => Err(classify(e)),
        }
    }
}
