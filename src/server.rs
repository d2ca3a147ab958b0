//! Server: PNG cards over HTTP (`cardfarm serve`), safe to put on the internet.
//!
//! [`app`] builds the router from a [`State`], apart from any socket, so tests drive it with
//! `oneshot`. Rendering runs on the bounded [`pool::RenderPool`]; cards are cached by strong
//! ETag in a byte-bounded LRU; share links can be required to carry an HMAC signature
//! ([`sign`]); every error is JSON with its status ([`error::ApiError`]). [`serve`] runs the
//! router behind its own accept loop (`listener`), which bounds slow clients, open
//! connections and shutdown.
//!
//! | route | what |
//! |---|---|
//! | `GET /v1/templates` | templates, formats and sizes |
//! | `POST /v1/render/{template}?format=` | PNG of the stats in the body (Bearer API key if configured) |
//! | `GET /v1/cards/{user_id}/{template}.png?format=&exp=&sig=` | PNG of a stored user's card (signed if a key is configured) |
//! | `GET /healthz`, `/readyz`, `/metrics`, `/openapi.json` | liveness, readiness, Prometheus, the API description |

pub mod cache;
pub mod error;
mod listener;
pub mod metrics;
mod openapi;
pub mod pool;
pub mod sign;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{DefaultBodyLimit, MatchedPath, Path, Query, Request, State as AxumState};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::model::Stats;
use crate::render::{Renderer, Source};
use crate::store::Store;
use cache::PngCache;
use error::ApiError;
use metrics::Metrics;
use pool::{PoolError, RenderPool};

/// How the server behaves. Every field's default is what `cardfarm serve` uses.
#[derive(Debug, Clone)]
pub struct Config {
    /// Default: 127.0.0.1:8080.
    pub addr: SocketAddr,
    /// Key for signed card links; `None` serves unsigned links. Default: none.
    pub signing_key: Option<Vec<u8>>,
    /// Bearer key for `POST /v1/render`; `None` leaves it open. Default: none.
    pub api_key: Option<String>,
    /// Renders at once. Default: the number of cores.
    pub render_threads: usize,
    /// Renders that may wait for a thread before requests get 503. Default: 2 × threads.
    pub queue: usize,
    /// Bytes of PNGs kept in memory. Default: 256 MiB.
    pub cache_bytes: usize,
    /// Largest request body. Default: 1 MiB.
    pub max_body: usize,
    /// Whole-request deadline. Default: 30 s.
    pub timeout: Duration,
    /// How long a client may take to send its body. Default: 10 s.
    pub body_timeout: Duration,
    /// How long a connection may take to send a request's headers, and stay idle between
    /// requests. Default: 10 s.
    pub header_timeout: Duration,
    /// Connections open at once; past that, new ones wait in the kernel's backlog.
    /// Default: 1024.
    pub max_connections: usize,
    /// After the shutdown signal, how long in-flight requests may take before their
    /// connections are cut. Default: 30 s.
    pub shutdown_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            signing_key: None,
            api_key: None,
            render_threads: cores,
            queue: 2 * cores,
            cache_bytes: 256 << 20,
            max_body: 1 << 20,
            timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
            shutdown_timeout: Duration::from_secs(30),
        }
    }
}

/// What every request shares.
pub struct State {
    pub renderer: Arc<Renderer>,
    pub store: Store,
    pub config: Config,
    pub pool: RenderPool,
    pub cache: PngCache,
    pub metrics: Arc<Metrics>,
}

impl State {
    /// Fails only if the render threads cannot be started.
    pub fn new(renderer: Arc<Renderer>, store: Store, config: Config) -> crate::Result<Arc<State>> {
        Ok(Arc::new(State {
            pool: RenderPool::new(config.render_threads, config.queue)?,
            cache: PngCache::new(config.cache_bytes),
            metrics: Arc::new(Metrics::new()),
            renderer,
            store,
            config,
        }))
    }
}

/// The router, with its layers: request ids, tracing, timeouts, body limit, metrics.
pub fn app(state: Arc<State>) -> Router {
    let config = &state.config;
    Router::new()
        .route("/v1/templates", get(templates))
        .route(
            "/v1/render/{template}",
            post(render_posted).route_layer(middleware::from_fn_with_state(
                state.clone(),
                require_api_key,
            )),
        )
        .route("/v1/cards/{user_id}/{file}", get(render_stored))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(|| async { Json(openapi::document()) }))
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|method: Method| async move {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("method {method} not allowed here; see the Allow header"),
            )
        })
        .layer(DefaultBodyLimit::max(config.max_body))
        .layer(RequestBodyTimeoutLayer::new(config.body_timeout))
        .layer(middleware::from_fn_with_state(state.clone(), deadline))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
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
    state: Arc<State>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(state.config.addr).await?;
    serve_on(listener, state, shutdown).await
}

