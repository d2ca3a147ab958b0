//! The render routes' shared tail under hostile use: one render per card however many ask at
//! once, `If-None-Match` as HTTP says, placeholders a client can see, ETags that follow the
//! photos' bytes, and photo bombs in posted bodies.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use base64::Engine;
use cardfarm::server::store::Store;
use cardfarm::server::Config;
use common::app::{call, get, jsonl_store, post, state, Answer};
use common::{demo_stats, png_size, repo, TempDir};

/// A metric's value from `/metrics`, 0 if absent.
async fn metric(s: &std::sync::Arc<cardfarm::server::AppState>, series: &str) -> f64 {
    let text = String::from_utf8(get(s, "/metrics").await.body).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

fn etag_of(a: &Answer) -> String {
    a.headers[header::ETAG].to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_misses_for_one_card_render_it_once() {
    let s = state(jsonl_store().await, Config::default());
    let answers = futures::future::join_all(
        (0..20).map(|_| get(&s, "/v1/cards/demo/top-artists.png?format=story")),
    )
    .await;
    for a in &answers {
        assert_eq!(
            a.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&a.body)
        );
        assert_eq!(a.body, answers[0].body);
        assert_eq!(a.headers[header::ETAG], answers[0].headers[header::ETAG]);
    }
    assert_eq!(metric(&s, "cardfarm_cache_misses_total").await, 1.0);
    assert_eq!(
        metric(
            &s,
            "cardfarm_render_seconds_count{template=\"top-artists\"}"
        )
        .await,
        1.0,
        "one render for twenty requests"
    );
    // Those that did not render waited for the one that did, or found it cached.
    let coalesced = metric(&s, "cardfarm_cache_coalesced_total").await;
    let hits = metric(&s, "cardfarm_cache_hits_total").await;
    assert_eq!(coalesced + hits, 19.0);
}

#[tokio::test]
async fn if_none_match_star_is_304_on_get_and_post_ignores_if_none_match() {
    let s = state(jsonl_store().await, Config::default());
    let conditional = |method: &str, uri: &str, tag: &str, body: Body| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::IF_NONE_MATCH, tag)
            .body(body)
            .unwrap()
    };

    // GET: `*` matches the card that exists; a weak form of its tag matches too.
    let card = "/v1/cards/demo/minutes.png";
    let a = call(&s, conditional("GET", card, "*", Body::empty())).await;
    assert_eq!(a.status, StatusCode::NOT_MODIFIED);
    assert!(a.body.is_empty());
    let tag = etag_of(&a);
    let weak = format!("\"nope\", W/{tag}");
    assert_eq!(
        call(&s, conditional("GET", card, &weak, Body::empty()))
            .await
            .status,
        StatusCode::NOT_MODIFIED
    );
    // No card, no current representation: `*` does not make a 304 of a 404.
    let a = call(
        &s,
        conditional("GET", "/v1/cards/nobody/minutes.png", "*", Body::empty()),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);

    // POST: the answer is always the card, whatever If-None-Match says.
    let body = common::typical_json();
    let first = call(&s, post("/v1/render/minutes", body.clone(), None)).await;
    assert_eq!(first.status, StatusCode::OK);
    for tag in ["*".to_string(), etag_of(&first)] {
        let a = call(
            &s,
            conditional("POST", "/v1/render/minutes", &tag, Body::from(body.clone())),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "If-None-Match: {tag}");
        assert_eq!(a.body, first.body, "If-None-Match: {tag}");
    }
}

#[tokio::test]
async fn a_card_with_placeholders_says_so_in_a_header() {
    let s = state(jsonl_store().await, Config::default());
    // Posted, demo's relative photo paths have no folder: top-artists draws one placeholder,
    // summary one too.
    let body = serde_json::to_string(&demo_stats()).unwrap();
    for template in ["top-artists", "summary"] {
        let a = call(
            &s,
            post(&format!("/v1/render/{template}"), body.clone(), None),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.headers["cardfarm-placeholders"], "1", "{template}");
    }
    // Stored beside its photos: no placeholder, no header; also when it comes from the cache.
    for _ in 0..2 {
        let a = get(&s, "/v1/cards/demo/top-artists.png").await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.headers.get("cardfarm-placeholders").is_none());
    }
    // A template without photos never has one.
    let a = call(&s, post("/v1/render/minutes", body, None)).await;
    assert!(a.headers.get("cardfarm-placeholders").is_none());
}

#[tokio::test]
async fn replacing_a_photo_changes_the_etag_and_the_card() {
    let dir = TempDir::new("photoswap");
    std::fs::create_dir(dir.join("photos")).unwrap();
    for e in std::fs::read_dir(repo().join("data/photos")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join("photos").join(e.file_name())).unwrap();
    }
    let demo = demo_stats();
    let data = dir.join("data.jsonl");
    std::fs::write(&data, serde_json::to_string(&demo).unwrap()).unwrap();
    let s = state(
        Store::open(data.to_str().unwrap()).await.unwrap(),
        Config::default(),
    );
    let uri = "/v1/cards/demo/top-artists.png";
    let before = get(&s, uri).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(before.headers.get("cardfarm-placeholders").is_none());

    // The #1 artist's photo gets other bytes under the same name.
    let first = demo.top_artists[0].image.as_deref().unwrap();
    let other = demo.top_artists[1].image.as_deref().unwrap();
    std::fs::copy(dir.join(other), dir.join(first)).unwrap();

    let revalidated = call(
        &s,
        Request::get(uri)
            .header(header::IF_NONE_MATCH, etag_of(&before))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        revalidated.status,
        StatusCode::OK,
        "the old ETag no longer matches"
    );
    assert_ne!(etag_of(&revalidated), etag_of(&before));
    assert_ne!(
        revalidated.body, before.body,
        "drawn again with the new photo"
    );
    assert_eq!(metric(&s, "cardfarm_cache_misses_total").await, 2.0);
}

/// A JPEG of 8×8 pixels whose header claims 6000×6000: decoding it would allocate 108 MB.
fn jpeg_bomb() -> Vec<u8> {
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
        .encode(&[0u8; 3 * 8 * 8], 8, 8, image::ExtendedColorType::Rgb8)
        .unwrap();
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0x17, 0x70, 0x17, 0x70]);
    jpeg
}

#[tokio::test]
async fn photo_bombs_in_a_posted_body_become_placeholders_at_once() {
    let s = state(jsonl_store().await, Config::default());
    let bomb = format!(
        "data:image/jpeg;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(jpeg_bomb())
    );
    let mut stats = demo_stats();
    for artist in &mut stats.top_artists {
        artist.image = Some(bomb.clone());
    }
    let started = std::time::Instant::now();
    let a = call(
        &s,
        post(
            "/v1/render/summary",
            serde_json::to_string(&stats).unwrap(),
            None,
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(png_size(&a.body), (1080, 1920));
    assert_eq!(a.headers["cardfarm-placeholders"], "1");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn openapi_describes_the_placeholder_header_and_no_304_on_post() {
    let s = state(jsonl_store().await, Config::default());
    let doc = get(&s, "/openapi.json").await.json();
    let post = &doc["paths"]["/v1/render/{template}"]["post"]["responses"];
    let get = &doc["paths"]["/v1/cards/{user_id}/{template}.png"]["get"]["responses"];
    for responses in [post, get] {
        assert!(
            responses["200"]["headers"]["Cardfarm-Placeholders"].is_object(),
            "{responses}"
        );
    }
    assert!(post.get("304").is_none(), "{post}");
    assert!(get["304"].is_object(), "{get}");
}
