//! The HTTP endpoint's routes through its real router (`app(state).oneshot(request)`, no
//! socket), over the sample dataset: statuses and JSON errors, ETags and 304, the render cache,
//! signed links and the API key, metrics, OpenAPI and the access log.

mod common;

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cardfarm::server::store::Store;
use cardfarm::server::{sign, Config};
use cardfarm::Stats;
use common::app::{
    assert_corrupt_record_is_500, assert_json_error, call, demo_etag, endless_body,
    exercise_card_route, get, invalid_record, jsonl_store, post, secured, state, API_KEY,
    SIGNING_KEY,
};
use common::{demo_stats, png_size, renderer, repo, typical_json, TempDir};

#[tokio::test]
async fn lists_templates() {
    let s = state(jsonl_store().await, secured());
    let a = get(&s, "/v1/templates").await;
    assert_eq!(a.status, StatusCode::OK);
    let list = a.json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 6, "{names:?}");
    let summary = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "summary")
        .unwrap();
    assert!(summary["formats"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "landscape" && f["width"] == 1200));
}

#[tokio::test]
async fn renders_posted_stats_with_etag_and_never_304() {
    let s = state(jsonl_store().await, secured());
    let a = call(
        &s,
        post("/v1/render/minutes", typical_json(), Some(API_KEY)),
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&a.body)
    );
    assert_eq!(a.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(png_size(&a.body), (1080, 1920));
    let etag = a.headers[header::ETAG].to_str().unwrap().to_string();
    assert!(
        etag.starts_with('"') && etag.len() > 10,
        "strong ETag: {etag}"
    );

    // The same bytes the library renders: the HTTP layer adds nothing to the card.
    let stats = Stats::from_json(&typical_json(), "t").unwrap();
    let direct = renderer()
        .render(
            cardfarm::Source {
                stats: &stats,
                root: None,
            },
            "minutes",
            "story",
        )
        .unwrap();
    assert_eq!(a.body, direct.png.0);

    let mut again = post("/v1/render/minutes", typical_json(), Some(API_KEY));
    again
        .headers_mut()
        .insert(header::IF_NONE_MATCH, etag.parse().unwrap());
    // A POST always answers with the card: it selects no representation a client could hold.
    let b = call(&s, again).await;
    assert_eq!(b.status, StatusCode::OK);
    assert_eq!(b.body, a.body);

    // Another format is another card.
    let c = call(
        &s,
        post(
            "/v1/render/summary?format=landscape",
            typical_json(),
            Some(API_KEY),
        ),
    )
    .await;
    assert_eq!(png_size(&c.body), (1200, 630));
    assert_ne!(c.headers[header::ETAG].to_str().unwrap(), etag);
}

#[tokio::test]
async fn posted_render_errors_have_the_right_status_and_a_json_body() {
    let s = state(
        jsonl_store().await,
        Config {
            max_body: 64 * 1024,
            ..secured()
        },
    );
    let cases: Vec<(Request<Body>, StatusCode, &str)> = vec![
        (
            post("/v1/render/minutes", typical_json(), None),
            StatusCode::UNAUTHORIZED,
            "API key",
        ),
        (
            post("/v1/render/minutes", typical_json(), Some("wrong")),
            StatusCode::UNAUTHORIZED,
            "API key",
        ),
        (
            post("/v1/render/minutes", "{\"user_id\": ", Some(API_KEY)),
            StatusCode::BAD_REQUEST,
            "malformed JSON",
        ),
        (
            post(
                "/v1/render/minutes",
                typical_json().replace("48213", "-5"),
                Some(API_KEY),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "minutes_listened: expected a non-negative integer, got -5",
        ),
        (
            post("/v1/render/nope", typical_json(), Some(API_KEY)),
            StatusCode::NOT_FOUND,
            "unknown template",
        ),
        (
            post(
                "/v1/render/minutes?format=square",
                typical_json(),
                Some(API_KEY),
            ),
            StatusCode::NOT_FOUND,
            "no format",
        ),
        (
            post("/v1/render/minutes", "x".repeat(100 * 1024), Some(API_KEY)),
            StatusCode::PAYLOAD_TOO_LARGE,
            "larger than",
        ),
        (
            post("/v1/render/minutes", "[".repeat(500), Some(API_KEY)),
            StatusCode::BAD_REQUEST,
            "nested deeper",
        ),
    ];
    for (request, status, needle) in cases {
        let a = call(&s, request).await;
        assert_eq!(
            a.status,
            status,
            "{needle}: {}",
            String::from_utf8_lossy(&a.body)
        );
        assert!(
            a.error().contains(needle),
            "{needle} not in {:?}",
            a.error()
        );
    }
    // The field is named in the detail, too.
    let a = call(
        &s,
        post(
            "/v1/render/minutes",
            typical_json().replace("48213", "-5"),
            Some(API_KEY),
        ),
    )
    .await;
    assert_eq!(a.json()["detail"]["field"], "minutes_listened");
}

#[tokio::test]
async fn card_route_with_the_jsonl_store() {
    exercise_card_route(jsonl_store().await).await;
}

#[tokio::test]
async fn jsonl_etag_changes_when_the_stats_change() {
    let dir = TempDir::new("etag");
    let mut demo = demo_stats();
    let write = |name: &str, stats: &Stats| {
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_string(stats).unwrap() + "\n").unwrap();
        path.to_str().unwrap().to_string()
    };
    let (before, same) = (write("before.jsonl", &demo), write("same.jsonl", &demo));
    demo.minutes_listened.0 += 1;
    let after = write("after.jsonl", &demo);
    let before = demo_etag(Store::open(&before).await.unwrap()).await;
    assert_eq!(
        before,
        demo_etag(Store::open(&same).await.unwrap()).await,
        "same stats, same root: same ETag"
    );
    assert_ne!(before, demo_etag(Store::open(&after).await.unwrap()).await);
}

