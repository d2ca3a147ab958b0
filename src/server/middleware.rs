//! Middleware: what runs around every handler. The whole-request deadline, the API key on the
//! render route, the request counter, and the panic catcher.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::FutureExt;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::AppState;

/// The whole-request deadline, answered like any other error (JSON, `Retry-After`) and inside
/// the request counter, so timeouts show in the metrics.
pub(super) async fn deadline(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let limit = state.config.timeout;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError {
            retry_after: Some(1),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "no answer within {} s: try again shortly",
                    limit.as_secs_f32()
                ),
            )
        }
        .into_response(),
    }
}

/// `Authorization: Bearer <api-key>` on the render route when a key is configured. A route
/// layer, so it runs before the handler reads the body: a client without the key cannot make
/// the server buffer a megabyte first.
pub(super) async fn require_api_key(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(key) = &state.config.api_key {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        // Compare digests, so the time taken says nothing about how much of the key matched.
        let ok =
            given.is_some_and(|g| Sha256::digest(g.as_bytes()) == Sha256::digest(key.as_bytes()));
        if !ok {
            let mut response = ApiError::new(StatusCode::UNAUTHORIZED, "missing or wrong API key")
                .detail(serde_json::json!({ "expected": "Authorization: Bearer <api-key>" }))
                .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
    }
    next.run(request).await
}

pub(super) async fn count_requests(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    state
        .metrics
        .requests
        .with_label_values(&[route.as_str(), response.status().as_str()])
        .inc();
    response
}

/// A handler that panics answers a JSON 500 like any internal error, inside the request
/// counter, instead of taking its connection down with no answer. The panic hook
/// ([`crate::metrics::install_panic_hook`]) has already logged it with its location and
/// counted it by the time it is caught here.
pub(super) async fn catch_panic(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(payload) => ApiError::internal(format!(
            "panic while answering {route}: {}",
            crate::error::panic_message(payload.as_ref())
        ))
        .into_response(),
    }
}
