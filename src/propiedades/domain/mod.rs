//! The `Propiedad` aggregate (a property's cadastral record), its events
//! and its data. Pure: no I/O crate.
//!
//! Decide apart from apply, as in cqrs-es: `decidir_*` turns a request into
//! the events it causes (or an error) without changing anything; `apply`
//! turns an event into state. The aggregate's public verbs do both and
//! buffer the events, which the application layer stages in the unit of
//! work's outbox.

mod datos;
mod events;
mod propiedad;

pub use datos::DatosPropiedad;
pub use events::{
    CreacionPropiedadFallida, PropiedadAprobada, PropiedadCreada, PropiedadEliminada,
    PropiedadEvent, PropiedadRechazada,
};
pub use propiedad::Propiedad;
