//! A state's or kind's words, written once for every enum that travels as
//! text (on the wire, in SQL, in a query string): its word, `Display`, and
//! a `FromStr` that takes its word or an alias in any case and refuses
//! anything else, naming the field and the words it takes. Matching stays
//! exhaustive: each variant is listed with its word.
//!
//! ```ignore
//! palabras!(EstadoSaga, campo = "estado",
//!     Pendiente => "pendiente", Completada => "completada",
//!     Compensada => "compensada", Fallida => "fallida");
//! ```

/// `a, b or c`: the words an error says a field takes.
pub fn enumerar(palabras: &[&str]) -> String {
    match palabras {
        [] => String::new(),
        [una] => (*una).to_owned(),
        [antes @ .., ultima] => format!("{} or {ultima}", antes.join(", ")),
    }
}

/// Implements `as_str`, `Display` and `FromStr` (error: a `FieldError` on
/// `campo`) for an enum from its variants' words and aliases.
#[macro_export]
macro_rules! palabras {
    (
        $tipo:ident, campo = $campo:literal,
        $($variante:ident => $palabra:literal $(| $alias:literal)*),+ $(,)?
    ) => {
        impl $tipo {
            /// Its word on the wire and in SQL.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variante => $palabra),+
                }
            }
        }

        impl ::std::fmt::Display for $tipo {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $tipo {
            type Err = $crate::seedwork::domain::FieldError;

            /// Its word or an alias, in any case.
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let dicho = s.to_ascii_lowercase();
                $(
                    if dicho == $palabra.to_ascii_lowercase() $(|| dicho == $alias)* {
                        return Ok(Self::$variante);
                    }
                )+
                let palabras = $crate::seedwork::domain::enumerar(&[$($palabra),+]);
                Err($crate::seedwork::domain::FieldError::new(
                    $campo,
                    format!("must be {palabras}, got {s:?}"),
                ))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::enumerar;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Color {
        Rojo,
        VerdeClaro,
    }

    crate::palabras!(Color, campo = "color", Rojo => "rojo", VerdeClaro => "VerdeClaro" | "verde_claro");

    #[test]
    fn a_word_or_an_alias_in_any_case_reads_and_anything_else_is_refused() {
        assert_eq!(Color::Rojo.as_str(), "rojo");
        assert_eq!(Color::VerdeClaro.to_string(), "VerdeClaro");
        assert_eq!("ROJO".parse::<Color>(), Ok(Color::Rojo));
        assert_eq!("verdeclaro".parse::<Color>(), Ok(Color::VerdeClaro));
        assert_eq!("verde_claro".parse::<Color>(), Ok(Color::VerdeClaro));
        let error = "azul".parse::<Color>().unwrap_err();
        assert_eq!(error.field, "color");
        assert_eq!(error.reason, "must be rojo or VerdeClaro, got \"azul\"");
    }

    #[test]
    fn the_words_a_field_takes_read_as_a_list() {
        assert_eq!(enumerar(&["a"]), "a");
        assert_eq!(enumerar(&["a", "b", "c"]), "a, b or c");
    }
}
