use crate::seedwork::domain::{BoundedText, DatosRegistro, FieldError, Registro, RegistroEvent};

/// A company as registered: reviewed by the audit, approved or rejected.
pub type Compania = Registro<DatosCompania>;
/// `CompaniaCreada`, `CompaniaAprobada`, `CompaniaRechazada`.
pub type CompaniaEvent = RegistroEvent<DatosCompania>;

/// A company's registration data as given; any field may be blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatosCompania {
    pub nombre: BoundedText,
    pub email: BoundedText,
    pub identificacion: BoundedText,
}

impl DatosCompania {
    pub fn new(nombre: &str, email: &str, identificacion: &str) -> Result<Self, FieldError> {
        Ok(Self {
            nombre: BoundedText::parse("nombre", nombre)?,
            email: BoundedText::parse("email", email)?,
            identificacion: BoundedText::parse("identificacion", identificacion)?,
        })
    }
}

impl DatosRegistro for DatosCompania {
    const KIND: &'static str = "compania";
    const ID_FIELD: &'static str = "id_compania";
    const FIELDS: &'static [&'static str] = &["nombre", "email", "identificacion"];
    const CREAR: &'static str = "CrearCompania";
    const APROBAR: &'static str = "AprobarCompania";
    const RECHAZAR: &'static str = "RechazarCompania";
    const CREADO: &'static str = "CompaniaCreada";
    const APROBADO: &'static str = "CompaniaAprobada";
    const RECHAZADO: &'static str = "CompaniaRechazada";

    fn parse(field: &dyn Fn(&str) -> String) -> Result<Self, FieldError> {
        Self::new(&field("nombre"), &field("email"), &field("identificacion"))
    }

    fn field(&self, name: &str) -> &str {
        match name {
            "nombre" => self.nombre.as_str(),
            "email" => self.email.as_str(),
            "identificacion" => self.identificacion.as_str(),
            _ => "",
        }
    }
}

#[cfg(test)]
mod tests {
    //! given(events) / when(command) / then(events or error).
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::seedwork::domain::{
        AggregateRoot, DomainError, EntityId, Estado, Motivos, ReviewError, Reviewable,
    };

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp_millis(1_700_000_000_000).unwrap()
    }

    const ID: &str = "0192f3a0-0000-7000-8000-000000000001";

    fn id() -> EntityId {
        EntityId::parse("id", ID).unwrap()
    }

    /// Rebuilds the aggregate from its history, as a store would.
    fn given(history: &[CompaniaEvent]) -> Compania {
        let mut compania = None::<Compania>;
        for event in history {
            match event {
                RegistroEvent::Creado { id, datos, fecha } => {
                    compania = Some(Compania::crear(*id, datos.clone(), *fecha))
                }
                RegistroEvent::Aprobado { fecha, .. } => {
                    compania.as_mut().unwrap().aprobar(*fecha).unwrap()
                }
                RegistroEvent::Rechazado { motivos, fecha, .. } => compania
                    .as_mut()
                    .unwrap()
                    .rechazar(&Motivos::parse(motivos).unwrap(), *fecha)
                    .unwrap(),
            }
        }
        let mut compania = compania.expect("history starts with CompaniaCreada");
        compania.take_events();
        compania
    }

    fn datos() -> DatosCompania {
        DatosCompania::new("Inmobiliaria Andes", "", "900123").unwrap()
    }

    fn creada() -> CompaniaEvent {
        RegistroEvent::Creado {
            id: id(),
            datos: datos(),
            fecha: now(),
        }
    }

    fn aprobada() -> CompaniaEvent {
        RegistroEvent::Aprobado {
            id: id(),
            fecha: now(),
        }
    }

    fn rechazada() -> CompaniaEvent {
        RegistroEvent::Rechazado {
            id: id(),
            motivos: vec!["email faltante".into()],
            fecha: now(),
        }
    }

    fn motivos() -> Motivos {
        Motivos::parse(&["email faltante".into()]).unwrap()
    }

    #[test]
    fn crear_accepts_blank_fields_and_records_compania_creada() {
        let mut c = Compania::crear(id(), datos(), now());
        assert_eq!(c.estado(), Estado::Pendiente);
        let events = c.take_events();
        assert_eq!(events, vec![creada()]);
        assert_eq!(events[0].name(), "CompaniaCreada");
    }

    #[test]
    fn crear_refuses_a_name_over_the_limit() {
        let err = DatosCompania::new(&"n".repeat(1001), "", "").unwrap_err();
        assert_eq!(err.field, "nombre");
    }

    #[test]
    fn given_creada_when_aprobar_then_compania_aprobada() {
        let mut c = given(&[creada()]);
        c.aprobar(now()).unwrap();
        let events = c.take_events();
        assert_eq!(events, vec![aprobada()]);
        assert_eq!(events[0].name(), "CompaniaAprobada");
        assert_eq!(c.estado(), Estado::Aprobada);
    }

    #[test]
    fn given_aprobada_when_aprobar_then_no_event() {
        let mut c = given(&[creada(), aprobada()]);
        c.aprobar(now()).unwrap();
        assert!(c.take_events().is_empty());
    }

    #[test]
    fn given_creada_when_rechazar_then_compania_rechazada_with_motivos() {
        let mut c = given(&[creada()]);
        c.rechazar(&motivos(), now()).unwrap();
        assert_eq!(c.take_events(), vec![rechazada()]);
        assert_eq!(c.motivos_rechazo(), ["email faltante"]);
    }

    #[test]
    fn given_rechazada_when_rechazar_then_no_event() {
        let mut c = given(&[creada(), rechazada()]);
        c.rechazar(&motivos(), now()).unwrap();
        assert!(c.take_events().is_empty());
    }

    #[test]
    fn given_rechazada_when_aprobar_then_error() {
        let mut c = given(&[creada(), rechazada()]);
        let err = c.aprobar(now()).unwrap_err();
        assert_eq!(
            err,
            DomainError::InvalidTransition(ReviewError {
                from: Estado::Rechazada,
                action: "approve"
            })
        );
        assert!(c.take_events().is_empty());
    }

    #[test]
    fn given_aprobada_when_rechazar_then_error() {
        let mut c = given(&[creada(), aprobada()]);
        assert!(c.rechazar(&motivos(), now()).is_err());
        assert_eq!(c.estado(), Estado::Aprobada);
    }
}
