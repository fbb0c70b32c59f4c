use crate::seedwork::domain::{BoundedText, DatosRegistro, FieldError, Registro, RegistroEvent};

/// A company as registered: reviewed by the audit, approved or rejected.
pub type Compania = Registro<DatosCompania>;
/// `CompaniaCreada`, `CompaniaAprobada`, `CompaniaRechazada`.
pub type CompaniaEvent = RegistroEvent<DatosCompania>;

/// A company's registration data as given; any field may be blank. `pais`
/// and `telefono` came with schema v2 and are not audited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatosCompania {
    pub nombre: BoundedText,
    pub email: BoundedText,
    pub identificacion: BoundedText,
    pub pais: BoundedText,
    pub telefono: BoundedText,
}

impl DatosCompania {
    /// The v1 data; `pais` and `telefono` blank.
    pub fn new(nombre: &str, email: &str, identificacion: &str) -> Result<Self, FieldError> {
        Self::parse(&|f: &str| match f {
            "nombre" => nombre.to_owned(),
            "email" => email.to_owned(),
            "identificacion" => identificacion.to_owned(),
            _ => String::new(),
        })
    }
}

impl DatosRegistro for DatosCompania {
    const KIND: &'static str = "compania";
    const ID_FIELD: &'static str = "id_compania";
    const FIELDS: &'static [&'static str] =
        &["nombre", "email", "identificacion", "pais", "telefono"];
    const OPTIONAL_FIELDS: &'static [&'static str] = &["pais", "telefono"];
    const CREAR: &'static str = "CrearCompania";
    const APROBAR: &'static str = "AprobarCompania";
    const RECHAZAR: &'static str = "RechazarCompania";
    const CREADO: &'static str = "CompaniaCreada";
    const APROBADO: &'static str = "CompaniaAprobada";
    const RECHAZADO: &'static str = "CompaniaRechazada";

    fn parse(field: &dyn Fn(&str) -> String) -> Result<Self, FieldError> {
        let text = |name: &str| BoundedText::parse(name, &field(name));
        Ok(Self {
            nombre: text("nombre")?,
            email: text("email")?,
            identificacion: text("identificacion")?,
            pais: text("pais")?,
            telefono: text("telefono")?,
        })
    }

    fn field(&self, name: &str) -> &str {
        match name {
            "nombre" => self.nombre.as_str(),
            "email" => self.email.as_str(),
            "identificacion" => self.identificacion.as_str(),
            "pais" => self.pais.as_str(),
            "telefono" => self.telefono.as_str(),
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
