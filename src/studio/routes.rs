//! Routes: the page, its JSON, the cards as PNG, goldens and their diffs, and the stream of
//! changes.
//!
//! ```text
//! GET    /                                     the page (HTML, CSS and JS are in the binary)
//! GET    /api/state                            people, template × format slots, problems,
//!                                              background snapshots (kept, bytes, pending)
//! GET    /api/cards/{kind}/{id}                one person's slots, with card and golden URLs
//! GET    /card/{kind}/{id}/{template}/{format} the card as PNG, or 422 and the error as text
//! GET    /api/stats/{kind}/{id}                the stats the editor starts from
//! PUT    /api/stats/{kind}/{id}                edited stats (422 and the CLI's error if invalid)
//! DELETE /api/stats/{kind}/{id}                back to the file's stats
//! GET    /golden/{fixture}/{template}/{format} the golden PNG
//! GET    /diff/{fixture}/{template}/{format}   red where the card differs from its golden
//! GET    /api/golden/{fixture}/{template}/{format}  whether it matches, and may be blessed
//! POST   /api/bless/{fixture}/{template}/{format}   write the golden (loopback only)
//! GET    /events                               server-sent events: one `change` per edit
//! ```
//!
//! `kind` is `fixture` or `user`.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use crate::golden;
use crate::studio::page;
use crate::studio::workspace::{Rendered, Who, Workspace};

type Shared = State<Arc<Workspace>>;

/// The studio's router over a workspace.
pub fn app(workspace: Arc<Workspace>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/studio.css", get(css))
        .route("/studio.js", get(js))
        .route("/api/state", get(state))
        .route("/api/cards/{kind}/{id}", get(cards))
        .route("/card/{kind}/{id}/{template}/{format}", get(card))
        .route(
            "/api/findings/{kind}/{id}/{template}/{format}",
            get(findings),
        )
        .route(
            "/api/stats/{kind}/{id}",
            get(stats).put(edit_stats).delete(revert_stats),
        )
        .route("/golden/{fixture}/{template}/{format}", get(golden_png))
        .route("/diff/{fixture}/{template}/{format}", get(diff_png))
        .route(
            "/api/golden/{fixture}/{template}/{format}",
            get(golden_status),
        )
        .route("/api/bless/{fixture}/{template}/{format}", post(bless))
        .route("/events", get(events))
        .with_state(workspace)
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    Refusal(status, message.into()).into_response()
}

/// A request the studio cannot serve: its status and a message, as JSON.
struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn who(kind: &str, id: &str) -> Result<Who, Refusal> {
    Who::parse(kind, id).ok_or_else(|| {
        Refusal(
            StatusCode::NOT_FOUND,
            format!("`{kind}` is neither `fixture` nor `user`"),
        )
    })
}

async fn index() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page::HTML,
    )
        .into_response()
}

async fn css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        page::CSS,
    )
        .into_response()
}

async fn js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        page::JS,
    )
        .into_response()
}

async fn state(State(w): Shared) -> Response {
    let (kept, bytes, pending) = w.snapshots();
    Json(json!({
        "generation": w.generation(),
        "people": w.people(),
        "default": w.default_person(),
        "slots": w.slots(),
        "problems": w.problems(),
        "loopback": w.config().loopback,
        "safe_zone": page::SAFE_ZONE,
        "snapshots": { "kept": kept, "bytes": bytes, "pending": pending },
    }))
    .into_response()
}

async fn cards(State(w): Shared, Path((kind, id)): Path<(String, String)>) -> Response {
    let who = match who(&kind, &id) {
        Ok(who) => who,
        Err(r) => return r.into_response(),
    };
    if w.person(&who).is_none() {
        return error(
            StatusCode::NOT_FOUND,
            format!("no {} in the studio", who.path()),
        );
    }
    let generation = w.generation();
    let fixture = match &who {
        Who::Fixture(name) => Some(name.clone()),
        Who::User(_) => None,
    };
    let cards: Vec<serde_json::Value> = w
        .slots()
        .into_iter()
        .map(|slot| {
            let golden = fixture.as_ref().and_then(|f| {
                let case = golden::is_case(f, &slot.template, &slot.format);
                let exists = golden_file(&w, f, &slot.template, &slot.format)
                    .is_some_and(|p| p.is_file());
                (case || exists).then(|| {
                    json!({
                        "case": case,
                        "exists": exists,
                        "src": format!("/golden/{f}/{}/{}?v={generation}", slot.template, slot.format),
                        "diff": format!("/diff/{f}/{}/{}?v={generation}", slot.template, slot.format),
                        "status": format!("/api/golden/{f}/{}/{}", slot.template, slot.format),
                    })
                })
            });
            json!({
                "template": slot.template,
                "format": slot.format,
                "width": slot.width,
                "height": slot.height,
                "error": slot.error,
                "src": format!(
                    "/card/{}/{}/{}?v={}",
                    who.path(),
                    slot.template,
                    slot.format,
                    w.card_version(&who, &slot.template)
                ),
                "golden": golden,
                "findings": format!(
                    "/api/findings/{}/{}/{}?v={}",
                    who.path(),
                    slot.template,
                    slot.format,
                    w.card_version(&who, &slot.template)
                ),
            })
        })
        .collect();
    Json(json!({
        "generation": generation,
        "who": who,
        "edited": w.is_edited(&who),
        "cards": cards,
    }))
    .into_response()
}

