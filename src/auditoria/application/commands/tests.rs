//! The saga's command handlers against in-memory ports: no database.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::*;
use crate::auditoria::application::{
    AlmacenAuditoria, Auditorias, CompaniasConocidas, Registros, SagaMessages, Sagas,
};
use crate::auditoria::domain::Resultado;
use crate::auditoria::domain::{
    Auditoria, AuditoriaCompletada, AuditoriaRestaurada, ComandoRegistro, DatosRegistro, Decision,
    Envio, EstadoRegistro, EstadoSaga, RegistroPropiedad, RegistroSnapshot, Saga, SagaSnapshot,
    TipoEntidad,
};
use crate::seedwork::application::testing::{MemoryUnitOfWork, MemoryUnitOfWorkFactory};
use crate::seedwork::application::{CommandContext, Message, StoreError, TranslateError, dispatch};
use crate::seedwork::domain::EntityId;

/// Audits and sagas in memory; writes staged until commit.
#[derive(Clone, Default)]
struct MemoryAuditorias {
    audits: Arc<Mutex<Vec<(TipoEntidad, String)>>>,
    sagas: Arc<Mutex<HashMap<String, SagaSnapshot>>>,
    registros: Arc<Mutex<HashMap<String, RegistroSnapshot>>>,
    conocidas: Arc<Mutex<HashSet<String>>>,
    auditorias: Arc<Mutex<HashMap<String, AuditoriaRestaurada>>>,
}

impl AlmacenAuditoria for MemoryAuditorias {
    type Uow = MemoryUnitOfWork;
}

