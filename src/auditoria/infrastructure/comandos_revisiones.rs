use std::sync::Arc;

use async_trait::async_trait;

use super::module::AuditoriaHandlers;
use crate::auditoria::application::{
    ReabrirAuditoria, ReabrirAuditoriaError, RevisarAuditoria, RevisarAuditoriaError,
};
use crate::auditoria::domain::{Decision, TipoEntidad};
use crate::contracts::types;
use crate::seedwork::application::{HandleError, Message, TransactionalHandler, execute};
use crate::seedwork::infrastructure::SqlUnitOfWork;
use crate::seedwork::infrastructure::avro::{AvroCodec, Decoded};

/// An auditor's review from `comandos-revisiones`, in the consumer's
/// transaction with the inbox row. A review the audit's state does not
/// allow is poison: dead-lettered with its reason (the BFF turns its
/// command FALLIDO with it).
pub struct ComandosRevisionesConsumer {
    handlers: Arc<AuditoriaHandlers>,
    codec: Arc<AvroCodec>,
}

impl ComandosRevisionesConsumer {
    pub fn new(handlers: Arc<AuditoriaHandlers>, codec: Arc<AvroCodec>) -> Self {
        Self { handlers, codec }
    }
}

/// A review's command, one of the three; an error names the field.
enum Revision {
    Revisar(RevisarAuditoria),
    Reabrir(ReabrirAuditoria),
}

fn texto(decoded: &Decoded, campo: &str) -> Result<String, String> {
    decoded
        .text(campo)
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| format!("{campo} is required"))
}

fn revision(decoded: &Decoded) -> Result<Revision, String> {
    let tipo: TipoEntidad = texto(decoded, "tipo_entidad")?
        .parse()
        .map_err(|e: crate::seedwork::domain::FieldError| e.to_string())?;
    let (id_entidad, motivo, revisor) = (
        texto(decoded, "id_entidad")?,
        texto(decoded, "motivo")?,
        texto(decoded, "revisor")?,
    );
    let revisar = |decision| {
        Revision::Revisar(RevisarAuditoria {
            tipo,
            id_entidad: id_entidad.clone(),
            decision,
            motivo: motivo.clone(),
            revisor: revisor.clone(),
        })
    };
    match decoded.header.message_type.as_str() {
        types::APROBAR_REVISION => Ok(revisar(Decision::Aprobar)),
        types::RECHAZAR_REVISION => Ok(revisar(Decision::Rechazar)),
        types::REABRIR_AUDITORIA => Ok(Revision::Reabrir(ReabrirAuditoria {
            tipo,
            id_entidad: id_entidad.clone(),
            motivo: motivo.clone(),
            revisor: revisor.clone(),
        })),
        other => Err(format!("comandos-revisiones carries no command {other}")),
    }
}

fn revisar_fallido(error: RevisarAuditoriaError) -> HandleError {
    match error {
        RevisarAuditoriaError::Store(e) => e.into(),
        RevisarAuditoriaError::TransicionInvalida(_)
        | RevisarAuditoriaError::NoEncontrada(..)
        | RevisarAuditoriaError::ParteDeRegistro(..)
        | RevisarAuditoriaError::Encoding(_) => HandleError::Poison(error.to_string()),
    }
}

fn reabrir_fallido(error: ReabrirAuditoriaError) -> HandleError {
    match error {
        ReabrirAuditoriaError::Store(e) => e.into(),
        ReabrirAuditoriaError::TransicionInvalida(_)
        | ReabrirAuditoriaError::NoEncontrada(..)
        | ReabrirAuditoriaError::ParteDeRegistro(..)
        | ReabrirAuditoriaError::Encoding(_) => HandleError::Poison(error.to_string()),
    }
}

#[async_trait]
impl TransactionalHandler for ComandosRevisionesConsumer {
    type Uow = SqlUnitOfWork;
    type Effect = ();

    async fn apply(&self, uow: &mut SqlUnitOfWork, message: &Message) -> Result<(), HandleError> {
        let decoded = self.codec.decode_consumed(message)?;
        let comando = revision(&decoded).map_err(HandleError::Poison)?;
        let ctx = decoded.context();
        match comando {
            Revision::Revisar(c) => execute(&self.handlers.revisar, uow, c, &ctx)
                .await
                .map_err(revisar_fallido),
            Revision::Reabrir(c) => execute(&self.handlers.reabrir, uow, c, &ctx)
                .await
                .map_err(reabrir_fallido),
        }
    }
}
