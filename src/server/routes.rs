//! Routes: the handlers. Both render routes end in one shared tail ([`card`]): fingerprint and
//! ETag, `304` (GET only), the PNG cache, one render per card at a time, the render pool, the
//! response (with `Cardfarm-Placeholders` when photos could not be used).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::error::ApiError;
use super::etag::{self, Origin};
use super::flight::Role;
use super::params::{body_error, json_depth, Params, MAX_JSON_DEPTH};
use super::pool::PoolError;
use super::prerender::{Outcome, Stored};
use super::{openapi, sign, AppState};
use crate::card::model::{is_valid_id, Stats, ID_RULE};
use crate::card::render::Source;
use crate::card::Encoding;
use crate::farm::job::{self, CardSpec};

/// A template as the API lists it.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TemplateInfo {
    name: String,
    description: String,
    version: u32,
    formats: Vec<FormatInfo>,
    /// The locales its words come in (`?locale=`); any other tag falls back to the nearest,
    /// then English.
    locales: Vec<String>,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FormatInfo {
    name: String,
    width: u32,
    height: u32,
}

/// Lists templates with their formats, sizes and locales.
#[utoipa::path(get, path = "/v1/templates", responses((status = 200, body = [TemplateInfo])))]
pub(super) async fn templates(State(state): State<Arc<AppState>>) -> Json<Vec<TemplateInfo>> {
    let locales: Vec<String> = state
        .renderer
        .templates()
        .catalogs()
        .tags()
        .map(String::from)
        .collect();
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
                locales: locales.clone(),
            })
            .collect(),
    )
}

#[derive(Debug, utoipa::IntoParams)]
#[allow(dead_code)] // Describes the query for /openapi.json; `Params` parses it.
struct FormatQuery {
    /// `story` (default), `square` or `landscape`, as the template offers.
    format: Option<String>,
    /// Render in this locale instead of the stats' own (`de`, `pt-BR`, `ar`…).
    locale: Option<String>,
}

/// Renders the stats in the body.
#[utoipa::path(
    post,
    path = "/v1/render/{template}",
    params(("template" = String, Path, description = "template name"), FormatQuery),
    request_body(content = inline(Object), description = "one user's stats (schema: components.schemas.Stats)", content_type = "application/json"),
    responses(
        (status = 200, description = "the card; `If-None-Match` is ignored (a POST always answers with the card), the ETag identifies it", content_type = "image/png",
            headers(("Cardfarm-Placeholders" = u32, description = "present when photos could not be used: how many were drawn as a placeholder"))),
        (status = 400, description = "malformed JSON, path or query", body = openapi::ErrorBody),
        (status = 401, description = "missing or wrong API key (WWW-Authenticate: Bearer)", body = openapi::ErrorBody),
        (status = 404, description = "unknown template or format, or stats of a user who opted out", body = openapi::ErrorBody),
        (status = 408, description = "body not sent in time", body = openapi::ErrorBody),
        (status = 413, description = "body too large", body = openapi::ErrorBody),
        (status = 422, description = "invalid stats", body = openapi::ErrorBody),
        (status = 503, description = "overloaded; see Retry-After", body = openapi::ErrorBody),
    ),
    security(("api_key" = []))
)]
pub(super) async fn render_posted(
    State(state): State<Arc<AppState>>,
    template: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let Path(template) = template?;
    let query = Params::parse(&uri)?;
    let body = body.map_err(|e| body_error(&e, &state.config))?;
    let format = query.format.unwrap_or_else(|| "story".into());
    let encoding = query.encoding;
    state.renderer.templates().get(&template, &format)?;
    if json_depth(&body) > MAX_JSON_DEPTH {
        return Err(ApiError::bad_request(format!(
            "JSON nested deeper than {MAX_JSON_DEPTH} levels"
        )));
    }
    let text =
        std::str::from_utf8(&body).map_err(|_| ApiError::bad_request("body is not UTF-8"))?;
    let mut stats = Stats::from_json(text, "request body")?;
    if let Some(locale) = &query.locale {
        stats.set_locale(locale)?;
    }
    // An opted-out listener has no card on any route, posted stats included.
    if opted_out(&state, &stats.user_id).await? {
        return Err(unknown_user(&stats.user_id));
    }
    card(
        &state,
        stats,
        Origin::Posted,
        template,
        format,
        encoding,
        &headers,
        "private, max-age=0, must-revalidate",
        Conditional::Ignored,
        None,
    )
    .await
}

