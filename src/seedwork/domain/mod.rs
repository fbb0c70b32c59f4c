//! Pure domain building blocks: no I/O crate may be imported here.
//!
//! An aggregate records what happened as domain events in a buffer; the
//! application layer drains that buffer inside the unit of work, so the state
//! change and its events are committed together. The review lifecycle
//! (Pendiente → Aprobada | Rechazada) and bounded text fields are shared by
//! every audited aggregate.

mod access;
mod aggregate;
mod palabras;
mod review;
mod text;

pub use access::{Accion, Principal, Rol};
pub use aggregate::{AggregateRoot, EventBuffer};
pub use palabras::enumerar;
pub use review::{Estado, MAX_MOTIVOS, Motivos, Review, ReviewError, Transition};
pub use text::{BoundedText, EntityId, FieldError, MAX_TEXT_CHARS, es_blanco, es_invisible};
