//! Use cases of the BFF: send a command (through its own outbox, never
//! another context's database) and read its projections.

mod commands;
mod operaciones;
mod ports;

pub use commands::{BffCommands, ComandoSaliente, EnviarComandos, EnviarError, Envio};
pub use operaciones::{
    CartaDescartada, CartaMuerta, Consumidor, OperacionError, Operaciones, ResultadoReintento,
    ResumenSagas, SagaFallida, SaludServicio,
};
pub use ports::{
    AuditoriaVista, Cambio, ComandoEncoder, ComandoVista, ConsultaAuditorias, ConsultaRegistros,
    Cursor, Orden, PaginaKeyset, PaginaRegistros, PasoVista, Proyecciones, RegistroComandos,
    RegistroPropiedadVista, RegistroVista, Suceso, TipoRegistro,
};
