use std::collections::BTreeMap;
use std::sync::Arc;

use thiserror::Error;

use crate::bff_web::application::{ComandoEncoder, RegistroComandos, TipoRegistro};
use crate::bff_web::domain::{
    Admision, Decision, EstadoComando, Revision, admitir, admitir_revision,
};
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, GroupCommit, StoreError, TranslateError, UnitOfWork,
    UnitOfWorkFactory,
};
use crate::seedwork::domain::{EntityId, FieldError, Motivos};

/// A command the UI sends to a registered-record context.
#[derive(Debug, Clone)]
pub enum ComandoSaliente {
    Crear {
        tipo: TipoRegistro,
        id: EntityId,
        campos: BTreeMap<String, String>,
    },
    Aprobar {
        tipo: TipoRegistro,
        id: EntityId,
    },
    Rechazar {
        tipo: TipoRegistro,
        id: EntityId,
        motivos: Motivos,
    },
    /// A property with its geographic data, as one saga in auditoria
    /// (`RegistrarPropiedad`); `id` is the new property's.
    Registrar {
        id: EntityId,
        campos: BTreeMap<String, String>,
    },
    /// An auditor's review of the record's audit (auditoria's
    /// `comandos-revisiones`), with their written reason.
    Revisar {
        tipo: TipoRegistro,
        id: EntityId,
        revision: Revision,
        motivo: String,
        revisor: String,
    },
}

impl ComandoSaliente {
    pub fn tipo(&self) -> TipoRegistro {
        match self {
            Self::Crear { tipo, .. }
            | Self::Aprobar { tipo, .. }
            | Self::Rechazar { tipo, .. }
            | Self::Revisar { tipo, .. } => *tipo,
            Self::Registrar { .. } => TipoRegistro::Propiedad,
        }
    }

    pub fn id(&self) -> EntityId {
        match self {
            Self::Crear { id, .. }
            | Self::Aprobar { id, .. }
            | Self::Rechazar { id, .. }
            | Self::Registrar { id, .. }
            | Self::Revisar { id, .. } => *id,
        }
    }

    /// The decision it asks for, if it is one.
    pub fn decision(&self) -> Option<Decision> {
        match self {
            Self::Crear { .. } | Self::Registrar { .. } | Self::Revisar { .. } => None,
            Self::Aprobar { .. } => Some(Decision::Aprobar),
            Self::Rechazar { .. } => Some(Decision::Rechazar),
        }
    }

    pub fn nombre(&self) -> String {
        if let Self::Revisar { revision, .. } = self {
            return revision.nombre().to_owned();
        }
        let verbo = match self {
            Self::Crear { .. } => "Crear",
            Self::Aprobar { .. } => "Aprobar",
            Self::Rechazar { .. } => "Rechazar",
            Self::Registrar { .. } => "Registrar",
            Self::Revisar { .. } => unreachable!("named above"),
        };
        format!("{verbo}{}", self.tipo().as_str())
    }
}

#[derive(Debug, Error)]
pub enum EnviarError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Encoding(#[from] TranslateError),
    /// The record was decided the other way.
    #[error("{0}")]
    InvalidTransition(String),
}

/// A command the BFF took: its id and where it stands right away
/// (ACEPTADO, or PROCESADO when there was nothing left to do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envio {
    pub id_comando: String,
    pub estado: EstadoComando,
}

/// `EnviarComando`: the UI's command, admitted against what the
/// projection shows, recorded for `estadoComando` and staged for the
/// context's command topic, in the caller's unit of work.
#[derive(Debug, Clone)]
pub struct EnviarComando(pub ComandoSaliente);

impl Command for EnviarComando {
    const NAME: &'static str = "EnviarComando";
    type Output = Envio;
}

/// Handles [`EnviarComando`]: one command's status row and its outbox
/// message, written in the caller's transaction.
pub struct EnviarComandoHandler<R, E> {
    registro: R,
    encoder: E,
}