#[async_trait]
impl Auditorias for MemoryAuditorias {
    async fn auditada(
        &self,
        _uow: &mut MemoryUnitOfWork,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<bool, StoreError> {
        let audits = self.audits.lock().expect("lock");
        Ok(audits.iter().any(|(t, id)| *t == tipo && id == id_entidad))
    }

    async fn guardar_auditoria(
        &self,
        uow: &mut MemoryUnitOfWork,
        a: &Auditoria,
    ) -> Result<(), StoreError> {
        let (audits, row) = (
            self.audits.clone(),
            (a.tipo_entidad(), a.id_entidad().to_owned()),
        );
        let mut stored = a.snapshot().clone();
        stored.version += 1;
        let auditorias = self.auditorias.clone();
        uow.stage(move || {
            audits.lock().expect("lock").push(row);
            auditorias
                .lock()
                .expect("lock")
                .insert(stored.id_entidad.clone(), stored);
        });
        Ok(())
    }

    async fn auditoria_de(
        &self,
        _uow: &mut MemoryUnitOfWork,
        _tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<Option<Auditoria>, StoreError> {
        let auditorias = self.auditorias.lock().expect("lock");
        Ok(auditorias.get(id_entidad).cloned().map(Auditoria::restore))
    }
}

#[async_trait]
impl Sagas for MemoryAuditorias {
    async fn saga_de(
        &self,
        _uow: &mut MemoryUnitOfWork,
        _tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<Option<Saga>, StoreError> {
        let sagas = self.sagas.lock().expect("lock");
        Ok(sagas.get(id_entidad).cloned().map(Saga::restore))
    }

    async fn guardar_saga(
        &self,
        uow: &mut MemoryUnitOfWork,
        saga: &Saga,
    ) -> Result<(), StoreError> {
        let mut stored = saga.snapshot().clone();
        stored.version += 1;
        let sagas = self.sagas.clone();
        uow.stage(move || {
            sagas
                .lock()
                .expect("lock")
                .insert(stored.id_entidad.clone(), stored);
        });
        Ok(())
    }

    async fn sagas_vencidas(
        &self,
        ahora: DateTime<Utc>,
        _limit: i64,
    ) -> Result<Vec<Saga>, StoreError> {
        let sagas = self.sagas.lock().expect("lock");
        Ok(sagas
            .values()
            .filter(|s| s.estado == EstadoSaga::Pendiente && s.proximo_intento <= ahora)
            .cloned()
            .map(Saga::restore)
            .collect())
    }
}

#[async_trait]
impl Registros for MemoryAuditorias {
    async fn registro_de(
        &self,
        _uow: &mut MemoryUnitOfWork,
        tipo: TipoEntidad,
        id_entidad: &str,
    ) -> Result<Option<RegistroPropiedad>, StoreError> {
        let registros = self.registros.lock().expect("lock");
        Ok(registros
            .values()
            .cloned()
            .map(RegistroPropiedad::restore)
            .find(|r| r.incluye(tipo, id_entidad)))
    }

    async fn guardar_registro(
        &self,
        uow: &mut MemoryUnitOfWork,
        registro: &RegistroPropiedad,
    ) -> Result<(), StoreError> {
        let mut stored = registro.snapshot().clone();
        stored.version += 1;
        let registros = self.registros.clone();
        uow.stage(move || {
            registros
                .lock()
                .expect("lock")
                .insert(stored.id.to_string(), stored);
        });
        Ok(())
    }

    async fn registros_vencidos(
        &self,
        ahora: DateTime<Utc>,
        _limit: i64,
    ) -> Result<Vec<RegistroPropiedad>, StoreError> {
        let registros = self.registros.lock().expect("lock");
        Ok(registros
            .values()
            .filter(|r| {
                r.estado == EstadoRegistro::EnCurso
                    && r.envio.as_ref().is_some_and(|e| e.proximo_intento <= ahora)
            })
            .cloned()
            .map(RegistroPropiedad::restore)
            .collect())
    }
}

#[async_trait]
impl CompaniasConocidas for MemoryAuditorias {
    async fn compania_conocida(
        &self,
        _uow: &mut MemoryUnitOfWork,
        identificacion: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .conocidas
            .lock()
            .expect("lock")
            .contains(identificacion))
    }

    async fn recordar_compania(
        &self,
        uow: &mut MemoryUnitOfWork,
        identificacion: &str,
    ) -> Result<(), StoreError> {
        let (conocidas, id) = (self.conocidas.clone(), identificacion.to_owned());
        uow.stage(move || {
            conocidas.lock().expect("lock").insert(id);
        });
        Ok(())
    }
}

/// Messages named after what they are: the event, or the saga's command
/// (with the saga's command id, as the receiver's inbox needs).
struct NamedSagaMessages;

impl SagaMessages for NamedSagaMessages {
    fn auditoria_completada(
        &self,
        e: &AuditoriaCompletada,
        _ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        Ok(message(
            uuid::Uuid::now_v7().to_string(),
            "AuditoriaCompletada",
            &e.id_entidad,
        ))
    }

    fn comando(&self, saga: &Saga, ctx: &CommandContext) -> Result<Message, TranslateError> {
        let kind = match (saga.decision(), saga.revision()) {
            (Decision::Aprobar, None) => "Aprobar",
            (Decision::Rechazar, None) => "Rechazar",
            (Decision::Aprobar, Some(_)) => "Aprobar (revision)",
            (Decision::Rechazar, Some(_)) => "Rechazar (revision)",
        };
        Ok(message(ctx.command_id.clone(), kind, saga.id_entidad()))
    }

    fn comando_registro(
        &self,
        registro: &RegistroPropiedad,
        envio: &Envio,
        ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        let kind = match envio.comando {
            ComandoRegistro::CrearPropiedad => "CrearPropiedad",
            ComandoRegistro::CrearDatosGeograficos => "CrearDatosGeograficos",
            ComandoRegistro::EliminarPropiedad { .. } => "EliminarPropiedad",
            ComandoRegistro::EliminarDatosGeograficos { .. } => "EliminarDatosGeograficos",
        };
        Ok(message(
            ctx.command_id.clone(),
            kind,
            &registro.id().to_string(),
        ))
    }

    fn registro_avanzado(
        &self,
        registro: &RegistroPropiedad,
        _ctx: &CommandContext,
    ) -> Result<Message, TranslateError> {
        Ok(message(
            uuid::Uuid::now_v7().to_string(),
            "RegistroPropiedadAvanzado",
            &registro.id().to_string(),
        ))
    }
}

fn message(id: String, kind: &str, key: &str) -> Message {
    Message {
        id,
        topic: "test".into(),
        key: key.to_owned(),
        message_type: kind.to_owned(),
        schema_version: 1,
        properties: Default::default(),
        payload: Vec::new(),
        redelivery_count: 0,
    }
}

fn policy(timeout_ms: u64) -> SagaPolicy {
    SagaPolicy {
        timeout: std::time::Duration::from_millis(timeout_ms),
        max_intentos: 3,
    }
}

fn auditar(id: &str, email: &str) -> AuditarEntidad {
    AuditarEntidad {
        tipo: TipoEntidad::Compania,
        id_entidad: id.to_owned(),
        campos: [
            ("nombre", "Andes"),
            ("email", email),
            ("identificacion", "900123"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
    }
}

#[tokio::test]
async fn auditar_entidad_commits_the_audit_its_event_the_saga_and_its_command_once() {
    let (uows, store) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryAuditorias::default(),
    );
    let handler = AuditarEntidadHandler::new(
        Arc::new(store.clone()),
        Arc::new(NamedSagaMessages),
        policy(30_000),
    );
    let first = dispatch(
        &uows,
        &handler,
        auditar("c-1", ""),
        CommandContext::new_root(),
    )
    .await
    .expect("audit");
    assert!(first.is_some());
    let again = dispatch(
        &uows,
        &handler,
        auditar("c-1", ""),
        CommandContext::new_root(),
    )
    .await
    .expect("announced again");
    assert_eq!(again, None, "one audit, one saga per record");
    assert_eq!(uows.committed_types(), ["AuditoriaCompletada", "Rechazar"]);
    let saga = store.sagas.lock().expect("lock")["c-1"].clone();
    assert_eq!(saga.decision, Decision::Rechazar);
    assert_eq!(saga.motivos, ["email faltante"]);
}

#[tokio::test]
async fn a_different_outcome_fails_the_saga_and_the_audit_follows_the_record() {
    let (uows, store) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryAuditorias::default(),
    );
    let auditar_h = AuditarEntidadHandler::new(
        Arc::new(store.clone()),
        Arc::new(NamedSagaMessages),
        policy(30_000),
    );
    let registrar_h = RegistrarResultadoHandler::new(
        Arc::new(store.clone()),
        Arc::new(NamedSagaMessages),
        policy(30_000),
    );
    dispatch(
        &uows,
        &auditar_h,
        auditar("c-2", "a@andes.co"),
        CommandContext::new_root(),
    )
    .await
    .expect("audit");
    let manual = RegistrarResultado {
        tipo: TipoEntidad::Compania,
        id_entidad: "c-2".into(),
        estado: Resultado::Rechazada,
    };
    dispatch(&uows, &registrar_h, manual, CommandContext::new_root())
        .await
        .expect("result");
    let saga = store.sagas.lock().expect("lock")["c-2"].clone();
    assert_eq!(saga.estado, EstadoSaga::Fallida);
    assert!(saga.ultimo_error.is_some_and(|e| e.contains("Rechazada")));
    let auditoria = store.auditorias.lock().expect("lock")["c-2"].clone();
    assert_eq!(auditoria.resultado, Resultado::Rechazada);
    assert!(
        auditoria
            .motivo
            .is_some_and(|m| m.contains("contexto de origen"))
    );
    assert_eq!(
        uows.committed_types(),
        ["AuditoriaCompletada", "Aprobar", "AuditoriaCompletada"],
        "the audit's new verdict is announced"
    );
}

#[tokio::test]
async fn a_refused_command_fails_its_saga_at_once_and_the_audit_follows() {
    let (uows, store) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryAuditorias::default(),
    );
    let s = Arc::new(store.clone());
    let auditar_h =
        AuditarEntidadHandler::new(s.clone(), Arc::new(NamedSagaMessages), policy(30_000));
    let rechazo_h = RegistrarRechazoHandler::new(s, Arc::new(NamedSagaMessages), policy(30_000));
    // given: an audit that decided to approve, its saga waiting
    dispatch(
        &uows,
        &auditar_h,
        auditar("c-3", "a@andes.co"),
        CommandContext::new_root(),
    )
    .await
    .expect("audit");
    let saga = store.sagas.lock().expect("lock")["c-3"].clone();
    // when: the source refuses the saga's command (decided Rechazada already)
    let rechazo = RegistrarRechazo {
        tipo: TipoEntidad::Compania,
        id_entidad: "c-3".into(),
        id_comando: saga.id_comando.clone(),
        motivo: "cannot approve a record that is Rechazada".into(),
        decidido: Some(Resultado::Rechazada),
    };
    dispatch(&uows, &rechazo_h, rechazo, CommandContext::new_root())
        .await
        .expect("refusal");
    // then: the saga failed saying why, and the audit tells the record's truth
    let saga = store.sagas.lock().expect("lock")["c-3"].clone();
    assert_eq!(saga.estado, EstadoSaga::Fallida);
    assert!(saga.ultimo_error.is_some_and(|e| e.contains("refused")));
    let auditoria = store.auditorias.lock().expect("lock")["c-3"].clone();
    assert_eq!(auditoria.resultado, Resultado::Rechazada);
}

#[tokio::test]
async fn an_overdue_saga_resends_its_command_with_the_same_id_then_fails() {
    let (uows, store) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryAuditorias::default(),
    );
    let auditar_h = AuditarEntidadHandler::new(
        Arc::new(store.clone()),
        Arc::new(NamedSagaMessages),
        policy(0),
    );
    dispatch(
        &uows,
        &auditar_h,
        auditar("c-3", "a@andes.co"),
        CommandContext::new_root(),
    )
    .await
    .expect("audit");
    let reintentos = ReintentarSagasVencidas::new(
        Arc::new(store.clone()),
        Arc::new(NamedSagaMessages),
        policy(0),
    );
    for _ in 0..3 {
        reintentos.run(&uows).await.expect("retry pass");
    }
    let committed = uows.committed.lock().expect("lock");
    let sent: Vec<&Message> = committed
        .messages
        .iter()
        .filter(|m| m.message_type == "Aprobar")
        .collect();
    assert_eq!(sent.len(), 3, "the first send and two re-sends");
    assert!(sent.iter().all(|m| m.id == sent[0].id), "one command id");
    let saga = store.sagas.lock().expect("lock")["c-3"].clone();
    assert_eq!(saga.estado, EstadoSaga::Fallida);
}