/// The card at a `/{kind}/{id}/{template}/{format}` path, rendered unless cached; a refusal
/// for a bad kind (404), an unknown person (404) or a failure outside the card (500). A
/// template that does not render is a card too: its error is in [`Rendered::result`].
async fn rendered(
    w: &Workspace,
    (kind, id, template, format): (String, String, String, String),
) -> Result<Arc<Rendered>, Refusal> {
    let who = who(&kind, &id)?;
    w.card(&who, &template, &format).await.map_err(|e| match e {
        crate::Error::UnknownUser { .. } => Refusal(StatusCode::NOT_FOUND, e.to_string()),
        e => Refusal(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    })
}

async fn card(State(w): Shared, Path(path): Path<(String, String, String, String)>) -> Response {
    let rendered = match rendered(&w, path).await {
        Ok(rendered) => rendered,
        Err(r) => return r.into_response(),
    };
    let millis = format!("{:.1}", rendered.millis);
    match &rendered.result {
        Ok(png) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            [("x-render-ms", millis)],
            png.as_ref().clone(),
        )
            .into_response(),
        Err(message) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            message.clone(),
        )
            .into_response(),
    }
}

/// The lint's findings on a card (rendering it first if it is not cached): `[]` when clean.
async fn findings(
    State(w): Shared,
    Path(path): Path<(String, String, String, String)>,
) -> Response {
    match rendered(&w, path).await {
        Ok(rendered) => (
            [(header::CACHE_CONTROL, "no-store")],
            Json(&rendered.findings),
        )
            .into_response(),
        Err(r) => r.into_response(),
    }
}

async fn stats(State(w): Shared, Path((kind, id)): Path<(String, String)>) -> Response {
    let who = match who(&kind, &id) {
        Ok(who) => who,
        Err(r) => return r.into_response(),
    };
    match w.person(&who) {
        Some(person) => (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            person.json,
        )
            .into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            format!("no {} in the studio", who.path()),
        ),
    }
}

async fn edit_stats(
    State(w): Shared,
    Path((kind, id)): Path<(String, String)>,
    body: String,
) -> Response {
    let who = match who(&kind, &id) {
        Ok(who) => who,
        Err(r) => return r.into_response(),
    };
    match w.edit(&who, &body) {
        Ok(()) => Json(json!({ "generation": w.generation() })).into_response(),
        Err(e @ crate::Error::UnknownUser { .. }) => error(StatusCode::NOT_FOUND, e.to_string()),
        Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    }
}

async fn revert_stats(State(w): Shared, Path((kind, id)): Path<(String, String)>) -> Response {
    let who = match who(&kind, &id) {
        Ok(who) => who,
        Err(r) => return r.into_response(),
    };
    w.revert(&who);
    Json(json!({ "generation": w.generation() })).into_response()
}

/// The golden's path, if the studio has a golden folder and the names are plain.
fn golden_file(
    w: &Workspace,
    fixture: &str,
    template: &str,
    format: &str,
) -> Option<std::path::PathBuf> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if !(plain(fixture) && plain(template) && plain(format)) {
        return None;
    }
    let dir = w.config().golden.as_ref()?;
    Some(
        golden::Case {
            fixture: fixture.into(),
            template: template.into(),
            format: format.into(),
            locale: None,
        }
        .golden(dir),
    )
}

async fn golden_png(
    State(w): Shared,
    Path((fixture, template, format)): Path<(String, String, String)>,
) -> Response {
    let Some(path) = golden_file(&w, &fixture, &template, &format) else {
        return error(StatusCode::NOT_FOUND, "no such golden");
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => error(
            StatusCode::NOT_FOUND,
            format!("no golden at {}", path.display()),
        ),
    }
}

/// The card (as shown, edits included) against its golden: the number of differing pixels,
/// or why they cannot be compared.
struct Comparison {
    differing: Result<usize, String>,
    mask: Option<Vec<u8>>,
}

