use std::sync::Arc;

use async_trait::async_trait;
use tracing::Instrument;

/// A request to read state, named `ObtenerX`; it never changes anything.
pub trait Query: Send + 'static {
    const NAME: &'static str;
    type Output: Send;
}

/// Handles exactly one query type.
#[async_trait]
pub trait QueryHandler<Q: Query>: Send + Sync {
    type Error: std::error::Error + Send + Sync + 'static;

    async fn handle(&self, query: Q) -> Result<Q::Output, Self::Error>;
}

/// The one entry point the API uses to run a query.
pub async fn ask<Q, H>(handler: &H, query: Q) -> Result<Q::Output, H::Error>
where
    Q: Query,
    H: QueryHandler<Q>,
{
    handler
        .handle(query)
        .instrument(tracing::debug_span!("query", query = Q::NAME))
        .await
}

/// What a query handler reads through: the context's read model. A
/// context's query handlers are this value under their own names
/// (`type ObtenerCompaniaHandler<Q> = ReadPorts<Q>`).
pub struct ReadPorts<Q> {
    pub consulta: Arc<Q>,
}

impl<Q> ReadPorts<Q> {
    pub fn new(consulta: Arc<Q>) -> Self {
        Self { consulta }
    }
}