impl<R, E> EnviarComandoHandler<R, E>
where
    R: RegistroComandos,
{
    /// Whether the record's state lets the command go, is already done, or
    /// refuses it.
    async fn admitir(
        &self,
        uow: &mut R::Uow,
        comando: &ComandoSaliente,
    ) -> Result<Admision, StoreError> {
        let id_entidad = comando.id().to_string();
        Ok(match (comando, comando.decision()) {
            (ComandoSaliente::Revisar { revision, .. }, _) => {
                let estado = self
                    .registro
                    .estado_registro(uow, comando.tipo(), &id_entidad)
                    .await?;
                let parte = self.registro.parte_de_registro(uow, &id_entidad).await?;
                admitir_revision(*revision, estado, parte)
            }
            (_, Some(decision)) => {
                let estado = self
                    .registro
                    .estado_registro(uow, comando.tipo(), &id_entidad)
                    .await?;
                admitir(decision, estado)
            }
            (_, None) => Admision::Enviar,
        })
    }
}

#[async_trait::async_trait]
impl<R, E> CommandHandler<EnviarComando> for EnviarComandoHandler<R, E>
where
    R: RegistroComandos,
    E: ComandoEncoder,
{
    type Uow = R::Uow;
    type Error = EnviarError;

    async fn handle(
        &self,
        uow: &mut R::Uow,
        EnviarComando(comando): EnviarComando,
        ctx: &CommandContext,
    ) -> Result<Envio, EnviarError> {
        let estado = match self.admitir(uow, &comando).await? {
            Admision::Imposible(why) => return Err(EnviarError::InvalidTransition(why)),
            Admision::YaHecha => EstadoComando::Procesado,
            Admision::Enviar => {
                uow.add_message(self.encoder.encode(&comando, ctx)?);
                EstadoComando::Aceptado
            }
        };
        let id_entidad = comando.id().to_string();
        self.registro
            .registrar(uow, &ctx.command_id, &comando.nombre(), &id_entidad, estado)
            .await?;
        Ok(Envio {
            id_comando: ctx.command_id.clone(),
            estado,
        })
    }
}

/// Sends commands: concurrent callers share transactions (group commit),
/// each answered once its command's row and outbox message are committed;
/// the relay puts it on the command topic.
pub struct BffCommands {
    enviar: GroupCommit<EnviarComando, EnviarError>,
}

impl BffCommands {
    /// `committers`: transactions in flight at once.
    pub fn new<F, R, E>(uows: F, registro: R, encoder: E, committers: usize) -> Self
    where
        F: UnitOfWorkFactory<Uow = R::Uow> + Clone + 'static,
        R: RegistroComandos,
        E: ComandoEncoder,
    {
        let handler = Arc::new(EnviarComandoHandler { registro, encoder });
        Self {
            enviar: GroupCommit::start(uows, handler, committers),
        }
    }
}

/// What the API sends commands through.
#[async_trait::async_trait]
pub trait EnviarComandos: Send + Sync {
    /// Accepts the command and returns its id at once.
    async fn enviar(
        &self,
        comando: ComandoSaliente,
        correlation: Option<&str>,
    ) -> Result<Envio, EnviarError>;
}

#[async_trait::async_trait]
impl EnviarComandos for BffCommands {
    async fn enviar(
        &self,
        comando: ComandoSaliente,
        correlation: Option<&str>,
    ) -> Result<Envio, EnviarError> {
        let ctx = CommandContext::new_root_correlated(correlation);
        let (nombre, correlation_id) = (comando.nombre(), ctx.correlation_id.clone());
        let envio = self.enviar.submit(EnviarComando(comando), ctx).await?;
        tracing::info!(command = %nombre, id = %envio.id_comando, %correlation_id,
            estado = envio.estado.as_str(), "command accepted");
        Ok(envio)
    }
}
