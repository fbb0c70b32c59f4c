//! given(steps) / when(reply) / then(commands and state).
use super::*;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(1_700_000_000_000).unwrap()
}

fn politica(max_intentos: u32) -> PoliticaDeReintentos {
    PoliticaDeReintentos {
        timeout: timeout(),
        max_intentos,
    }
}

fn timeout() -> Duration {
    Duration::seconds(5)
}

fn iniciado() -> RegistroPropiedad {
    RegistroPropiedad::iniciar(
        EntityId::new(),
        EntityId::new(),
        DatosRegistro::default(),
        "c-1".into(),
        timeout(),
        now(),
    )
    .0
}

fn ok() -> Veredicto {
    Veredicto {
        aprobada: true,
        motivos: Vec::new(),
    }
}

fn mal(motivo: &str) -> Veredicto {
    Veredicto {
        aprobada: false,
        motivos: vec![motivo.into()],
    }
}

fn comandos(acciones: &[AccionDeRegistro]) -> Vec<ComandoRegistro> {
    acciones
        .iter()
        .filter_map(|a| match a {
            AccionDeRegistro::Enviar(e) => Some(e.comando.clone()),
            AccionDeRegistro::Decidir { .. } => None,
        })
        .collect()
}

fn decisiones(acciones: &[AccionDeRegistro]) -> Vec<(TipoEntidad, Decision, Vec<String>)> {
    acciones
        .iter()
        .filter_map(|a| match a {
            AccionDeRegistro::Decidir {
                tipo,
                decision,
                motivos,
                ..
            } => Some((*tipo, *decision, motivos.clone())),
            AccionDeRegistro::Enviar(_) => None,
        })
        .collect()
}

/// given: the property created and approved / when: the geographic
/// data's audit leaves it to a person / then: nothing is sent and
/// nothing is due until the auditor's verdict, which decides both.
#[test]
fn a_part_in_review_holds_the_registration_until_the_auditor_decides() {
    let mut r = iniciado();
    r.parte_auditada(
        ParteRegistro::Propiedad,
        ok(),
        "c-2".into(),
        timeout(),
        now(),
    );
    let a = r.parte_en_revision(ParteRegistro::DatosGeograficos, "c-3".into(), now());
    assert!(a.is_empty());
    assert!(r.envio().is_none(), "no deadline while a person reviews");
    assert!(r.espera_revision(ParteRegistro::DatosGeograficos));
    assert_eq!(
        r.pasos().last().map(|h| h.resultado),
        Some(ResultadoPaso::AuditoriaEnRevision(
            ParteRegistro::DatosGeograficos
        ))
    );
    assert!(
        r.parte_en_revision(ParteRegistro::DatosGeograficos, "c-4".into(), now())
            .is_empty(),
        "a repeat changes nothing"
    );
    let a = r.parte_revisada(
        ParteRegistro::DatosGeograficos,
        ok(),
        "c-5".into(),
        timeout(),
        now(),
    );
    let d = decisiones(&a);
    assert_eq!(d.len(), 2);
    assert!(
        d.iter()
            .all(|(_, decision, _)| *decision == Decision::Aprobar)
    );
    assert!(!r.espera_revision(ParteRegistro::DatosGeograficos));
    assert!(
        r.parte_revisada(
            ParteRegistro::DatosGeograficos,
            ok(),
            "c-6".into(),
            timeout(),
            now()
        )
        .is_empty(),
        "decided once"
    );
}

#[test]
fn both_parts_pass_then_both_are_approved_and_the_saga_completes() {
    let mut r = iniciado();
    let a = r.parte_auditada(
        ParteRegistro::Propiedad,
        ok(),
        "c-2".into(),
        timeout(),
        now(),
    );
    assert_eq!(comandos(&a), [ComandoRegistro::CrearDatosGeograficos]);
    let a = r.parte_auditada(
        ParteRegistro::DatosGeograficos,
        ok(),
        "c-3".into(),
        timeout(),
        now(),
    );
    let d = decisiones(&a);
    assert!(
        d.iter()
            .all(|(_, decision, _)| *decision == Decision::Aprobar)
    );
    assert_eq!(d.len(), 2);
    assert!(r.resultado(ParteRegistro::Propiedad, Resultado::Aprobada, now()));
    assert_eq!(r.estado(), EstadoRegistro::EnCurso);
    r.resultado(ParteRegistro::DatosGeograficos, Resultado::Aprobada, now());
    assert_eq!(r.estado(), EstadoRegistro::Completada);
}