fn parte(tipo: TipoEntidad, id: &str, campos: &[(&str, &str)]) -> AuditarEntidad {
    AuditarEntidad {
        tipo,
        id_entidad: id.to_owned(),
        campos: campos
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    }
}

/// Starts the registration of «Lote 7» (latitude 95: its geographic data
/// fail); a second start of the same property starts nothing.
async fn iniciar_lote_7(
    uows: &MemoryUnitOfWorkFactory,
    iniciar: &IniciarRegistroPropiedadHandler<MemoryAuditorias, NamedSagaMessages>,
) -> EntityId {
    let ctx = CommandContext::new_root;
    let id = EntityId::new();
    let datos = DatosRegistro {
        nombre: "Lote 7".into(),
        identificacion_catastral: "CAT-7".into(),
        nit: "900123".into(),
        latitud: "95".into(),
        longitud: "-74".into(),
        direccion: String::new(),
    };
    let started = dispatch(
        uows,
        iniciar,
        IniciarRegistroPropiedad {
            id_propiedad: id,
            datos: datos.clone(),
        },
        ctx(),
    )
    .await
    .expect("start");
    assert!(started);
    let again = IniciarRegistroPropiedad {
        id_propiedad: id,
        datos,
    };
    assert!(!dispatch(uows, iniciar, again, ctx()).await.expect("again"));
    id
}