#[derive(Debug, utoipa::IntoParams)]
#[allow(dead_code)] // Describes the query for /openapi.json; `Params` parses it.
struct CardQuery {
    /// `story` (default), `square` or `landscape`.
    format: Option<String>,
    /// Render in this locale instead of the user's own (part of the signed query).
    locale: Option<String>,
    /// Expiry, unix seconds (part of the signed query).
    exp: Option<u64>,
    /// Hex HMAC-SHA256 of the path and query without `sig` (when the server has a signing key).
    sig: Option<String>,
}

/// A stored user's card.
///
/// With `serve --cards`, the card the farm stored for this user, template and format is
/// served as stored when it was drawn from the stats the store holds now and the current
/// template (its content hash, which is also the ETag, the same on every replica and across
/// restarts). A missing, stale or damaged stored card is rendered, answered, and written back
/// in the background; storage that is slow or down only costs the lookup's time limit, and
/// the card is rendered. A listener who opted out is answered exactly like an unknown user.
#[utoipa::path(
    get,
    path = "/v1/cards/{user_id}/{template}.png",
    params(
        ("user_id" = String, Path, description = "letters, digits, - and _"),
        ("template" = String, Path, description = "template name"),
        CardQuery
    ),
    responses(
        (status = 200, description = "the card", content_type = "image/png",
            headers(("Cardfarm-Placeholders" = u32, description = "present when photos could not be used: how many were drawn as a placeholder"))),
        (status = 304, description = "unchanged: `If-None-Match` names the ETag, or is `*`"),
        (status = 400, description = "malformed path or query", body = openapi::ErrorBody),
        (status = 403, description = "missing, wrong or expired signature, or no expiry where the server requires one", body = openapi::ErrorBody),
        (status = 404, description = "unknown (or opted-out) user, unknown template or format", body = openapi::ErrorBody),
        (status = 500, description = "internal error, such as a corrupt stored record", body = openapi::ErrorBody),
        (status = 503, description = "overloaded or store unavailable; see Retry-After. Never for card storage that fails: the card is rendered instead", body = openapi::ErrorBody),
    )
)]
pub(super) async fn render_stored(
    State(state): State<Arc<AppState>>,
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
        let keys = sign::Keys {
            current: key,
            previous: state.config.previous_signing_key.as_deref(),
            require_expiry: state.config.require_expiry,
        };
        keys.verify(uri.path(), uri.query(), now)
            .map_err(|r| ApiError::forbidden(r.to_string()))?;
    }
    if !is_valid_id(&user_id) {
        return Err(ApiError::bad_request(format!("user id must be {ID_RULE}")));
    }
    let template = file
        .strip_suffix(".png")
        .filter(|t| is_valid_id(t))
        .ok_or_else(|| ApiError::bad_request("expected /v1/cards/{user_id}/{template}.png"))?
        .to_string();
    let format = query.format.unwrap_or_else(|| "story".into());
    let encoding = query.encoding;
    state.renderer.templates().get(&template, &format)?;
    // Checked before the store and before card storage, and answered like an unknown user:
    // an opted-out listener's card is neither drawn nor served from what the farm stored.
    if state.config.opt_out.contains(&user_id) {
        return Err(unknown_user(&user_id));
    }
    let (mut stats, root) = state
        .store
        .get(&user_id)
        .await?
        .ok_or_else(|| unknown_user(&user_id))?;
    // The farm stores each user's card in their own locale: another locale is rendered, and
    // not written over it.
    let own_locale = query.locale.as_deref().is_none_or(|l| l == stats.locale());
    if let Some(locale) = &query.locale {
        stats.set_locale(locale)?;
    }
    // A CDN may keep the card for a day, but never past the link's expiry.
    let mut max_age = 86_400;
    if let Some(exp) = query.exp {
        max_age = max_age.min(exp.saturating_sub(now));
    }
    let cache_control = format!("public, max-age={}, s-maxage={max_age}", max_age.min(3600));
    // The farm's stored cards are PNGs in each user's own locale: another encoding or locale
    // is always rendered.
    let stored_cards = state
        .config
        .cards
        .as_ref()
        .filter(|_| encoding.is_png() && own_locale);
    let key = stored_cards.map(|sink| {
        let spec = CardSpec {
            template: template.clone(),
            format: format.clone(),
        };
        job::key(sink.prefix(), &user_id, &spec, encoding)
    });
    card(
        &state,
        stats,
        Origin::Stored(root),
        template,
        format,
        encoding,
        &headers,
        &cache_control,
        Conditional::Honoured,
        key,
    )
    .await
}

