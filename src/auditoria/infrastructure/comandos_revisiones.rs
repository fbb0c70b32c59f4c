use std::sync::Arc;

use async_trait::async_trait;

use super::handlers::AuditoriaHandlers;
use crate::auditoria::application::{ReabrirAuditoria, RevisarAuditoria};
use crate::auditoria::domain::{Decision, TipoEntidad};
use crate::contracts::{services, types};
use crate::seedwork::application::{
    FalloComando, HandleError, Message, TransactionalHandler, execute,
};
use crate::seedwork::infrastructure::SqlUnitOfWork;
use crate::seedwork::infrastructure::avro::{AvroCodec, Decoded, RespuestaRechazo};

/// An auditor's review from `comandos-revisiones`, in the consumer's
/// transaction with the inbox row. A review the audit's state no longer
/// allows (decided meanwhile, by another auditor or in the record's own
/// context) is answered with `ComandoRechazado` and acknowledged (the BFF
/// turns its command FALLIDO with the reason); a review that could never
/// apply (no such audit, a registration's part) is poison.
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

#[async_trait]
impl TransactionalHandler for ComandosRevisionesConsumer {
    type Uow = SqlUnitOfWork;
    type Effect = ();

    async fn apply(&self, uow: &mut SqlUnitOfWork, message: &Message) -> Result<(), HandleError> {
        let decoded = self.codec.decode_consumed(message)?;
        let comando = revision(&decoded).map_err(HandleError::Poison)?;
        let ctx = decoded.context();
        let (tipo, id_entidad, resultado) = match comando {
            Revision::Revisar(c) => (
                c.tipo,
                c.id_entidad.clone(),
                execute(&self.handlers.revisar, uow, c, &ctx)
                    .await
                    .map_err(FalloComando::from),
            ),
            Revision::Reabrir(c) => (
                c.tipo,
                c.id_entidad.clone(),
                execute(&self.handlers.reabrir, uow, c, &ctx)
                    .await
                    .map_err(FalloComando::from),
            ),
        };
        match resultado {
            Ok(()) => Ok(()),
            Err(fallo) => {
                RespuestaRechazo::new(self.codec.clone(), services::AUDITORIA, tipo.as_str())
                    .atender(uow, &decoded.header, &id_entidad, fallo)
                    .await
            }
        }
    }
}