/// [`serve`] on a listener already bound (tests bind port 0): header read timeout, connection
/// cap and bounded graceful shutdown, as the `listener` module describes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: Arc<State>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = %listener.local_addr()?, "listening");
    let config = state.config.clone();
    let metrics = state.metrics.clone();
    listener::run(listener, app(state), &config, metrics, shutdown).await
}

/// The whole-request deadline, answered like any other error (JSON, `Retry-After`) and inside
/// the request counter, so timeouts show in the metrics.
async fn deadline(
    AxumState(state): AxumState<Arc<State>>,
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
async fn require_api_key(
    AxumState(state): AxumState<Arc<State>>,
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

async fn count_requests(
    AxumState(state): AxumState<Arc<State>>,
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

/// A template as the API lists it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TemplateInfo {
    name: String,
    description: String,
    version: u32,
    formats: Vec<FormatInfo>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FormatInfo {
    name: String,
    width: u32,
    height: u32,
}

/// Lists templates with their formats and sizes.
#[utoipa::path(get, path = "/v1/templates", responses((status = 200, body = [TemplateInfo])))]
async fn templates(AxumState(state): AxumState<Arc<State>>) -> Json<Vec<TemplateInfo>> {
    Json(
        state
            .renderer
            .templates()
            .iter()
            .map(|t| TemplateInfo {
                name: t.name.clone(),
                description: t.description.clone(),
                version: t.version,
                formats: t
                    .formats
                    .values()
                    .map(|f| FormatInfo {
                        name: f.name.clone(),
                        width: f.width,
                        height: f.height,
                    })
                    .collect(),
            })
            .collect(),
    )
}

#[derive(Debug, utoipa::IntoParams)]
#[allow(dead_code)] // Describes the query for /openapi.json; `Params` parses it.
struct FormatQuery {
    /// `story` (default), `square` or `landscape`, as the template offers.
    format: Option<String>,
}

/// Renders the stats in the body.
#[utoipa::path(
    post,
    path = "/v1/render/{template}",
    params(("template" = String, Path, description = "template name"), FormatQuery),
    request_body(content = inline(Object), description = "one user's stats (schema: components.schemas.Stats)", content_type = "application/json"),
    responses(
        (status = 200, description = "the card", content_type = "image/png"),
        (status = 304, description = "unchanged (If-None-Match)"),
        (status = 400, description = "malformed JSON, path or query", body = openapi::ErrorBody),
        (status = 401, description = "missing or wrong API key (WWW-Authenticate: Bearer)", body = openapi::ErrorBody),
        (status = 404, description = "unknown template or format", body = openapi::ErrorBody),
        (status = 408, description = "body not sent in time", body = openapi::ErrorBody),
        (status = 413, description = "body too large", body = openapi::ErrorBody),
        (status = 422, description = "invalid stats", body = openapi::ErrorBody),
        (status = 503, description = "overloaded; see Retry-After", body = openapi::ErrorBody),
    ),
    security(("api_key" = []))
)]
async fn render_posted(
    AxumState(state): AxumState<Arc<State>>,
    template: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Path(template) = template?;
    let query = Params::parse(&uri)?;
    let body = body.map_err(|e| body_error(&e, &state.config))?;
    let format = query.format.unwrap_or_else(|| "story".into());
    state.renderer.templates().get(&template, &format)?;
    if json_depth(&body) > MAX_JSON_DEPTH {
        return Err(ApiError::bad_request(format!(
            "JSON nested deeper than {MAX_JSON_DEPTH} levels"
        )));
    }
    let text =
        std::str::from_utf8(&body).map_err(|_| ApiError::bad_request("body is not UTF-8"))?;
    let stats = Stats::from_json(text, "request body")?;
    card(
        &state,
        stats,
        Origin::Posted,
        template,
        format,
        &headers,
        "private, max-age=0, must-revalidate",
    )
    .await
}

#[derive(Debug, utoipa::IntoParams)]
#[allow(dead_code)] // Describes the query for /openapi.json; `Params` parses it.
struct CardQuery {
    /// `story` (default), `square` or `landscape`.
    format: Option<String>,
    /// Expiry, unix seconds (part of the signed query).
    exp: Option<u64>,
    /// Hex HMAC-SHA256 of the path and query without `sig` (when the server has a signing key).
    sig: Option<String>,
}

/// Renders a stored user's card.
#[utoipa::path(
    get,
    path = "/v1/cards/{user_id}/{template}.png",
    params(
        ("user_id" = String, Path, description = "letters, digits, - and _"),
        ("template" = String, Path, description = "template name"),
        CardQuery
    ),
    responses(
        (status = 200, description = "the card", content_type = "image/png"),
        (status = 304, description = "unchanged (If-None-Match)"),
        (status = 400, description = "malformed path or query", body = openapi::ErrorBody),
        (status = 403, description = "missing, wrong or expired signature", body = openapi::ErrorBody),
        (status = 404, description = "unknown user, template or format", body = openapi::ErrorBody),
        (status = 500, description = "internal error, such as a corrupt stored record", body = openapi::ErrorBody),
        (status = 503, description = "overloaded or store unavailable; see Retry-After", body = openapi::ErrorBody),
    )
)]
async fn render_stored(
    AxumState(state): AxumState<Arc<State>>,
    path: Result<Path<(String, String)>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let Path((user_id, file)) = path?;
    let query = Params::parse(&uri)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if let Some(key) = &state.config.signing_key {
        sign::verify(key, uri.path(), uri.query(), now)
            .map_err(|r| ApiError::forbidden(r.to_string()))?;
    }
    if !valid_id(&user_id) {
        return Err(ApiError::bad_request(
            "user id must be 1 to 64 letters, digits, `-` or `_`",
        ));
    }
    let template = file
        .strip_suffix(".png")
        .filter(|t| valid_id(t))
        .ok_or_else(|| ApiError::bad_request("expected /v1/cards/{user_id}/{template}.png"))?
        .to_string();
    let format = query.format.unwrap_or_else(|| "story".into());
    state.renderer.templates().get(&template, &format)?;
    let (stats, root) = state
        .store
        .get(&user_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("unknown user `{user_id}`")))?;
    // A CDN may keep the card for a day, but never past the link's expiry.
    let mut max_age = 86_400;
    if let Some(exp) = query.exp {
        max_age = max_age.min(exp.saturating_sub(now));
    }
    let cache_control = format!("public, max-age={}, s-maxage={max_age}", max_age.min(3600));
    card(
        &state,
        stats,
        Origin::Stored(root),
        template,
        format,
        &headers,
        &cache_control,
    )
    .await
}

