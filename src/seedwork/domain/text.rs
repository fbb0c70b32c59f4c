use std::fmt;

use thiserror::Error;

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
        Ok(Self(value.trim().to_owned()))
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
    fn ids_must_be_uuids() {
        assert_eq!(EntityId::parse("id", "nope").unwrap_err().field, "id");
        let id = EntityId::new().to_string();
        assert_eq!(EntityId::parse("id", &id).unwrap().to_string(), id);
    }
}
