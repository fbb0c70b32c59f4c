//! Serving the routes with a slow or hostile client in mind. `axum::serve`
//! offers no timeouts, so each connection is served by hyper's HTTP/1
//! server directly (as axum's own `serve` does) with a header-read
//! timeout, whose timer runs from the connection's first poll and again
//! while a kept-alive connection waits for its next request (so a client
//! that sends nothing, sends its headers slowly or idles is cut off); a
//! request's body must arrive whole within one deadline (not a timer reset
//! by every byte); and a body whose declared length is over the limit is
//! refused before a byte of it is read.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use super::ApiError;

/// Time a client has to send a request's headers, and that an idle
/// kept-alive connection is held open.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Time a client has to send a request's whole body once its headers are in.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a stopping server lets in-flight connections finish.
const DRAIN: Duration = Duration::from_secs(5);

/// `router` with the declared-size refusal and the body deadline.
pub fn bounded(router: Router, body_limit: usize) -> Router {
    router.layer(axum::middleware::from_fn(move |request, next| {
        read_body_within(body_limit, request, next)
    }))
}

/// The length a request declares for its body.
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
}

/// A `Content-Length` over `limit` is answered 413 at once (waiting for
/// 100 GB that will never be read only holds the connection); a body must
/// arrive whole within [`BODY_READ_TIMEOUT`] of its headers, whatever it
/// trickles meanwhile (reading it fails after that, and the route answers
/// as for a body cut short).
pub async fn read_body_within(limit: usize, request: Request, next: Next) -> Response {
    if let Some(n) = declared_length(request.headers()).filter(|n| *n > limit as u64) {
        return ApiError::TooLarge(format!(
            "the declared body is {n} bytes; the limit is {limit}"
        ))
        .into_response();
    }
    let request = request.map(|body| {
        Body::new(DeadlineBody {
            inner: body,
            deadline: Box::pin(tokio::time::sleep(BODY_READ_TIMEOUT)),
        })
    });
    next.run(request).await
}

/// A body with one deadline for all of it (tower-http's body timeout
/// restarts at every frame, so a byte every few seconds never ends).
struct DeadlineBody {
    inner: Body,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl http_body::Body for DeadlineBody {
    type Data = axum::body::Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(format!(
                "the body did not arrive within {} s",
                BODY_READ_TIMEOUT.as_secs()
            )
            .into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Serves `router` on `listener` until `shutdown`, then lets open
/// connections finish for a few seconds. Each request carries its peer's
/// address (`ConnectInfo<SocketAddr>`).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let connections = tokio_util::task::TaskTracker::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait, not spin.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = shutdown.cancelled() => break,
        };
        let _ = stream.set_nodelay(true);
        let service =
            router
                .clone()
                .map_request(move |mut request: Request<hyper::body::Incoming>| {
                    request
                        .extensions_mut()
                        .insert(ConnectInfo::<SocketAddr>(peer));
                    request.map(Body::new)
                });
        let connection = builder
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .with_upgrades();
        let shutdown = shutdown.clone();
        connections.spawn(async move {
            let mut connection = pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(error) = result {
                        tracing::trace!(%error, %peer, "connection ended with an error");
                    }
                    return;
                }
                _ = shutdown.cancelled() => connection.as_mut().graceful_shutdown(),
            }
            let _ = connection.await;
        });
    }
    drop(listener);
    connections.close();
    let _ = tokio::time::timeout(DRAIN, connections.wait()).await;
    Ok(())
}
