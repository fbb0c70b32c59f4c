use chrono::{DateTime, Utc};
use thiserror::Error;

use super::{AggregateRoot, EntityId, Estado, FieldError, Motivos, ReviewError};

/// Why the domain refused: a structurally invalid value or a transition
/// the review lifecycle does not allow.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DomainError {
    #[error(transparent)]
    InvalidField(#[from] FieldError),
    #[error(transparent)]
    InvalidTransition(#[from] ReviewError),
}

/// An aggregate that is registered with possibly incomplete data and then
/// approved or rejected by the audit (Compania, DatosGeograficos). The
/// command handlers, queries, HTTP routes and command consumers of such
/// aggregates are written once, generically, over this trait.
pub trait Reviewable: AggregateRoot + Clone + Send + Sync + 'static {
    /// The registration data, already validated.
    type Datos: Clone + std::fmt::Debug + Send + Sync + 'static;

    /// Lower-case name for errors and logs: "compania".
    const KIND: &'static str;
    /// Command names, as on the command topic: "CrearCompania", ...
    const CREAR: &'static str;
    const APROBAR: &'static str;
    const RECHAZAR: &'static str;

    fn crear(id: EntityId, datos: Self::Datos, ahora: DateTime<Utc>) -> Self;
    fn aprobar(&mut self, ahora: DateTime<Utc>) -> Result<(), DomainError>;
    fn rechazar(&mut self, motivos: &Motivos, ahora: DateTime<Utc>) -> Result<(), DomainError>;

    fn id(&self) -> EntityId;
    fn estado(&self) -> Estado;
}