/// The query of the render routes. Parsed here, not by axum's `Query`, so that a bad value
/// answers JSON like every other error. Other parameters are ignored (but still signed).
#[derive(Debug, Default)]
struct Params {
    format: Option<String>,
    exp: Option<u64>,
}

impl Params {
    fn parse(uri: &Uri) -> Result<Params, ApiError> {
        let Query(pairs) = Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        let mut params = Params::default();
        let mut seen = Vec::new();
        for (key, value) in pairs {
            if !["format", "exp", "sig"].contains(&key.as_str()) {
                continue;
            }
            if seen.contains(&key) {
                return Err(ApiError::bad_request(format!(
                    "`{key}` given more than once"
                )));
            }
            match key.as_str() {
                "format" => params.format = Some(value),
                "exp" => {
                    params.exp =
                        Some(value.parse().map_err(|_| {
                            ApiError::bad_request(sign::Refusal::BadExpiry.to_string())
                        })?)
                }
                _ => {}
            }
            seen.push(key);
        }
        Ok(params)
    }
}

/// Why a body could not be read: too large (413), too slow (408) or broken (400).
fn body_error(e: &BytesRejection, config: &Config) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body larger than {} bytes", config.max_body),
        );
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.is::<tower_http::timeout::TimeoutError>() {
            return ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "body not received within {} s",
                    config.body_timeout.as_secs_f32()
                ),
            );
        }
        cause = c.source();
    }
    ApiError::bad_request(e.body_text())
}

/// Where a card's stats came from. Part of the ETag (and so of the cache key): the same stats
/// render differently when posted (relative photo paths become placeholders) and when stored
/// beside their photos.
enum Origin {
    /// The request body; no image root.
    Posted,
    /// The stats store, with the folder relative image paths resolve against, if any.
    Stored(Option<std::path::PathBuf>),
}

