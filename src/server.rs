//! Server: PNG cards over HTTP (`cardfarm serve`), safe to put on the internet.
//!
//! [`app`] builds the router from an [`AppState`], apart from any socket, so tests drive it
//! with `oneshot`; [`serve`] runs it behind its own accept loop. A request goes through:
//!
//! 1. `listener`: the accept loop, which bounds slow clients, open connections and shutdown.
//! 2. `middleware`: request id, tracing, the whole-request deadline, the request counter, the
//!    API key on the render route, and a JSON 500 for a handler that panics (the panic itself
//!    is logged with its location and counted in `cardfarm_panics_total`).
//! 3. `routes`: the handlers. `params` parses the query and checks the body; a stored user's
//!    stats come from the [`store`]; share links are checked by [`sign`].
//! 4. The shared tail of both render routes: the `etag` (strong: the card's fingerprint, photo
//!    bytes included, and where the stats came from), `304` on GET, the byte-bounded [`cache`],
//!    one render per card at a time (`flight`), then for a stored user the card the farm
//!    already drew, if current (`prerender`, with [`Config::cards`]), else the bounded render
//!    [`pool`] (and a write-back of the card to storage).
//!
//! Every error is JSON with its status ([`error::ApiError`]); [`metrics`] are Prometheus text;
//! [`Config`] holds every setting with its default.
//!
//! | route | what |
//! |---|---|
//! | `GET /v1/templates` | templates, formats and sizes |
//! | `POST /v1/render/{template}?format=` | PNG of the stats in the body (Bearer API key if configured) |
//! | `GET /v1/cards/{user_id}/{template}.png?format=&exp=&sig=` | PNG of a stored user's card (signed if a key is configured) |
//! | `GET /healthz`, `/readyz`, `/metrics`, `/openapi.json` | liveness, readiness, Prometheus, the API description |

pub mod cache;
mod config;
pub mod error;
mod etag;
mod flight;
mod listener;
pub mod metrics;
mod middleware;
mod openapi;
mod params;
pub mod pool;
mod prerender;
mod routes;
pub mod sign;
pub mod store;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{middleware as layer, Json, Router};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::card::render::Renderer;
use cache::PngCache;
pub use config::Config;
use error::ApiError;
use metrics::Metrics;
use pool::RenderPool;
use store::Store;

/// What every request shares.
pub struct AppState {
    pub renderer: Arc<Renderer>,
    pub store: Store,
    pub config: Config,
    pub pool: RenderPool,
    pub cache: PngCache,
    pub metrics: Arc<Metrics>,
    /// Renders running now, by ETag: concurrent misses for one card wait for one render.
    flights: Arc<flight::Flights<Result<routes::Rendered, ApiError>>>,
    /// Permits for write-backs to the stored cards ([`Config::max_write_backs`]).
    write_backs: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Fails only if the render threads cannot be started.
    pub fn new(
        renderer: Arc<Renderer>,
        store: Store,
        config: Config,
    ) -> crate::Result<Arc<AppState>> {
        Ok(Arc::new(AppState {
            pool: RenderPool::new(config.render_threads, config.queue)?,
            cache: PngCache::new(config.cache_bytes),
            metrics: Arc::new(Metrics::new()),
            flights: flight::Flights::new(),
            write_backs: Arc::new(tokio::sync::Semaphore::new(config.max_write_backs)),
            renderer,
            store,
            config,
        }))
    }
}

/// The router, with its layers: request ids, tracing, timeouts, body limit, metrics, and a
/// JSON 500 for a handler that panics.
pub fn app(state: Arc<AppState>) -> Router {
    layered(router(&state), state)
}

/// The routes, without the layers.
fn router(state: &Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/v1/templates", get(routes::templates))
        .route(
            "/v1/render/{template}",
            post(routes::render_posted).route_layer(layer::from_fn_with_state(
                state.clone(),
                middleware::require_api_key,
            )),
        )
        .route("/v1/cards/{user_id}/{file}", get(routes::render_stored))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(routes::ready))
        .route("/metrics", get(routes::metrics))
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|method: Method| async move {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("method {method} not allowed here; see the Allow header"),
            )
        })
}

/// `router` behind the server's layers, as [`app`] serves its routes: any routes get the same
/// limits, errors, metrics and logs (tests use it to add a route that misbehaves).
pub fn layered(router: Router<Arc<AppState>>, state: Arc<AppState>) -> Router {
    let config = &state.config;
    router
        .layer(layer::from_fn(middleware::catch_panic))
        .layer(DefaultBodyLimit::max(config.max_body))
        .layer(RequestBodyTimeoutLayer::new(config.body_timeout))
        .layer(layer::from_fn_with_state(
            state.clone(),
            middleware::deadline,
        ))
        .layer(layer::from_fn_with_state(
            state.clone(),
            middleware::count_requests,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map(MatchedPath::as_str);
                    // The path, never the query: a share link's `sig` must not reach the logs.
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        route = %route.unwrap_or("unmatched"),
                        request_id = %id,
                    )
                })
                .on_response(
                    |response: &Response, latency: Duration, _: &tracing::Span| {
                        tracing::info!(
                            status = response.status().as_u16(),
                            latency_ms = latency.as_secs_f64() * 1e3,
                            "response"
                        );
                    },
                )
                // One line per response is enough; internal errors log their cause themselves.
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// Binds [`Config::addr`] and serves until `shutdown` resolves; then stops accepting, lets
/// in-flight requests (and their renders) finish, and returns. See [`serve_on`].
pub async fn serve(
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(state.config.addr).await?;
    serve_on(listener, state, shutdown).await
}

/// [`serve`] on a listener already bound (tests bind port 0): header read timeout, connection
/// cap and bounded graceful shutdown, as the `listener` module describes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = app(state.clone());
    serve_router(listener, router, state, shutdown).await
}

/// [`serve_on`] with a router of the caller's (built with [`layered`]): the accept loop, its
/// limits and the connection gauge of `state` are the same.
pub async fn serve_router(
    listener: tokio::net::TcpListener,
    router: Router,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "listening");
    let config = state.config.clone();
    let metrics = state.metrics.clone();
    listener::run(listener, router, &config, metrics, shutdown).await
}
