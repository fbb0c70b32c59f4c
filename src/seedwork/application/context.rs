//! Who asked and why, as a command and the messages it causes carry it
//! (apart from commands, so messaging can name it without them).

/// Who asked and why: travels from the HTTP request or message into the
/// events the command produces (correlation and causation ids).
#[derive(Debug, Clone)]
pub struct CommandContext {
    pub command_id: String,
    pub correlation_id: String,
    pub causation_id: Option<String>,
}

impl CommandContext {
    /// A command started here (HTTP, CLI): it correlates to itself.
    pub fn new_root() -> Self {
        let id = uuid::Uuid::now_v7().to_string();
        Self {
            command_id: id.clone(),
            correlation_id: id,
            causation_id: None,
        }
    }

    /// A command started here as part of an existing conversation (the
    /// caller's `x-correlation-id`).
    pub fn new_root_correlated(correlation_id: Option<&str>) -> Self {
        let mut ctx = Self::new_root();
        if let Some(c) = correlation_id {
            ctx.correlation_id = c.to_owned();
        }
        ctx
    }

    /// A command that arrived as a message with envelope id `message_id`.
    pub fn from_message(
        message_id: &str,
        correlation_id: &str,
        causation_id: Option<&str>,
    ) -> Self {
        Self {
            command_id: message_id.to_owned(),
            correlation_id: correlation_id.to_owned(),
            causation_id: causation_id.map(str::to_owned),
        }
    }
}
