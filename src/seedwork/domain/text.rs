use std::fmt;

use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

/// Longest text a field accepts; ingestion is lenient about blanks, not size.
pub const MAX_TEXT_CHARS: usize = 1000;

/// A structurally invalid value, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Free text of at most [`MAX_TEXT_CHARS`] characters. Blank is allowed:
/// ingestion accepts incomplete data and the audit judges it later.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BoundedText(String);

impl BoundedText {
    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        let chars = value.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(FieldError::new(
                field,
                format!("must be at most {MAX_TEXT_CHARS} characters, got {chars}"),
            ));
        }
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(FieldError::new(
                field,
                "must not contain control characters",
            ));
        }
        // Text of only spaces and invisible characters is blank: a name of
        // zero-width spaces is a missing name, not a name.
        if es_blanco(value) {
            return Ok(Self::default());
        }
        Ok(Self(value.trim().to_owned()))
    }

    /// An identifier (a NIT, an identificación catastral) as uniqueness
    /// must see it: Unicode-normalized (NFKC: `ＣＡＴ` is `CAT`),
    /// invisible characters removed, every hyphen and dash variant folded
    /// to `-`, runs of spaces to one, trimmed.
    pub fn identifier(field: &str, value: &str) -> Result<Self, FieldError> {
        let text = Self::parse(field, value)?;
        let mut normal = String::with_capacity(text.0.len());
        for c in text.0.nfkc().filter(|c| !es_invisible(*c)) {
            let c = if es_guion(c) { '-' } else { c };
            if c.is_whitespace() {
                if !normal.ends_with(' ') {
                    normal.push(' ');
                }
            } else {
                normal.push(c);
            }
        }
        // NFKC may expand a character (U+FDFA is 18): bound the result too.
        let chars = normal.trim().chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(FieldError::new(
                field,
                format!("must be at most {MAX_TEXT_CHARS} characters once normalized, got {chars}"),
            ));
        }
        Ok(Self(normal.trim().to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_blank(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for BoundedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Characters that take no space and show nothing (zero-width spaces and
/// joiners, word joiners, the byte-order mark, the soft hyphen, direction
/// marks and embeddings, invisible operators, fillers).
pub fn es_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E007F}')
}

/// Hyphens, dashes and minus signs a person types or pastes for `-`.
fn es_guion(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'..='\u{2015}' | '\u{2043}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// Whether a value is blank once spaces and invisible characters are set
/// aside.
pub fn es_blanco(value: &str) -> bool {
    value.chars().all(|c| c.is_whitespace() || es_invisible(c))
}

/// An aggregate identity: a UUID, kept in its canonical hyphenated form.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct EntityId(uuid::Uuid);

impl EntityId {
    pub fn new() -> Self {
        Self(uuid::Uuid::now_v7())
    }

    pub fn parse(field: &str, value: &str) -> Result<Self, FieldError> {
        uuid::Uuid::parse_str(value).map(Self).map_err(|_| {
            FieldError::new(field, format!("must be a UUID, got {:?}", truncate(value)))
        })
    }
}

impl Default for EntityId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

fn truncate(value: &str) -> String {
    value.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_blank_and_trims() {
        assert!(BoundedText::parse("email", "  ").unwrap().is_blank());
        assert_eq!(
            BoundedText::parse("nombre", " Acme ").unwrap().as_str(),
            "Acme"
        );
    }

    #[test]
    fn refuses_text_over_the_limit_naming_the_field() {
        let err = BoundedText::parse("nombre", &"x".repeat(MAX_TEXT_CHARS + 1)).unwrap_err();
        assert_eq!(err.field, "nombre");
        assert!(BoundedText::parse("nombre", &"é".repeat(MAX_TEXT_CHARS)).is_ok());
    }

    #[test]
    fn identifiers_that_look_alike_are_one() {
        let normal = |v: &str| {
            BoundedText::identifier("nit", v)
                .unwrap()
                .as_str()
                .to_owned()
        };
        for variante in [
            "CAT-0001",
            "ＣＡＴ-0001",
            "CAT\u{2011}0001",
            "CAT\u{2013}0001",
            "CAT-0001\u{200B}",
            "\u{FEFF} CAT-0001 ",
            "CAT\u{00AD}-0001",
        ] {
            assert_eq!(normal(variante), "CAT-0001", "{variante:?}");
        }
        assert_eq!(normal("900  123"), "900 123");
        assert!(
            BoundedText::identifier("nit", "\u{200B}\u{200B}")
                .unwrap()
                .is_blank()
        );
    }

    #[test]
    fn text_of_invisible_characters_is_blank() {
        assert!(
            BoundedText::parse("nombre", "\u{200B}\u{200B} \u{2060}")
                .unwrap()
                .is_blank()
        );
        assert!(es_blanco("\u{FEFF}\t"));
        assert!(!es_blanco("Acme\u{200B}"));
        // A joiner inside a name stays: it is part of how it is written.
        assert_eq!(
            BoundedText::parse("nombre", "a\u{200D}b").unwrap().as_str(),
            "a\u{200D}b"
        );
    }

    #[test]
    fn ids_must_be_uuids() {
        assert_eq!(EntityId::parse("id", "nope").unwrap_err().field, "id");
        let id = EntityId::new().to_string();
        assert_eq!(EntityId::parse("id", &id).unwrap().to_string(), id);
    }
}
