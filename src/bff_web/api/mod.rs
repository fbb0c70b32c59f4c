//! The BFF's edge: the GraphQL schema (queries over projections, mutations
//! that send commands, subscriptions over the change feed), its HTTP and
//! WebSocket routes with JWT auth and limits, and the web page.

mod contexto;
mod errors;
mod explicaciones;
mod guard;
mod listas;
mod operaciones;
mod routes;
mod schema;
mod types;
mod ui_files;
mod ws;

pub use listas::MAX_PAGE;
pub use routes::router;
pub use schema::{BffSchema, build_schema};
pub use ws::Origenes;
