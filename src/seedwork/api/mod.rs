//! HTTP edge helpers shared by every context: the one mapping from errors to
//! JSON problem responses, and extractors that name the offending field.

mod assets;
mod extract;
mod gate;
mod health;
pub mod openapi;
mod problem;
mod record_errors;
mod record_routes;
mod review_http;
mod serve;
#[cfg(test)]
pub mod testing;

pub use assets::{ASYNCAPI_UI, GRAPHIQL, asset_routes};
pub use extract::{Correlation, ValidJson, ValidQuery, correlation_header};
pub use gate::{Gate, declara_json};
pub use health::{ReadinessCheck, health_routes};
pub use problem::ApiError;
pub use record_routes::{RecordApi, record_router};
pub use review_http::{ListParams, MotivosBody, PageParams, ReviewPaths, accepted, path_id};
pub use serve::{
    BODY_READ_TIMEOUT, HEADER_READ_TIMEOUT, bounded, declared_length, read_body_within, serve,
};