/// The answer for a user the server has no card for: not in the store, or opted out.
fn unknown_user(user_id: &str) -> ApiError {
    ApiError::not_found(format!("unknown user `{user_id}`"))
}

/// Whether `user_id` opted out: the server's list, or the PostgreSQL store's table.
async fn opted_out(state: &AppState, user_id: &str) -> Result<bool, ApiError> {
    Ok(state.config.opt_out.contains(user_id) || state.store.opted_out(user_id).await?)
}

/// How long a card drawn with a placeholder is served from memory before it is drawn again.
const PLACEHOLDER_TTL: std::time::Duration = std::time::Duration::from_secs(60);
/// Threads a card's changed PNG bands are compressed on (at most the cores): a card's
/// latency, not the server's throughput (docs/performance.md).
const ENCODE_THREADS: usize = 4;

/// Whether a route answers `If-None-Match`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conditional {
    /// `GET`: a matching tag (or `*`) answers `304`.
    Honoured,
    /// `POST`: the answer is the card, always. A POST selects no stored representation that
    /// a client could hold, so the header has nothing to compare with (RFC 9110 §13.2.1).
    Ignored,
}

/// The header naming how many photos were replaced by a placeholder.
pub(super) const PLACEHOLDERS: &str = "cardfarm-placeholders";

/// A rendered card as every request waiting for it gets it.
#[derive(Debug, Clone)]
pub(super) struct Rendered {
    png: Bytes,
    /// The encoding of `png`'s bytes (a PNG unless the request asked for another).
    encoding: Encoding,
    /// Photos drawn as a placeholder.
    placeholders: usize,
}

/// The shared tail of both render routes: fingerprint and ETag, 304, cache, one render per
/// card at a time (concurrent misses wait for the same render), response. `key` is where the
/// farm stores this card in [`Config::cards`](super::Config::cards) (stored users only): a
/// current card there is served instead of rendered.
#[allow(clippy::too_many_arguments)]
async fn card(
    state: &Arc<AppState>,
    stats: Stats,
    origin: Origin,
    template: String,
    format: String,
    encoding: Encoding,
    headers: &HeaderMap,
    cache_control: &str,
    conditional: Conditional,
    key: Option<String>,
) -> Result<Response, ApiError> {
    // Hashing the photos reads files (once per file version) and decodes data: URIs: not on
    // the async executor.
    let renderer = state.renderer.clone();
    let (t, f) = (template.clone(), format.clone());
    let (stats, origin, fingerprint) = tokio::task::spawn_blocking(move || {
        let source = Source {
            stats: &stats,
            root: origin.root(),
        };
        let fingerprint = renderer.fingerprint(source, &t, &f);
        (stats, origin, fingerprint)
    })
    .await
    .map_err(ApiError::internal)?;
    // The encoding is part of the card's identity: its ETag and cache key.
    let fingerprint = encoding.fingerprint(fingerprint?);
    let etag = etag::etag(&fingerprint, &origin);
    let respond = |status: StatusCode, rendered: Option<Rendered>| -> Response {
        let mut placeholders = 0;
        let mut response = match rendered {
            // `Bytes` is shared, not copied: a cache hit hands the cached buffer to hyper.
            Some(r) => {
                placeholders = r.placeholders;
                let content_type = r.encoding.content_type();
                (status, [(header::CONTENT_TYPE, content_type)], r.png).into_response()
            }
            None => status.into_response(),
        };
        let h = response.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&etag) {
            h.insert(header::ETAG, v);
        }
        if let Ok(v) = HeaderValue::from_str(cache_control) {
            h.insert(header::CACHE_CONTROL, v);
        }
        if placeholders > 0 {
            h.insert(PLACEHOLDERS, HeaderValue::from(placeholders));
        }
        response
    };
    if conditional == Conditional::Honoured && etag::matches(headers, &etag) {
        return Ok(respond(StatusCode::NOT_MODIFIED, None));
    }
    if let Some((png, placeholders)) = state.cache.get(&etag) {
        state.metrics.cache_hits.inc();
        let hit = Rendered {
            png,
            encoding,
            placeholders,
        };
        return Ok(respond(StatusCode::OK, Some(hit)));
    }
    let stored = match (key, &state.config.cards) {
        (Some(key), Some(sink)) => {
            let (_, f) = state.renderer.templates().get(&template, &format)?;
            Some(Stored {
                sink: sink.clone(),
                key,
                fingerprint,
                size: (f.width, f.height),
            })
        }
        _ => None,
    };
    let (flight, role) = state.flights.join(&etag, || {
        let (state, etag) = (state.clone(), etag.clone());
        async move {
            let Some(stored) = stored else {
                return render(state, stats, origin, template, format, encoding, etag).await;
            };
            stored_or_render(state, stored, stats, origin, template, format, etag).await
        }
    });
    match role {
        Role::Leader => state.metrics.cache_misses.inc(),
        Role::Follower => state.metrics.coalesced.inc(),
    }
    match flight.await {
        Some(Ok(rendered)) => Ok(respond(StatusCode::OK, Some(rendered))),
        Some(Err(e)) => Err(e),
        None => Err(ApiError::internal("render task failed")),
    }
}

