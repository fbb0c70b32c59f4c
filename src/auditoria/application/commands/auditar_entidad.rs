use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;

use super::saga_ports::{FalloDeSaga, guardar_auditoria};
use super::{SagaPolicy, registro_context, saga_context};
use crate::auditoria::application::{AuditoriaStore, SagaMessages};
use crate::auditoria::domain::{
    AccionDeRegistro, Auditoria, Decision, Orden, ParteRegistro, RegistroPropiedad, ReglasRevision,
    Saga, TipoEntidad, Veredicto, referencias,
};
use crate::seedwork::application::{
    Command, CommandContext, CommandHandler, StoreError, TranslateError, UnitOfWork,
};
use crate::seedwork::domain::EntityId;

/// Audit a record that was just created (from its `...Creada` event).
#[derive(Debug, Clone)]
pub struct AuditarEntidad {
    pub tipo: TipoEntidad,
    pub id_entidad: String,
    pub campos: BTreeMap<String, String>,
}

impl Command for AuditarEntidad {
    const NAME: &'static str = "AuditarEntidad";
    /// The audit's id, or None when the record had been audited already.
    type Output = Option<EntityId>;
}

/// Its failures, and their verdict on a topic, in `saga_ports`.
pub type AuditarEntidadError = FalloDeSaga;

/// Audits the record and moves what follows in the caller's transaction:
/// the audit, `AuditoriaCompletada` and either the record's own decision
/// saga (its `AprobarX`/`RechazarX` command) or, for a part of a property
/// registration, the registration's next step.
pub struct AuditarEntidadHandler<S, M> {
    store: Arc<S>,
    messages: Arc<M>,
    policy: SagaPolicy,
    revision: ReglasRevision,
}

impl<S, M> AuditarEntidadHandler<S, M> {
    /// With the default review table (see `ReglasRevision::por_defecto`).
    pub fn new(store: Arc<S>, messages: Arc<M>, policy: SagaPolicy) -> Self {
        Self {
            store,
            messages,
            policy,
            revision: ReglasRevision::por_defecto(),
        }
    }

    /// The findings that go to a person instead of a verdict.
    pub fn con_revision(mut self, revision: ReglasRevision) -> Self {
        self.revision = revision;
        self
    }
}

impl<S: AuditoriaStore, M: SagaMessages> AuditarEntidadHandler<S, M> {
    /// Which references of the record the audit knows from other
    /// contexts' events (a property's `nit`).
    async fn conocidas(
        &self,
        uow: &mut S::Uow,
        command: &AuditarEntidad,
    ) -> Result<Vec<String>, StoreError> {
        let mut conocidas = Vec::new();
        for &campo in referencias(command.tipo) {
            let valor = command.campos.get(campo).map_or("", |v| v.trim());
            if !valor.is_empty() && self.store.compania_conocida(uow, valor).await? {
                conocidas.push(campo.to_owned());
            }
        }
        Ok(conocidas)
    }

    /// The record's own decision saga: its command is sent now.
    fn iniciar_saga(
        auditoria: &Auditoria,
        decision: Decision,
        ctx: &CommandContext,
        policy: SagaPolicy,
    ) -> Saga {
        Saga::iniciar(
            auditoria,
            decision,
            uuid::Uuid::now_v7().to_string(),
            &ctx.correlation_id,
            policy.timeout(),
            Utc::now(),
        )
    }

    /// A registration's part was audited: its next step, or a wait for
    /// the auditor when the audit left it to a person.
    async fn avanzar_registro(
        &self,
        uow: &mut S::Uow,
        mut registro: RegistroPropiedad,
        auditoria: &Auditoria,
        ctx: &CommandContext,
    ) -> Result<(), AuditarEntidadError> {
        // A company is never part of a registration: nothing to move.
        let Some(parte) = ParteRegistro::de(auditoria.tipo_entidad()) else {
            return Ok(());
        };
        let id_comando = uuid::Uuid::now_v7().to_string();
        let acciones = match auditoria.decision() {
            None => registro.parte_en_revision(parte, id_comando, Utc::now()),
            Some(decision) => registro.parte_auditada(
                parte,
                veredicto(auditoria, decision),
                id_comando,
                self.policy.timeout(),
                Utc::now(),
            ),
        };
        ejecutar(
            self.store.as_ref(),
            self.messages.as_ref(),
            uow,
            &registro,
            acciones,
            ctx,
            self.policy,
        )
        .await
    }
}