#[test]
fn a_failed_geographic_audit_rejects_the_property_by_compensation_naming_the_cause() {
    let mut r = iniciado();
    r.parte_auditada(
        ParteRegistro::Propiedad,
        ok(),
        "c-2".into(),
        timeout(),
        now(),
    );
    let a = r.parte_auditada(
        ParteRegistro::DatosGeograficos,
        mal("latitud fuera_de_rango"),
        "c-3".into(),
        timeout(),
        now(),
    );
    let causa = "datos geográficos: latitud fuera_de_rango".to_owned();
    assert_eq!(
        decisiones(&a),
        [
            (
                TipoEntidad::Propiedad,
                Decision::Rechazar,
                vec![causa.clone()]
            ),
            (
                TipoEntidad::DatosGeograficos,
                Decision::Rechazar,
                vec!["latitud fuera_de_rango".to_owned()]
            ),
        ]
    );
    r.resultado(ParteRegistro::Propiedad, Resultado::Rechazada, now());
    r.resultado(ParteRegistro::DatosGeograficos, Resultado::Rechazada, now());
    assert_eq!(r.estado(), EstadoRegistro::Compensada);
    assert_eq!(r.motivo(), Some(causa.as_str()));
}

#[test]
fn a_refused_creation_compensates_nothing_and_says_why() {
    let mut r = iniciado();
    assert!(r.creacion_fallida("identificacion_catastral CAT-1 ya registrada", now()));
    assert_eq!(r.estado(), EstadoRegistro::Compensada);
    assert!(r.motivo().is_some_and(|m| m.contains("CAT-1")));
    assert!(
        !r.creacion_fallida("again", now()),
        "a repeat changes nothing"
    );
}

#[test]
fn no_reply_for_the_geographic_data_eliminates_the_property() {
    let mut r = iniciado();
    r.parte_auditada(
        ParteRegistro::Propiedad,
        ok(),
        "c-2".into(),
        timeout(),
        now(),
    );
    let resent = r.vencer(&politica(2), "x".into(), now());
    assert_eq!(comandos(&resent), [ComandoRegistro::CrearDatosGeograficos]);
    let AccionDeRegistro::Enviar(e) = &resent[0] else {
        panic!()
    };
    assert_eq!(e.id_comando, "c-2", "a re-send keeps the command id");
    let compensar = r.vencer(&politica(2), "c-9".into(), now());
    assert!(matches!(
        &comandos(&compensar)[..],
        [ComandoRegistro::EliminarPropiedad { motivo }] if motivo.contains("sin respuesta")
    ));
    assert_eq!(r.paso(), Paso::Compensar);
    assert!(r.eliminada(ParteRegistro::Propiedad, now()));
    assert_eq!(r.estado(), EstadoRegistro::Compensada);
    // The datos geográficos created late are eliminated too.
    let tarde = r.parte_auditada(
        ParteRegistro::DatosGeograficos,
        ok(),
        "c-10".into(),
        timeout(),
        now(),
    );
    assert!(matches!(
        &comandos(&tarde)[..],
        [ComandoRegistro::EliminarDatosGeograficos { .. }]
    ));
}

#[test]
fn a_compensation_that_cannot_run_leaves_the_saga_failed() {
    let mut r = iniciado();
    r.parte_auditada(
        ParteRegistro::Propiedad,
        ok(),
        "c-2".into(),
        timeout(),
        now(),
    );
    r.vencer(&politica(1), "c-9".into(), now());
    assert_eq!(r.paso(), Paso::Compensar);
    assert!(r.vencer(&politica(1), "c-10".into(), now()).is_empty());
    assert_eq!(r.estado(), EstadoRegistro::Fallida);
}

#[test]
fn a_repeated_creation_is_no_second_step() {
    let mut r = iniciado();
    r.parte_auditada(
        ParteRegistro::Propiedad,
        ok(),
        "c-2".into(),
        timeout(),
        now(),
    );
    let again = r.parte_auditada(
        ParteRegistro::Propiedad,
        ok(),
        "c-3".into(),
        timeout(),
        now(),
    );
    assert!(again.is_empty());
}
