//! What a request hands the GraphQL resolvers besides its session: its
//! correlation id and its own credentials (put there by `routes.rs`).

/// The caller's `x-correlation-id`, handed to mutations.
pub struct CorrelationId(pub String);

/// The caller's own `Authorization` header: what the operations view shows
/// of another service is read with the operator's credentials.
pub struct Credencial(pub String);