/// A decided audit's verdict as a registration reads it.
pub(super) fn veredicto(auditoria: &Auditoria, decision: Decision) -> Veredicto {
    Veredicto {
        aprobada: match decision {
            Decision::Aprobar => true,
            Decision::Rechazar => false,
        },
        motivos: auditoria.motivos(),
    }
}

/// Stores a registration that moved, publishes where it stands, and does
/// what its step asks: send a command, or start a part's decision saga.
pub(super) async fn ejecutar<S, M, E>(
    store: &S,
    messages: &M,
    uow: &mut S::Uow,
    registro: &RegistroPropiedad,
    acciones: Vec<AccionDeRegistro>,
    ctx: &CommandContext,
    policy: SagaPolicy,
) -> Result<(), E>
where
    S: AuditoriaStore,
    M: SagaMessages,
    E: From<StoreError> + From<TranslateError>,
{
    store.guardar_registro(uow, registro).await?;
    let correlation = registro.id().to_string();
    for accion in acciones {
        match accion {
            AccionDeRegistro::Enviar(envio) => {
                let ctx = registro_context(&envio, &correlation, Some(&ctx.command_id));
                uow.add_message(messages.comando_registro(registro, &envio, &ctx)?);
            }
            AccionDeRegistro::Decidir {
                tipo,
                id_entidad,
                decision,
                motivos,
            } => {
                let orden = Orden {
                    id: EntityId::new(),
                    tipo_entidad: tipo,
                    id_entidad,
                    decision,
                    motivos,
                };
                let id_comando = uuid::Uuid::now_v7().to_string();
                let saga = Saga::decidir(
                    orden,
                    id_comando,
                    &correlation,
                    policy.timeout(),
                    Utc::now(),
                );
                store.guardar_saga(uow, &saga).await?;
                let saga_ctx = saga_context(&saga, Some(&ctx.command_id));
                uow.add_message(messages.comando(&saga, &saga_ctx)?);
            }
        }
    }
    uow.add_message(messages.registro_avanzado(registro, ctx)?);
    Ok(())
}

#[async_trait]
impl<S, M> CommandHandler<AuditarEntidad> for AuditarEntidadHandler<S, M>
where
    S: AuditoriaStore,
    M: SagaMessages,
{
    type Uow = S::Uow;
    type Error = AuditarEntidadError;

    async fn handle(
        &self,
        uow: &mut S::Uow,
        command: AuditarEntidad,
        ctx: &CommandContext,
    ) -> Result<Option<EntityId>, AuditarEntidadError> {
        // The same record announced twice (another event id): one audit, one saga.
        if self
            .store
            .auditada(uow, command.tipo, &command.id_entidad)
            .await?
        {
            return Ok(None);
        }
        if command.tipo == TipoEntidad::Compania {
            if let Some(identificacion) = command.campos.get("identificacion") {
                if !identificacion.trim().is_empty() {
                    self.store
                        .recordar_compania(uow, identificacion.trim())
                        .await?;
                }
            }
        }
        let conocidas = self.conocidas(uow, &command).await?;
        let registro = self
            .store
            .registro_de(uow, command.tipo, &command.id_entidad)
            .await?;
        let campos = &command.campos;
        let mut auditoria = Auditoria::realizar(
            EntityId::new(),
            command.tipo,
            &command.id_entidad,
            &|c| campos.get(c).cloned(),
            &|c, _| conocidas.iter().any(|k| k == c),
            &self.revision,
            Utc::now(),
        );
        guardar_auditoria::<_, _, AuditarEntidadError>(
            self.store.as_ref(),
            self.messages.as_ref(),
            uow,
            &mut auditoria,
            ctx,
        )
        .await?;
        match (registro, auditoria.decision()) {
            (Some(registro), _) => {
                self.avanzar_registro(uow, registro, &auditoria, ctx)
                    .await?
            }
            // Waits for an auditor: no command until they decide.
            (None, None) => {}
            (None, Some(decision)) => {
                let saga = Self::iniciar_saga(&auditoria, decision, ctx, self.policy);
                self.store.guardar_saga(uow, &saga).await?;
                let saga_ctx = saga_context(&saga, Some(&ctx.command_id));
                uow.add_message(self.messages.comando(&saga, &saga_ctx)?);
            }
        }
        Ok(Some(auditoria.id()))
    }
}