/// The creations of «Lote 7»'s parts reach the audit: the property
/// passes, its geographic data do not. The geographic data's id.
async fn auditar_partes_de_lote_7(
    uows: &MemoryUnitOfWorkFactory,
    auditar_h: &AuditarEntidadHandler<MemoryAuditorias, NamedSagaMessages>,
    store: &MemoryAuditorias,
    id: EntityId,
) -> String {
    let ctx = CommandContext::new_root;
    let propiedad = [
        ("nombre", "Lote 7"),
        ("identificacion_catastral", "CAT-7"),
        ("nit", "900123"),
    ];
    dispatch(
        uows,
        auditar_h,
        parte(TipoEntidad::Propiedad, &id.to_string(), &propiedad),
        ctx(),
    )
    .await
    .expect("propiedad audited");
    let id_datos = store.registros.lock().expect("lock")[&id.to_string()]
        .id_datos
        .to_string();
    let geo = [
        ("nombre_propiedad", "Lote 7"),
        ("latitud", "95"),
        ("longitud", "-74"),
    ];
    dispatch(
        uows,
        auditar_h,
        parte(TipoEntidad::DatosGeograficos, &id_datos, &geo),
        ctx(),
    )
    .await
    .expect("datos audited");
    id_datos
}

/// Company c-x, audited and rejected by the rules, is reopened by ana
/// (a second reopening is refused) and approved by her.
async fn reabrir_y_aprobar_c_x(
    uows: &MemoryUnitOfWorkFactory,
    s: &Arc<MemoryAuditorias>,
    m: &Arc<NamedSagaMessages>,
) {
    let auditar_h = AuditarEntidadHandler::new(s.clone(), m.clone(), policy(30_000));
    let reabrir_h = ReabrirAuditoriaHandler::new(s.clone(), m.clone(), policy(30_000));
    let revisar_h = RevisarAuditoriaHandler::new(s.clone(), m.clone(), policy(30_000));
    dispatch(
        uows,
        &auditar_h,
        auditar("c-x", ""),
        CommandContext::new_root(),
    )
    .await
    .expect("audit");
    let reabrir = ReabrirAuditoria {
        tipo: TipoEntidad::Compania,
        id_entidad: "c-x".into(),
        motivo: "el email llegó por correo".into(),
        revisor: "ana".into(),
    };
    dispatch(
        uows,
        &reabrir_h,
        reabrir.clone(),
        CommandContext::new_root(),
    )
    .await
    .expect("reopen");
    let again = dispatch(uows, &reabrir_h, reabrir, CommandContext::new_root())
        .await
        .expect_err("already under review");
    assert!(matches!(
        again,
        ReabrirAuditoriaError::TransicionInvalida(_)
    ));
    let aprobar = RevisarAuditoria {
        tipo: TipoEntidad::Compania,
        id_entidad: "c-x".into(),
        decision: Decision::Aprobar,
        motivo: "verificado".into(),
        revisor: "ana".into(),
    };
    dispatch(uows, &revisar_h, aprobar, CommandContext::new_root())
        .await
        .expect("review");
}

