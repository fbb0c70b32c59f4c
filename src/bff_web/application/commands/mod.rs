//! The BFF's one command use case: send a command (create, approve,
//! reject) to its context's command topic through the BFF's own outbox,
//! recording it for `estadoComando`. Its queries are the projections,
//! read through the `Proyecciones` port.

mod enviar_comando;

pub use enviar_comando::{BffCommands, ComandoSaliente, EnviarComandos, EnviarError, Envio};

#[cfg(test)]
mod tests;
