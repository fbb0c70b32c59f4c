//! HTTP adapter of `companias`: parses and validates input into commands and
//! queries, dispatches them, and maps `CompaniasError` to HTTP once. Thin.

mod dto;
mod errors;
mod routes;

pub use routes::router;