#[tokio::test]
async fn a_corrupt_jsonl_record_is_a_generic_500() {
    let dir = TempDir::new("corrupt");
    let path = dir.join("users.jsonl");
    std::fs::write(&path, invalid_record("broken") + "\n").unwrap();
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    assert_corrupt_record_is_500(store).await;
}

/// A dataset of `lines` (raw bytes, one per line) in a folder of its own, with the sample's
/// photos beside it.
fn dataset_of(dir: &TempDir, lines: &[Vec<u8>]) -> String {
    let path = dir.join("users.jsonl");
    std::fs::write(&path, lines.join(&b"\n"[..])).unwrap();
    path.to_str().unwrap().to_string()
}

#[tokio::test]
async fn a_line_that_is_not_utf8_is_skipped_and_the_others_are_served() {
    let dir = TempDir::new("latin1");
    let users = common::sample_users(2);
    // Line 2 was exported as Latin-1: `ü` is the single byte 0xFC.
    let latin1 = b"{\"user_id\": \"m\xfcller\", \"display_name\": \"M\xfcller\"}".to_vec();
    let path = dataset_of(
        &dir,
        &[
            serde_json::to_vec(&users[0]).unwrap(),
            latin1,
            serde_json::to_vec(&users[1]).unwrap(),
        ],
    );
    let store = Store::open(&path).await.expect("the store opens");
    let Store::Jsonl(jsonl) = &store else {
        unreachable!()
    };
    assert_eq!(jsonl.len(), 2);
    assert_eq!(jsonl.rejected.len(), 1, "{:?}", jsonl.rejected);
    let rejected = &jsonl.rejected[0];
    assert!(
        rejected.contains("line 2") && rejected.contains("not UTF-8"),
        "{rejected}"
    );
    let s = state(store, Config::default());
    for user in &users {
        let a = get(&s, &format!("/v1/cards/{}/minutes.png", user.user_id)).await;
        assert_eq!(a.status, StatusCode::OK, "{}", user.user_id);
    }
}

#[tokio::test]
async fn a_user_on_several_lines_gets_the_last_record() {
    let dir = TempDir::new("duplicates");
    let first = demo_stats();
    let mut last = first.clone();
    last.minutes_listened.0 += 1000;
    let other = &common::sample_users(2)[1];
    let path = dataset_of(
        &dir,
        &[
            serde_json::to_vec(&first).unwrap(),
            serde_json::to_vec(other).unwrap(),
            serde_json::to_vec(&last).unwrap(),
        ],
    );
    let store = Store::open(&path).await.unwrap();
    let Store::Jsonl(jsonl) = &store else {
        unreachable!()
    };
    assert_eq!(
        jsonl.duplicates,
        vec![cardfarm::farm::dataset::Duplicate {
            user_id: "demo".into(),
            line: 1,
            last: 3
        }]
    );
    assert!(jsonl.duplicates[0]
        .to_string()
        .contains("line 1 and again on line 3"));
    let (stats, _) = store.get("demo").await.unwrap().unwrap();
    assert_eq!(stats.minutes_listened.0, last.minutes_listened.0);

    // The last record wins even when it is the broken one: the user's card is not served
    // from a record the dataset has replaced.
    let mut valid = demo_stats();
    valid.user_id = "broken".into();
    let path = dataset_of(
        &dir,
        &[
            serde_json::to_vec(&valid).unwrap(),
            invalid_record("broken").into_bytes(),
        ],
    );
    assert_corrupt_record_is_500(Store::open(&path).await.unwrap()).await;
}

