//! Who may do what: the roles a token carries and what each allows. Every
//! writing entry point (the services' HTTP APIs, the BFF's GraphQL) checks
//! the same rules.

use std::str::FromStr;

/// A role carried by a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rol {
    /// Registers companies and properties.
    Operador,
    /// Approves or rejects by hand.
    Auditor,
}

impl Rol {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operador => "operador",
            Self::Auditor => "auditor",
        }
    }
}

impl FromStr for Rol {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "operador" => Ok(Self::Operador),
            "auditor" => Ok(Self::Auditor),
            other => Err(format!("unknown role {other:?} (operador, auditor)")),
        }
    }
}

/// What a request wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accion {
    Consultar,
    Crear,
    Decidir,
    /// Keep the pipeline running: replay dead letters (operador or auditor).
    Operar,
}

/// Who is asking: a verified token's roles, or anonymous local use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Anonimo,
    Usuario { sujeto: String, roles: Vec<Rol> },
}

impl Principal {
    /// A token with any of our roles may read; creating needs `operador`,
    /// deciding `auditor`; a token with none of our roles may do nothing.
    /// Anonymous access (local use only) may do everything.
    pub fn puede(&self, accion: Accion) -> bool {
        match self {
            Self::Anonimo => true,
            Self::Usuario { roles, .. } => match accion {
                Accion::Consultar => !roles.is_empty(),
                Accion::Crear => roles.contains(&Rol::Operador),
                Accion::Decidir => roles.contains(&Rol::Auditor),
                Accion::Operar => !roles.is_empty(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_gate_actions() {
        let operador = Principal::Usuario {
            sujeto: "o".into(),
            roles: vec![Rol::Operador],
        };
        let auditor = Principal::Usuario {
            sujeto: "a".into(),
            roles: vec![Rol::Auditor],
        };
        assert!(operador.puede(Accion::Crear) && !operador.puede(Accion::Decidir));
        assert!(auditor.puede(Accion::Decidir) && !auditor.puede(Accion::Crear));
        assert!(auditor.puede(Accion::Consultar) && operador.puede(Accion::Consultar));
        assert!(Principal::Anonimo.puede(Accion::Decidir));
        let nadie = Principal::Usuario {
            sujeto: "n".into(),
            roles: vec![],
        };
        for accion in [
            Accion::Consultar,
            Accion::Crear,
            Accion::Decidir,
            Accion::Operar,
        ] {
            assert!(!nadie.puede(accion), "{accion:?}");
        }
    }
}