/// The card as the farm stored it, if current (kept in the cache then); else rendered, and
/// written back in the background unless the storage failed. Run once per card at a time by
/// [`card`]'s flight.
async fn stored_or_render(
    state: Arc<AppState>,
    stored: Stored,
    stats: Stats,
    origin: Origin,
    template: String,
    format: String,
    etag: String,
) -> Result<Rendered, ApiError> {
    let (outcome, png) = stored.read(state.config.cards_timeout).await;
    state
        .metrics
        .stored_cards
        .with_label_values(&[outcome.label()])
        .inc();
    if let Some(png) = png {
        state.cache.put(etag, png.clone());
        return Ok(Rendered {
            png,
            encoding: Encoding::Png,
            placeholders: 0,
        });
    }
    let rendered = render(
        state.clone(),
        stats,
        origin,
        template,
        format,
        Encoding::Png,
        etag,
    )
    .await?;
    // A placeholder may stand for a photo missing only for now, and storage that just failed
    // would most likely fail the write too: neither is written.
    if rendered.placeholders == 0 && outcome != Outcome::Error {
        let metrics = state.metrics.clone();
        // At most `max_write_backs` at once: each holds a card's bytes until the storage
        // answers. Past that the card is only served; a later miss writes it.
        match state.write_backs.clone().try_acquire_owned() {
            Ok(permit) => {
                let png = rendered.png.clone();
                tokio::spawn(async move {
                    let result = match stored.write(png).await {
                        Ok(()) => "ok",
                        Err(error) => {
                            tracing::warn!(key = %stored.key, %error, "could not write a rendered card back");
                            "failed"
                        }
                    };
                    drop(permit);
                    metrics.stored_writes.with_label_values(&[result]).inc();
                });
            }
            Err(_) => metrics.stored_writes.with_label_values(&["skipped"]).inc(),
        }
    }
    Ok(rendered)
}

/// Renders one card on the pool and keeps it in the cache; run once per card at a time by
/// [`card`]'s flight.
async fn render(
    state: Arc<AppState>,
    stats: Stats,
    origin: Origin,
    template: String,
    format: String,
    encoding: Encoding,
    etag: String,
) -> Result<Rendered, ApiError> {
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
            let timer = render_seconds.start_timer();
            // A client waits on this card: its changed bands are compressed on several
            // threads (the farm keeps to one thread per card).
            let result = renderer.render_as_with_threads(
                Source {
                    stats: &stats,
                    root: origin.root(),
                },
                &t,
                &f,
                encoding,
                ENCODE_THREADS.min(crate::card::threads::cores()),
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
    let png = Bytes::from(card.bytes);
    // A placeholder may stand for a photo that is only missing for now: such a card is kept
    // for a minute, not for good.
    if card.warnings.is_empty() {
        state.cache.put(etag, png.clone());
    } else {
        state
            .cache
            .put_for(etag, png.clone(), card.warnings.len(), PLACEHOLDER_TTL);
    }
    Ok(Rendered {
        png,
        encoding,
        placeholders: card.warnings.len(),
    })
}

pub(super) async fn ready(State(state): State<Arc<AppState>>) -> Response {
    match state.store.ready().await {
        Ok(()) => "ready".into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

pub(super) async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
}