async fn compare(
    w: &Arc<Workspace>,
    fixture: &str,
    template: &str,
    format: &str,
    with_mask: bool,
) -> Result<Comparison, Refusal> {
    let path = golden_file(w, fixture, template, format)
        .ok_or_else(|| Refusal(StatusCode::NOT_FOUND, "no such golden".into()))?;
    let expected = tokio::fs::read(&path).await.map_err(|_| {
        Refusal(
            StatusCode::NOT_FOUND,
            format!("no golden at {}", path.display()),
        )
    })?;
    let who = Who::Fixture(fixture.to_string());
    let rendered = w
        .card(&who, template, format)
        .await
        .map_err(|e| Refusal(StatusCode::NOT_FOUND, e.to_string()))?;
    let actual = match &rendered.result {
        Ok(png) => png.clone(),
        Err(message) => {
            return Ok(Comparison {
                differing: Err(message.clone()),
                mask: None,
            })
        }
    };
    // Decoding two full cards takes tens of milliseconds: off the async threads.
    tokio::task::spawn_blocking(move || {
        let expected = golden::decode(&expected).map_err(|e| format!("golden: {e}"))?;
        let actual = golden::decode(&actual)?;
        let differing = golden::differing_pixels(&expected, &actual);
        let mask = match with_mask && differing.is_ok() {
            true => {
                let mask = golden::diff_mask(&expected, &actual);
                Some(
                    crate::card::png::encode_rgba(mask.as_raw(), mask.width(), mask.height())
                        .map_err(|e| e.to_string())?,
                )
            }
            false => None,
        };
        Ok::<_, String>(Comparison { differing, mask })
    })
    .await
    .map_err(|e| Refusal(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
    .or_else(|message| {
        Ok(Comparison {
            differing: Err(message),
            mask: None,
        })
    })
}

async fn diff_png(
    State(w): Shared,
    Path((fixture, template, format)): Path<(String, String, String)>,
) -> Response {
    match compare(&w, &fixture, &template, &format, true).await {
        Ok(Comparison {
            mask: Some(png),
            differing,
        }) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            [(
                "x-differing-pixels",
                differing.map(|n| n.to_string()).unwrap_or_default(),
            )],
            png,
        )
            .into_response(),
        Ok(Comparison { differing, .. }) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            differing.err().unwrap_or_default(),
        ),
        Err(r) => r.into_response(),
    }
}

async fn golden_status(
    State(w): Shared,
    Path((fixture, template, format)): Path<(String, String, String)>,
) -> Response {
    let case = golden::is_case(&fixture, &template, &format);
    let exists = golden_file(&w, &fixture, &template, &format).is_some_and(|p| p.is_file());
    let (differing, problem) = if exists {
        match compare(&w, &fixture, &template, &format, false).await {
            Ok(c) => match c.differing {
                Ok(n) => (Some(n), None),
                Err(e) => (None, Some(e)),
            },
            Err(r) => return r.into_response(),
        }
    } else {
        (None, Some("no golden yet".to_string()))
    };
    let refusal = bless_refusal(&w, &fixture, &template, &format);
    Json(json!({
        "case": case,
        "exists": exists,
        "differing": differing,
        "tolerance": golden::MAX_DIFFERING_PIXELS,
        "matches": differing.is_some_and(|n| n <= golden::MAX_DIFFERING_PIXELS),
        "problem": problem,
        "blessable": refusal.is_none(),
        "refusal": refusal.map(|(_, why)| why),
    }))
    .into_response()
}

/// Why blessing this golden is refused, if it is.
fn bless_refusal(
    w: &Workspace,
    fixture: &str,
    template: &str,
    format: &str,
) -> Option<(StatusCode, String)> {
    if !w.config().loopback {
        return Some((
            StatusCode::FORBIDDEN,
            "blessing is refused: the studio does not listen on loopback".into(),
        ));
    }
    if !golden::is_case(fixture, template, format) {
        return Some((
            StatusCode::NOT_FOUND,
            format!(
                "{template}-{format}/{fixture} is not a golden case (see golden::EDGES); a golden here would be an orphan"
            ),
        ));
    }
    if golden_file(w, fixture, template, format).is_none() {
        return Some((
            StatusCode::NOT_FOUND,
            "the studio has no golden folder".into(),
        ));
    }
    if w.is_edited(&Who::Fixture(fixture.to_string())) {
        return Some((
            StatusCode::CONFLICT,
            format!("the stats of fixture {fixture} are edited on the page: revert them first, goldens come from the fixture file"),
        ));
    }
    None
}

async fn bless(
    State(w): Shared,
    Path((fixture, template, format)): Path<(String, String, String)>,
) -> Response {
    if let Some((status, why)) = bless_refusal(&w, &fixture, &template, &format) {
        return error(status, why);
    }
    let Some(path) = golden_file(&w, &fixture, &template, &format) else {
        return error(StatusCode::NOT_FOUND, "no such golden");
    };
    let png = match w.fixture_card(&fixture, &template, &format).await {
        Ok(png) => png,
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    };
    let target = path.clone();
    let written = tokio::task::spawn_blocking(move || golden::bless(&target, &png)).await;
    match written {
        Ok(Ok(())) => {
            w.golden_written(format!("golden {template}-{format}/{fixture}"));
            Json(json!({ "written": path.display().to_string() })).into_response()
        }
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn events(State(w): Shared) -> Sse<impl futures::Stream<Item = Result<Event, Infallible>>> {
    use tokio::sync::broadcast::error::RecvError;
    let hello = Event::default()
        .event("hello")
        .data(w.generation().to_string());
    let changes = futures::stream::unfold(w.subscribe(), |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(change) => {
                    let event = Event::default()
                        .event("change")
                        .json_data(&change)
                        .unwrap_or_else(|_| Event::default().event("change"));
                    return Some((Ok(event), rx));
                }
                // A page that fell behind only needs the latest state: the next change does.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let stream = futures::StreamExt::chain(futures::stream::iter([Ok(hello)]), changes);
    Sse::new(stream).keep_alive(KeepAlive::default())
}
