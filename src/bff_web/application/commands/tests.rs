//! Sending commands against in-memory ports: no database.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::*;
use crate::bff_web::application::{ComandoEncoder, RegistroComandos, TipoRegistro};
use crate::bff_web::domain::{EstadoComando, EstadoRegistro};
use crate::seedwork::application::testing::{MemoryUnitOfWork, MemoryUnitOfWorkFactory};
use crate::seedwork::application::{CommandContext, Message, StoreError, TranslateError};
use crate::seedwork::domain::EntityId;

/// Accepted commands and projected estados, in memory.
#[derive(Clone, Default)]
struct MemoryRegistro {
    comandos: Arc<Mutex<Vec<(String, EstadoComando)>>>,
    estados: Arc<Mutex<HashMap<String, EstadoRegistro>>>,
}

#[async_trait]
impl RegistroComandos for MemoryRegistro {
    type Uow = MemoryUnitOfWork;

    async fn registrar(
        &self,
        uow: &mut MemoryUnitOfWork,
        _id: &str,
        tipo: &str,
        _id_entidad: &str,
        estado: EstadoComando,
    ) -> Result<(), StoreError> {
        let (comandos, row) = (self.comandos.clone(), (tipo.to_owned(), estado));
        uow.stage(move || comandos.lock().expect("lock").push(row));
        Ok(())
    }

    async fn parte_de_registro(
        &self,
        _uow: &mut MemoryUnitOfWork,
        _id: &str,
    ) -> Result<bool, StoreError> {
        Ok(false)
    }

    async fn estado_registro(
        &self,
        _uow: &mut MemoryUnitOfWork,
        _tipo: TipoRegistro,
        id: &str,
    ) -> Result<Option<EstadoRegistro>, StoreError> {
        Ok(self.estados.lock().expect("lock").get(id).copied())
    }
}

struct NamedComandos;

impl ComandoEncoder for NamedComandos {
    fn encode(
        &self,
        comando: &ComandoSaliente,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        Ok(Message {
            id: ctx.command_id.clone(),
            topic: "test".into(),
            key: comando.id().to_string(),
            message_type: comando.nombre(),
            schema_version: 1,
            properties: Default::default(),
            payload: Vec::new(),
            redelivery_count: 0,
        })
    }
}

#[tokio::test]
async fn a_decision_is_sent_done_at_once_or_refused_by_what_the_projection_shows() {
    let (uows, registro) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryRegistro::default(),
    );
    let commands = BffCommands::new(uows.clone(), registro.clone(), NamedComandos, 1);
    let (pendiente, aprobada, rechazada) = (EntityId::new(), EntityId::new(), EntityId::new());
    {
        let mut estados = registro.estados.lock().expect("lock");
        estados.insert(pendiente.to_string(), EstadoRegistro::Pendiente);
        estados.insert(aprobada.to_string(), EstadoRegistro::Aprobada);
        estados.insert(rechazada.to_string(), EstadoRegistro::Rechazada);
    }
    let aprobar = |id| ComandoSaliente::Aprobar {
        tipo: TipoRegistro::Compania,
        id,
    };
    let sent = commands
        .enviar(aprobar(pendiente), None)
        .await
        .expect("sent");
    assert_eq!(sent.estado, EstadoComando::Aceptado);
    let done = commands
        .enviar(aprobar(aprobada), None)
        .await
        .expect("done");
    assert_eq!(done.estado, EstadoComando::Procesado);
    let refused = commands.enviar(aprobar(rechazada), None).await;
    assert!(matches!(refused, Err(EnviarError::InvalidTransition(_))));
    assert_eq!(
        uows.committed_types(),
        ["AprobarCompania"],
        "only the first was sent"
    );
    assert_eq!(
        registro.comandos.lock().expect("lock").clone(),
        [
            ("AprobarCompania".to_owned(), EstadoComando::Aceptado),
            ("AprobarCompania".to_owned(), EstadoComando::Procesado)
        ]
    );
}