/// The commands the unit of work committed, its events left out.
fn comandos_enviados(uows: &MemoryUnitOfWorkFactory) -> Vec<String> {
    let eventos = ["RegistroPropiedadAvanzado", "AuditoriaCompletada"];
    uows.committed_types()
        .into_iter()
        .filter(|t| !eventos.contains(&t.as_str()))
        .collect()
}

/// A registration driven through its handlers: the company is known, the
/// property passes, its datos geográficos do not → both rejected, the
/// property by compensation naming the cause; the saga ends compensada.
#[tokio::test]
async fn a_registration_whose_geographic_data_fail_rejects_both_and_compensates() {
    let (uows, store) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryAuditorias::default(),
    );
    let (s, m) = (Arc::new(store.clone()), Arc::new(NamedSagaMessages));
    let iniciar = IniciarRegistroPropiedadHandler::new(s.clone(), m.clone(), policy(30_000));
    let auditar_h = AuditarEntidadHandler::new(s.clone(), m.clone(), policy(30_000));
    let resultado = RegistrarResultadoHandler::new(s, m, policy(30_000));
    let ctx = CommandContext::new_root;
    dispatch(&uows, &auditar_h, auditar("c-9", "a@andes.co"), ctx())
        .await
        .expect("company audited: its identificacion is now known");
    let id = iniciar_lote_7(&uows, &iniciar).await;
    let id_datos = auditar_partes_de_lote_7(&uows, &auditar_h, &store, id).await;
    assert_eq!(
        comandos_enviados(&uows),
        [
            "Aprobar",
            "CrearPropiedad",
            "CrearDatosGeograficos",
            "Rechazar",
            "Rechazar"
        ]
    );
    let motivos = store.sagas.lock().expect("lock")[&id.to_string()]
        .motivos
        .clone();
    assert_eq!(motivos, ["datos geográficos: latitud fuera_de_rango"]);
    for (tipo, entidad) in [
        (TipoEntidad::Propiedad, id.to_string()),
        (TipoEntidad::DatosGeograficos, id_datos),
    ] {
        let rechazada = RegistrarResultado {
            tipo,
            id_entidad: entidad,
            estado: Resultado::Rechazada,
        };
        dispatch(&uows, &resultado, rechazada, ctx())
            .await
            .expect("result");
    }
    let registro = store.registros.lock().expect("lock")[&id.to_string()].clone();
    assert_eq!(registro.estado, EstadoRegistro::Compensada);
    assert_eq!(
        registro.motivo.as_deref(),
        Some("datos geográficos: latitud fuera_de_rango")
    );
}

