//! What an audit concluded about a record. auditoria's own vocabulary: the
//! source contexts know only Pendiente, Aprobada and Rechazada, and never
//! see a record wait for a person.

/// An audit's verdict, and the decision a source context reports back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resultado {
    Aprobada,
    Rechazada,
    /// The rules could not decide: a person reviews it. The source record
    /// stays Pendiente meanwhile.
    EnRevision,
}

crate::palabras!(
    Resultado, campo = "resultado",
    Aprobada => "Aprobada" | "aprobado",
    Rechazada => "Rechazada" | "rechazado",
    EnRevision => "EnRevision" | "en_revision",
);

#[cfg(test)]
mod tests {
    use super::Resultado;

    #[test]
    fn a_resultado_reads_back_what_it_writes_and_refuses_pendiente() {
        for r in [
            Resultado::Aprobada,
            Resultado::Rechazada,
            Resultado::EnRevision,
        ] {
            assert_eq!(r.as_str().parse::<Resultado>(), Ok(r));
        }
        assert_eq!(
            "EN_REVISION".parse::<Resultado>(),
            Ok(Resultado::EnRevision)
        );
        let refused = "Pendiente".parse::<Resultado>().unwrap_err();
        assert_eq!(refused.field, "resultado");
    }
}
