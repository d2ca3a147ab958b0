//! The HTTP server through its real router (`app(state).oneshot(request)`, no socket): state
//! over a store, requests, answers, and the checks every stats store must pass.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cardfarm::server::store::Store;
use cardfarm::server::{self, sign, AppState, Config};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::png_size;

pub const SIGNING_KEY: &[u8] = b"test-signing-key";
pub const API_KEY: &str = "test-api-key";

/// The sample dataset as a store.
pub async fn jsonl_store() -> Store {
    Store::open(super::repo().join("data/sample.jsonl").to_str().unwrap())
        .await
        .unwrap()
}

/// Server state over `store`, rendering with the shared renderer.
pub fn state(store: Store, config: Config) -> Arc<AppState> {
    AppState::new(super::renderer().clone(), store, config).expect("render threads start")
}

/// A config that requires signed links and an API key.
pub fn secured() -> Config {
    Config {
        signing_key: Some(SIGNING_KEY.to_vec()),
        api_key: Some(API_KEY.into()),
        ..Config::default()
    }
}

/// A response, read whole.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }

    /// The `error` field of a JSON error body; empty if there is none.
    pub fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

pub async fn call(state: &Arc<AppState>, request: Request<Body>) -> Answer {
    let response = server::app(state.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

pub async fn get(state: &Arc<AppState>, uri: &str) -> Answer {
    call(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A JSON POST, with `Authorization: Bearer <key>` when there is a key.
pub fn post(uri: &str, body: impl Into<Body>, key: Option<&str>) -> Request<Body> {
    let mut r = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some(key) = key {
        r = r.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    r.body(body.into()).unwrap()
}

/// A request body that never arrives.
pub fn endless_body() -> Body {
    Body::from_stream(futures::stream::pending::<
        Result<axum::body::Bytes, std::io::Error>,
    >())
}

/// The answer has `status`, a JSON content type and an error message.
pub fn assert_json_error(a: &Answer, status: StatusCode, what: &str) {
    assert_eq!(
        a.status,
        status,
        "{what}: {}",
        String::from_utf8_lossy(&a.body)
    );
    assert_eq!(
        a.headers[header::CONTENT_TYPE],
        "application/json",
        "{what}"
    );
    assert!(!a.error().is_empty(), "{what}: no error message");
}

/// The GET route against any store: ETag and 304, signatures, expiry, unknown users, path
/// tricks.
pub async fn exercise_card_route(store: Store) {
    let s = state(store, secured());
    let signed = |path: &str| sign::sign(SIGNING_KEY, path);

    let link = signed("/v1/cards/demo/top-artists.png?format=story");
    let a = get(&s, &link).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    assert_eq!(png_size(&a.body), (1080, 1920));
    assert!(a.headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("public"));
    let etag = a.headers[header::ETAG].clone();
    let revalidated = call(
        &s,
        Request::get(&link)
            .header(header::IF_NONE_MATCH, etag.clone())
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.body.is_empty());
    assert_eq!(revalidated.headers[header::ETAG], etag);
    let b = get(&s, &signed("/v1/cards/demo/summary.png?format=square")).await;
    assert_eq!(png_size(&b.body), (1080, 1080));

    for (uri, status, needle) in [
        (
            "/v1/cards/demo/top-artists.png".to_string(),
            StatusCode::FORBIDDEN,
            "missing signature",
        ),
        (
            signed("/v1/cards/demo/top-artists.png").replace("demo", "typical"),
            StatusCode::FORBIDDEN,
            "bad signature",
        ),
        (
            signed("/v1/cards/demo/top-artists.png?exp=1000"),
            StatusCode::FORBIDDEN,
            "expired",
        ),
        (
            signed("/v1/cards/nobody/top-artists.png"),
            StatusCode::NOT_FOUND,
            "unknown user",
        ),
        (
            signed("/v1/cards/demo/nope.png"),
            StatusCode::NOT_FOUND,
            "unknown template",
        ),
        (
            signed("/v1/cards/demo/minutes.png?format=landscape"),
            StatusCode::NOT_FOUND,
            "no format",
        ),
        (
            signed("/v1/cards/..%2F..%2Fetc/minutes.png"),
            StatusCode::BAD_REQUEST,
            "user id",
        ),
        (
            signed("/v1/cards/d%C3%A9mo/minutes.png"),
            StatusCode::BAD_REQUEST,
            "user id",
        ),
        (
            signed("/v1/cards/demo/minutes.jpg"),
            StatusCode::BAD_REQUEST,
            "expected",
        ),
        (
            signed("/v1/cards/demo/..%2Fminutes.png"),
            StatusCode::BAD_REQUEST,
            "expected",
        ),
    ] {
        let a = get(&s, &uri).await;
        assert_eq!(
            a.status,
            status,
            "{uri}: {}",
            String::from_utf8_lossy(&a.body)
        );
        assert!(
            a.error().contains(needle),
            "{uri}: {needle} not in {:?}",
            a.error()
        );
    }

    // A link that expires later works, and tells a CDN not to keep it past expiry.
    let later = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 120;
    let a = get(
        &s,
        &signed(&format!("/v1/cards/demo/minutes.png?exp={later}")),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let cc = a.headers[header::CACHE_CONTROL].to_str().unwrap();
    let s_maxage: u64 = cc.split("s-maxage=").nth(1).unwrap().parse().unwrap();
    assert!(s_maxage <= 120, "{cc}");

    assert_eq!(get(&s, "/readyz").await.status, StatusCode::OK);
}

/// The ETag of demo's minutes card, from a fresh server over `store`.
pub async fn demo_etag(store: Store) -> String {
    let a = get(
        &state(store, Config::default()),
        "/v1/cards/demo/minutes.png",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    a.headers[header::ETAG].to_str().unwrap().to_string()
}

/// Invalid stats, as a record would hold them after a bad import.
pub fn invalid_record(user_id: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(&super::typical_json()).unwrap();
    value["user_id"] = user_id.into();
    value["minutes_listened"] = (-5).into();
    value.to_string()
}

/// A corrupt record (user `broken`) is our fault: a generic 500, the cause only in the log.
pub async fn assert_corrupt_record_is_500(store: Store) {
    let s = state(store, Config::default());
    let a = get(&s, "/v1/cards/broken/minutes.png").await;
    assert_json_error(&a, StatusCode::INTERNAL_SERVER_ERROR, "corrupt record");
    assert_eq!(a.json(), serde_json::json!({ "error": "internal error" }));
}
