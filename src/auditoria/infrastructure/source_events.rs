use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;

use super::Fuente;
use super::handlers::AuditoriaHandlers;
use crate::auditoria::application::{AuditarEntidad, RegistrarCompensacion, RegistrarResultado};
use crate::seedwork::application::{HandleError, Message, TransactionalHandler, execute};

use super::sql_registros::precargar_registros;
use super::sql_staged::{clave, precargar};
use crate::auditoria::domain::Resultado;
use crate::seedwork::infrastructure::SqlUnitOfWork;
use crate::seedwork::infrastructure::avro::{AvroCodec, Decoded};

/// Consumes a source context's events: a created record is audited (and
/// its saga started or its registration moved); an approved or rejected
/// one closes its saga; an eliminated one or a refused creation moves its
/// registration. Other event types are not the audit's business and are
/// acknowledged.
pub struct SourceEventsConsumer {
    fuente: Fuente,
    handlers: Arc<AuditoriaHandlers>,
    codec: Arc<AvroCodec>,
}

impl SourceEventsConsumer {
    pub fn new(fuente: Fuente, handlers: Arc<AuditoriaHandlers>, codec: Arc<AvroCodec>) -> Self {
        Self {
            fuente,
            handlers,
            codec,
        }
    }
}

impl SourceEventsConsumer {
    /// The compensation or refusal this event reports, if any.
    fn compensacion(&self, decoded: &Decoded, id_entidad: &str) -> Option<RegistrarCompensacion> {
        let kind = decoded.header.message_type.as_str();
        let eliminado = Some(kind) == self.fuente.eliminado
            || (kind == self.fuente.rechazado && decoded.flag("eliminado") == Some(true));
        if eliminado {
            return Some(RegistrarCompensacion::Eliminada {
                tipo: self.fuente.tipo,
                id_entidad: id_entidad.to_owned(),
            });
        }
        (Some(kind) == self.fuente.fallido).then(|| RegistrarCompensacion::CreacionFallida {
            id_propiedad: id_entidad.to_owned(),
            motivo: decoded.text("motivo").unwrap_or_default(),
        })
    }
}

#[async_trait]
impl TransactionalHandler for SourceEventsConsumer {
    type Uow = SqlUnitOfWork;
    type Effect = ();

    /// The run's records' audits and sagas, and which of them belong to a
    /// registration: one statement each.
    async fn preload(&self, uow: &mut SqlUnitOfWork, run: &[&Message]) -> Result<(), HandleError> {
        // An undecodable message is left to `apply`, which dead-letters it.
        let ids: Vec<String> = run
            .iter()
            .filter_map(|m| self.codec.decode_consumed(m).ok())
            .filter_map(|decoded| decoded.text(self.fuente.id_field))
            .collect();
        let claves: Vec<String> = ids.iter().map(|id| clave(self.fuente.tipo, id)).collect();
        precargar(uow, &claves).await?;
        Ok(precargar_registros(uow, self.fuente.tipo, &ids).await?)
    }

    async fn apply(&self, uow: &mut SqlUnitOfWork, message: &Message) -> Result<(), HandleError> {
        let decoded = self.codec.decode_consumed(message)?;
        let ctx = decoded.context();
        let h = &decoded.header;
        let id_entidad = decoded.text(self.fuente.id_field).ok_or_else(|| {
            HandleError::Poison(format!(
                "{} without {}",
                h.message_type, self.fuente.id_field
            ))
        })?;
        let kind = h.message_type.as_str();
        if let Some(command) = self.compensacion(&decoded, &id_entidad) {
            return execute(&self.handlers.compensacion, uow, command, &ctx)
                .await
                .map_err(HandleError::from);
        }
        if kind == self.fuente.creado {
            let campos: BTreeMap<String, String> = self
                .fuente
                .campos
                .iter()
                .map(|c| ((*c).to_owned(), decoded.text(c).unwrap_or_default()))
                .collect();
            let command = AuditarEntidad {
                tipo: self.fuente.tipo,
                id_entidad,
                campos,
            };
            execute(&self.handlers.auditar, uow, command, &ctx)
                .await
                .map(|_| ())
                .map_err(HandleError::from)
        } else if kind == self.fuente.aprobado || kind == self.fuente.rechazado {
            let estado = if kind == self.fuente.aprobado {
                Resultado::Aprobada
            } else {
                Resultado::Rechazada
            };
            let command = RegistrarResultado {
                tipo: self.fuente.tipo,
                id_entidad,
                estado,
            };
            execute(&self.handlers.registrar, uow, command, &ctx)
                .await
                .map_err(HandleError::from)
        } else {
            Ok(())
        }
    }
}