#[tokio::test]
async fn health_metrics_and_openapi() {
    let s = state(jsonl_store().await, Config::default());
    assert_eq!(get(&s, "/healthz").await.status, StatusCode::OK);
    assert_eq!(
        get(&s, "/v1/cards/demo/minutes.png").await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&s, "/v1/cards/demo/minutes.png").await.status,
        StatusCode::OK
    ); // cached
    let metrics = String::from_utf8(get(&s, "/metrics").await.body).unwrap();
    for needle in [
        "cardfarm_http_requests_total{route=\"/v1/cards/{user_id}/{file}\",status=\"200\"} 2",
        "cardfarm_render_seconds_count{template=\"minutes\"} 1",
        "cardfarm_cache_hits_total 1",
        "cardfarm_render_queue_depth 0",
        "cardfarm_renders_in_flight 0",
    ] {
        assert!(metrics.contains(needle), "{needle} missing from\n{metrics}");
    }
    let doc = get(&s, "/openapi.json").await.json();
    assert!(doc["paths"]["/v1/render/{template}"]["post"].is_object());
    assert!(doc["paths"]["/v1/cards/{user_id}/{template}.png"]["get"].is_object());
    assert_eq!(
        doc["components"]["schemas"]["Stats"]["properties"]["top_artists"]["items"]["$ref"],
        "#/components/schemas/Artist"
    );
    let a = get(&s, "/no/such/route").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn rejections_and_405_are_json() {
    let s = state(jsonl_store().await, Config::default());
    for (method, uri, status) in [
        (
            "GET",
            "/v1/cards/demo/minutes.png?exp=abc",
            StatusCode::BAD_REQUEST,
        ),
        (
            "GET",
            "/v1/cards/demo/minutes.png?format=story&format=square",
            StatusCode::BAD_REQUEST,
        ),
        ("GET", "/v1/cards/%FF/minutes.png", StatusCode::BAD_REQUEST),
        ("POST", "/v1/render/%FF", StatusCode::BAD_REQUEST),
        (
            "POST",
            "/v1/render/minutes?format=a&format=b",
            StatusCode::BAD_REQUEST,
        ),
        ("DELETE", "/v1/templates", StatusCode::METHOD_NOT_ALLOWED),
        ("GET", "/v1/render/minutes", StatusCode::METHOD_NOT_ALLOWED),
        ("GET", "/no/such/route", StatusCode::NOT_FOUND),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::from(typical_json()))
            .unwrap();
        let a = call(&s, request).await;
        assert_json_error(&a, status, &format!("{method} {uri}"));
        if status == StatusCode::METHOD_NOT_ALLOWED {
            assert!(a.headers.contains_key(header::ALLOW), "{method} {uri}");
        }
    }
    let a = get(&s, "/v1/cards/demo/minutes.png?format=story&format=square").await;
    assert!(a.error().contains("more than once"), "{}", a.error());
}

#[tokio::test]
async fn posted_and_stored_cards_of_the_same_stats_are_not_mixed_up() {
    let s = state(jsonl_store().await, Config::default());
    let dataset = common::sample();
    let demo = dataset.find("demo").unwrap();
    let body = serde_json::to_string(&demo).unwrap();

    // Posted first: relative photo paths have no root, so they become placeholders.
    let posted = call(&s, post("/v1/render/top-artists", body.clone(), None)).await;
    assert_eq!(posted.status, StatusCode::OK);
    let stored = get(&s, "/v1/cards/demo/top-artists.png").await;
    assert_eq!(stored.status, StatusCode::OK);
    assert_ne!(posted.headers[header::ETAG], stored.headers[header::ETAG]);
    assert_ne!(posted.body, stored.body, "the stored card has its photos");
    let direct = renderer()
        .render(
            cardfarm::Source {
                stats: &demo,
                root: Some(&repo().join("data")),
            },
            "top-artists",
            "story",
        )
        .unwrap();
    assert!(direct.warnings.is_empty(), "{:?}", direct.warnings);
    assert_eq!(stored.body, direct.png.0);

    // Both are kept (the card with placeholders only for a minute), each under its own tag.
    let again = call(&s, post("/v1/render/top-artists", body, None)).await;
    assert_eq!(again.body, posted.body);
    assert_eq!(
        again.headers["cardfarm-placeholders"], "1",
        "said on a hit too"
    );
    let cached = get(&s, "/v1/cards/demo/top-artists.png").await;
    assert_eq!(cached.body, stored.body);
    let metrics = String::from_utf8(get(&s, "/metrics").await.body).unwrap();
    for needle in [
        "cardfarm_cache_hits_total 2",
        "cardfarm_cache_misses_total 2",
    ] {
        assert!(metrics.contains(needle), "{needle} missing from\n{metrics}");
    }
}

