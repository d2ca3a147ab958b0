//! The accept loop: hyper connections over a TCP listener, with the limits `axum::serve` does
//! not set.
//!
//! - **Slow clients.** hyper enforces its HTTP/1 header read timeout only when given a timer,
//!   and `axum::serve` gives none: behind it, a client that dribbles a request line (or
//!   connects and says nothing) would hold a connection for ever. Here every connection has `TokioTimer` and
//!   [`Config::header_timeout`](super::Config::header_timeout), which also closes idle
//!   keep-alive connections. Connections are HTTP/1 only: the auto builder's protocol sniffing
//!   has no timeout of its own, and nobody speaks cleartext HTTP/2 to this service.
//! - **Too many clients.** At most [`Config::max_connections`](super::Config::max_connections)
//!   are open; past that the loop stops accepting and the kernel's backlog holds the rest.
//! - **Shutdown.** On the signal the listener closes; connections that never delivered a
//!   request are dropped at once (they would otherwise hold shutdown until their header
//!   timeout); the others finish the request in flight and close (hyper's graceful shutdown).
//!   Whatever is still open after [`Config::shutdown_timeout`](super::Config::shutdown_timeout)
//!   is cut.

use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tower::ServiceExt;

use super::{Config, Metrics};

/// Serves `router` on `listener` until `shutdown` resolves, then shuts down as above.
pub(super) async fn run(
    listener: TcpListener,
    router: Router,
    config: &Config,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_timeout);
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    // `true` once shutdown has begun; connections that never sent a request watch it.
    let (stopping, _) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        while connections.try_join_next().is_some() {}
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let served = Arc::new(AtomicBool::new(false));
        let service = {
            let (router, served) = (router.clone(), served.clone());
            hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                served.store(true, Ordering::Relaxed);
                router.clone().oneshot(request)
            })
        };
        let watcher = graceful.watcher();
        let builder = builder.clone();
        let mut stopping = stopping.subscribe();
        let open = metrics.connections.clone();
        connections.spawn(async move {
            let _slot = slot;
            // Counted down on drop, so a connection task that panics still leaves the gauge.
            let _open = Open::count(open);
            let connection = watcher.watch(builder.serve_connection(TokioIo::new(stream), service));
            let silent_at_shutdown = async {
                let _ = stopping.wait_for(|s| *s).await;
                if served.load(Ordering::Relaxed) {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                result = connection => {
                    if let Err(e) = result {
                        // Header timeouts, resets, malformed requests: the client's business.
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                () = silent_at_shutdown => {}
            }
        });
    }
    drop(listener);
    let open = graceful.count();
    tracing::info!(
        connections = open,
        "stopped accepting; finishing in-flight requests"
    );
    let _ = stopping.send(true);
    let grace = config.shutdown_timeout;
    if tokio::time::timeout(grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            seconds = grace.as_secs_f32(),
            "connections still open after the shutdown timeout; closing them"
        );
    }
    connections.shutdown().await;
    Ok(())
}

/// One open connection in the `cardfarm_http_connections` gauge, for as long as it lives.
struct Open(prometheus::IntGauge);

impl Open {
    fn count(gauge: prometheus::IntGauge) -> Open {
        gauge.inc();
        Open(gauge)
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Per-connection failures (the client gave up during the handshake) are nothing; anything
/// else (out of file descriptors) is logged and waited out rather than spun on.
async fn accept_failed(e: io::Error) {
    use io::ErrorKind::*;
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused
    ) {
        return;
    }
    tracing::warn!(error = %e, "accept failed; retrying in 1 s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
