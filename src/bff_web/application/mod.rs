//! Use cases of the BFF: send a command (through its own outbox, never
//! another context's database) and read its projections.

mod commands;
mod ports;

pub use commands::{BffCommands, ComandoSaliente, EnviarComandos, EnviarError, Envio};
pub use ports::{
    AuditoriaVista, Cambio, ComandoEncoder, ComandoVista, Pagina, PasoVista, Proyecciones,
    RegistroComandos, RegistroPropiedadVista, RegistroVista, TipoRegistro,
};