#[tokio::test]
async fn a_property_of_an_unknown_company_is_audited_nit_desconocido() {
    let (uows, store) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryAuditorias::default(),
    );
    let handler = AuditarEntidadHandler::new(
        Arc::new(store.clone()),
        Arc::new(NamedSagaMessages),
        policy(30_000),
    );
    let campos = [
        ("nombre", "Lote"),
        ("identificacion_catastral", "CAT-1"),
        ("nit", "111"),
    ];
    dispatch(
        &uows,
        &handler,
        parte(TipoEntidad::Propiedad, "p-1", &campos),
        CommandContext::new_root(),
    )
    .await
    .expect("audit");
    let saga = store.sagas.lock().expect("lock")["p-1"].clone();
    assert_eq!(saga.decision, Decision::Rechazar);
    assert_eq!(saga.motivos, ["nit desconocido"]);
}

/// given: a company whose only finding is a malformed email (the review
/// table's default row) / when: audited / then: EnRevision, no command
/// until an auditor decides; their approval sends it with their reason.
#[tokio::test]
async fn a_finding_the_rules_leave_to_a_person_waits_for_an_auditor() {
    let (uows, store) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryAuditorias::default(),
    );
    let (s, m) = (Arc::new(store.clone()), Arc::new(NamedSagaMessages));
    let auditar_h = AuditarEntidadHandler::new(s.clone(), m.clone(), policy(30_000));
    let revisar_h = RevisarAuditoriaHandler::new(s.clone(), m.clone(), policy(30_000));
    dispatch(
        &uows,
        &auditar_h,
        auditar("c-r", "ventas.andes"),
        CommandContext::new_root(),
    )
    .await
    .expect("audit");
    assert_eq!(uows.committed_types(), ["AuditoriaCompletada"]);
    assert_eq!(
        store.auditorias.lock().expect("lock")["c-r"].resultado,
        Resultado::EnRevision
    );
    let aprobar = RevisarAuditoria {
        tipo: TipoEntidad::Compania,
        id_entidad: "c-r".into(),
        decision: Decision::Aprobar,
        motivo: "dominio interno verificado".into(),
        revisor: "ana".into(),
    };
    dispatch(
        &uows,
        &revisar_h,
        aprobar.clone(),
        CommandContext::new_root(),
    )
    .await
    .expect("review");
    assert_eq!(
        uows.committed_types(),
        ["AuditoriaCompletada", "AuditoriaCompletada", "Aprobar"]
    );
    let err = dispatch(&uows, &revisar_h, aprobar, CommandContext::new_root())
        .await
        .expect_err("decided already");
    assert!(matches!(err, RevisarAuditoriaError::TransicionInvalida(_)));
}

/// given: an audit the rules rejected / when: an auditor reopens it and
/// approves it / then: the approval goes to the source as a revision.
#[tokio::test]
async fn a_reopened_decision_reaches_the_source_as_a_revision() {
    let (uows, store) = (
        MemoryUnitOfWorkFactory::default(),
        MemoryAuditorias::default(),
    );
    let (s, m) = (Arc::new(store.clone()), Arc::new(NamedSagaMessages));
    reabrir_y_aprobar_c_x(&uows, &s, &m).await;
    assert_eq!(
        uows.committed_types(),
        [
            "AuditoriaCompletada",
            "Rechazar",
            "AuditoriaCompletada",
            "AuditoriaCompletada",
            "Aprobar (revision)"
        ]
    );
    // A late reply to the rules' earlier command is not the revision's.
    let registrar_h = RegistrarResultadoHandler::new(s.clone(), m.clone(), policy(30_000));
    let tardia = RegistrarResultado {
        tipo: TipoEntidad::Compania,
        id_entidad: "c-x".into(),
        estado: Resultado::Rechazada,
    };
    dispatch(&uows, &registrar_h, tardia, CommandContext::new_root())
        .await
        .expect("late reply");
    let saga = store.sagas.lock().expect("lock")["c-x"].clone();
    assert_eq!(
        saga.estado,
        EstadoSaga::Pendiente,
        "still waiting for its own"
    );
    let respuesta = CommandContext {
        command_id: "evento-1".into(),
        correlation_id: saga.correlation_id.clone(),
        causation_id: Some(saga.id_comando.clone()),
    };
    let aprobada = RegistrarResultado {
        tipo: TipoEntidad::Compania,
        id_entidad: "c-x".into(),
        estado: Resultado::Aprobada,
    };
    dispatch(&uows, &registrar_h, aprobada, respuesta)
        .await
        .expect("its reply");
    let saga = store.sagas.lock().expect("lock")["c-x"].clone();
    assert_eq!(saga.estado, EstadoSaga::Completada);
}