#[tokio::test]
async fn api_key_is_checked_before_the_body_is_read() {
    let s = state(
        jsonl_store().await,
        Config {
            // Were the body read first, this request would end in 408, not 401.
            body_timeout: std::time::Duration::from_millis(100),
            ..secured()
        },
    );
    let a = call(&s, post("/v1/render/minutes", endless_body(), None)).await;
    assert_json_error(&a, StatusCode::UNAUTHORIZED, "no key, endless body");
    assert_eq!(a.headers[header::WWW_AUTHENTICATE], "Bearer");

    // The scheme is case-insensitive.
    let mut request = post("/v1/render/minutes", typical_json(), None);
    request.headers_mut().insert(
        header::AUTHORIZATION,
        format!("bearer {API_KEY}").parse().unwrap(),
    );
    assert_eq!(call(&s, request).await.status, StatusCode::OK);
}

/// Collects what the server logs, for one test.
#[derive(Clone, Default)]
struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn one_log_line_per_response_and_never_the_signature() {
    // Global, because tracing caches per call site whether anyone listens, across threads; the
    // other tests' lines land here too, so ours are picked out by request id.
    static LOGS: OnceLock<Logs> = OnceLock::new();
    let logs = LOGS.get_or_init(|| {
        let logs = Logs::default();
        let writer = logs.clone();
        tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .init();
        logs
    });

    let s = state(jsonl_store().await, secured());
    let link = sign::sign(
        SIGNING_KEY,
        "/v1/cards/demo/minutes.png?format=story&exp=4102444800",
    );
    let sig = link.split("sig=").nth(1).unwrap().to_string();
    let a = get(&s, &link).await;
    assert_eq!(a.status, StatusCode::OK);
    let id = a.headers["x-request-id"].to_str().unwrap().to_string();

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(&id) && l.contains("response"))
        .collect();
    assert_eq!(lines.len(), 1, "logs: {text}");
    for needle in [
        " INFO ",
        "status=200",
        "latency_ms=",
        "path=/v1/cards/demo/minutes.png ",
        "route=/v1/cards/{user_id}/{file} ",
    ] {
        assert!(lines[0].contains(needle), "{needle} not in {}", lines[0]);
    }
    assert!(!text.contains(&sig), "the signature was logged:\n{text}");
}

/// `?locale=` picks the card's language: another card and ETag, a bad tag is a 400, and a
/// signed link covers it; `/v1/templates` lists the locales.
#[tokio::test]
async fn the_locale_query_picks_the_cards_language() {
    let s = state(jsonl_store().await, secured());
    let list = get(&s, "/v1/templates").await.json();
    let locales = list[0]["locales"].as_array().unwrap();
    for tag in ["en", "ar", "pt-BR", "zh-Hans"] {
        assert!(locales.iter().any(|l| l == tag), "{tag} in {locales:?}");
    }
    let en = call(
        &s,
        post("/v1/render/top-artists", typical_json(), Some(API_KEY)),
    )
    .await;
    let ar = call(
        &s,
        post(
            "/v1/render/top-artists?locale=ar",
            typical_json(),
            Some(API_KEY),
        ),
    )
    .await;
    assert_eq!(ar.status, StatusCode::OK);
    assert_ne!(en.headers[header::ETAG], ar.headers[header::ETAG]);
    assert_ne!(en.body, ar.body);
    let bad = call(
        &s,
        post(
            "/v1/render/top-artists?locale=%3Cx%3E",
            typical_json(),
            Some(API_KEY),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&bad.body).contains("locale"));

    let link = sign::sign(SIGNING_KEY, "/v1/cards/demo/minutes.png?locale=de");
    let de = get(&s, &link).await;
    assert_eq!(de.status, StatusCode::OK);
    let plain = get(&s, &sign::sign(SIGNING_KEY, "/v1/cards/demo/minutes.png")).await;
    assert_ne!(de.headers[header::ETAG], plain.headers[header::ETAG]);
    let tampered = get(&s, &link.replace("locale=de", "locale=fr")).await;
    assert_eq!(tampered.status, StatusCode::FORBIDDEN);
}
