//! Probe: a worker's small HTTP side, on `--metrics-addr`, for Prometheus and Kubernetes.
//!
//! - `GET /metrics`: the farm's Prometheus metrics (jobs, renders, bytes, panics).
//! - `GET /healthz`: 200 while the process runs and answers: a liveness probe restarts a
//!   worker only when it is wedged, never because NATS or S3 is down (a restart would not
//!   bring them back).
//! - `GET /readyz`: 200 when the worker can do its job: connected to NATS and its sink
//!   answers ([`Sink::check`](super::sink::Sink::check)); else 503 with the reason in the body,
//!   so a rollout waits for workers that can work and a dashboard shows why one cannot.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_nats::connection::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::Engine;

/// How long the sink may take to answer a readiness probe (probes time out at a few seconds).
const SINK_CHECK_TIMEOUT: Duration = Duration::from_secs(3);

/// The NATS connection, once there is one: the worker connects after its probe is up, so
/// that `/healthz` answers while it connects and `/readyz` says what it waits for.
pub type Nats = Arc<OnceLock<async_nats::Client>>;

/// The routes above, over the worker's engine and its NATS connection.
pub fn app(engine: Arc<Engine>, nats: Nats) -> Router {
    let metrics = engine.metrics.clone();
    Router::new()
        .route(
            "/metrics",
            get(move || {
                let metrics = metrics.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                        metrics.render(),
                    )
                }
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/readyz",
            get(move || {
                let (engine, nats) = (engine.clone(), nats.clone());
                async move { ready(&engine, &nats).await }
            }),
        )
}

async fn ready(engine: &Engine, nats: &Nats) -> Response {
    let not_ready = |why: String| (StatusCode::SERVICE_UNAVAILABLE, why).into_response();
    match nats.get().map(async_nats::Client::connection_state) {
        Some(State::Connected) => {}
        Some(state) => return not_ready(format!("NATS: {state}")),
        None => return not_ready("NATS: not connected yet".into()),
    }
    match tokio::time::timeout(SINK_CHECK_TIMEOUT, engine.sink().check()).await {
        Ok(Ok(())) => "ready".into_response(),
        Ok(Err(e)) => not_ready(format!("sink: {e}")),
        Err(_) => not_ready(format!(
            "sink: no answer within {} s",
            SINK_CHECK_TIMEOUT.as_secs()
        )),
    }
}