/// The shared tail of both render routes: ETag, 304, cache, pool, response.
async fn card(
    state: &Arc<State>,
    stats: Stats,
    origin: Origin,
    template: String,
    format: String,
    headers: &HeaderMap,
    cache_control: &str,
) -> Result<Response, ApiError> {
    let etag = etag(state, &stats, &origin, &template, &format);
    let respond = |status: StatusCode, png: Option<Bytes>| -> Response {
        let mut response = match png {
            // `Bytes` is shared, not copied: a cache hit hands the cached buffer to hyper.
            Some(png) => (status, [(header::CONTENT_TYPE, "image/png")], png).into_response(),
            None => status.into_response(),
        };
        let h = response.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        if let Ok(v) = HeaderValue::from_str(cache_control) {
            h.insert(header::CACHE_CONTROL, v);
        }
        response
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Ok(respond(StatusCode::NOT_MODIFIED, None));
    }
    if let Some(png) = state.cache.get(&etag) {
        state.metrics.cache_hits.inc();
        return Ok(respond(StatusCode::OK, Some(png)));
    }
    state.metrics.cache_misses.inc();
    let renderer = state.renderer.clone();
    let (t, f) = (template.clone(), format.clone());
    // Timed inside the work, so the histogram is the render alone, not the wait for a thread.
    let render_seconds = state
        .metrics
        .render_seconds
        .with_label_values(&[template.as_str()]);
    let rendered = state
        .pool
        .run(&state.metrics, move || {
            let root = match &origin {
                Origin::Posted => None,
                Origin::Stored(root) => root.as_deref(),
            };
            let timer = render_seconds.start_timer();
            let result = renderer.render(
                Source {
                    stats: &stats,
                    root,
                },
                &t,
                &f,
            );
            match result {
                Ok(_) => timer.observe_duration(),
                Err(_) => {
                    timer.stop_and_discard();
                }
            }
            result
        })
        .await;
    let card = match rendered {
        Ok(result) => result?,
        Err(PoolError::Overloaded) => return Err(ApiError::overloaded()),
        Err(PoolError::Crashed) => return Err(ApiError::internal("render thread crashed")),
    };
    for warning in &card.warnings {
        tracing::warn!(%template, %warning, "card rendered with a placeholder");
    }
    let png = Bytes::from(card.png.0);
    // A placeholder may stand for a photo that is only missing for now: render it again next
    // time rather than keep it.
    if card.warnings.is_empty() {
        state.cache.put(etag.clone(), png.clone());
    }
    Ok(respond(StatusCode::OK, Some(png)))
}

/// A strong ETag: the crate version, the template and its version, the format, where the stats
/// came from (posted, or stored with which image root) and the stats.
fn etag(state: &State, stats: &Stats, origin: &Origin, template: &str, format: &str) -> String {
    let version = state
        .renderer
        .templates()
        .get(template, format)
        .map_or(0, |(t, _)| t.version);
    let mut hash = Sha256::new();
    hash.update(env!("CARGO_PKG_VERSION").as_bytes());
    hash.update([0]);
    hash.update(template.as_bytes());
    hash.update(version.to_le_bytes());
    hash.update([0]);
    hash.update(format.as_bytes());
    hash.update([0]);
    match origin {
        Origin::Posted => hash.update(b"posted"),
        Origin::Stored(None) => hash.update(b"stored"),
        Origin::Stored(Some(root)) => {
            hash.update(b"stored:");
            hash.update(root.as_os_str().as_encoded_bytes());
        }
    }
    hash.update([0]);
    hash.update(serde_json::to_vec(stats).unwrap_or_default());
    format!("\"{}\"", hex::encode(&hash.finalize()[..16]))
}

async fn ready(AxumState(state): AxumState<Arc<State>>) -> Response {
    match state.store.ready().await {
        Ok(()) => "ready".into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn metrics(AxumState(state): AxumState<Arc<State>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}

/// The deepest JSON stats need is 3 (`{"top_artists": [{...}]}`); allow some slack.
const MAX_JSON_DEPTH: usize = 8;

/// Nesting depth of a JSON document, counted without parsing it (so a deeply nested body is
/// refused before serde recurses into it).
fn json_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Ids in paths: letters, digits, `-` and `_`, 1 to 64 bytes. Anything else (`..`, encoded
/// slashes, odd Unicode) is refused before it reaches a lookup.
fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(json_depth(br#"{"a": [{"b": "[[[{{{"}]}"#), 3);
        assert_eq!(json_depth(b"[[[[[[[[[[1]]]]]]]]]]"), 10);
        assert_eq!(json_depth(br#"{"a": "\"["}"#), 1);
    }

    #[test]
    fn ids() {
        assert!(valid_id("demo") && valid_id("u-1_2"));
        for bad in ["", "..", "a/b", "a%2Fb", "é", &"x".repeat(65)] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
