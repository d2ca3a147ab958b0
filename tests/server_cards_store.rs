//! `serve --cards`: the server hands out the cards the farm already drew, renders (and writes
//! back) only what is missing, stale or damaged, and keeps serving when the storage fails.
//! Needs no service: the farm writes into a temp folder.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cardfarm::farm::job::{CardSelection, Job};
use cardfarm::server::store::Store;
use cardfarm::server::{AppState, Config};
use cardfarm::Stats;
use common::app::{call, get, jsonl_store, state};
use common::farm::{engine, folder_sink};
use common::{all_sample_users, demo_stats, png_size, sample_users, wait_for, TempDir};

/// A metric's value from `/metrics`, 0 if absent.
async fn metric(s: &Arc<AppState>, series: &str) -> f64 {
    let text = String::from_utf8(get(s, "/metrics").await.body).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

async fn stored(s: &Arc<AppState>, outcome: &str) -> f64 {
    metric(
        s,
        &format!("cardfarm_stored_cards_total{{outcome=\"{outcome}\"}}"),
    )
    .await
}

async fn renders(s: &Arc<AppState>, template: &str) -> f64 {
    metric(
        s,
        &format!("cardfarm_render_seconds_count{{template=\"{template}\"}}"),
    )
    .await
}

/// The farm draws each user's story cards of `templates` into `dir`, as `batch` would.
async fn farm(dir: &Path, users: &[Stats], templates: &[&str]) {
    let engine = engine(folder_sink(dir), false);
    for user in users {
        let job = Job::new(
            user,
            CardSelection {
                templates: Some(templates.iter().map(|t| t.to_string()).collect()),
                formats: Some(vec!["story".into()]),
            },
        );
        let outcome = engine.process(&job).await.unwrap();
        assert_eq!(outcome.written, templates.len(), "{outcome:?}");
    }
}

/// Server state over `store`, with the farm's output in `dir`.
fn serving(store: Store, dir: &Path) -> Arc<AppState> {
    state(
        store,
        Config {
            cards: Some(folder_sink(dir)),
            ..Config::default()
        },
    )
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_cards_are_served_as_stored_without_rendering() {
    let dir = TempDir::new("stored-cards");
    let users = sample_users(3);
    let templates = ["minutes", "top-artists"];
    farm(&dir, &users, &templates).await;

    let s = serving(jsonl_store().await, &dir);
    for user in &users {
        for template in templates {
            let uri = format!("/v1/cards/{}/{template}.png?format=story", user.user_id);
            let a = get(&s, &uri).await;
            assert_eq!(a.status, StatusCode::OK, "{uri}");
            let file = dir.join(format!("{}/{template}-story.png", user.user_id));
            assert_eq!(a.body, read(&file), "{uri}: not the stored bytes");
            // The ETag is the one a server without storage gives: the same on every replica.
            let plain = get(&state(jsonl_store().await, Config::default()), &uri).await;
            assert_eq!(
                a.headers[header::ETAG],
                plain.headers[header::ETAG],
                "{uri}"
            );
            assert_eq!(
                a.body, plain.body,
                "{uri}: the farm and the server draw alike"
            );
        }
    }
    for template in templates {
        assert_eq!(renders(&s, template).await, 0.0, "{template} was rendered");
    }
    assert_eq!(stored(&s, "served").await, 6.0);

    // Revalidation needs neither storage nor a render; a repeat comes from the cache.
    let uri = "/v1/cards/demo/minutes.png?format=story";
    let etag = get(&s, uri).await.headers[header::ETAG].clone();
    let again = call(
        &s,
        Request::get(uri)
            .header(header::IF_NONE_MATCH, etag)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert_eq!(
        stored(&s, "served").await,
        6.0,
        "a cache hit reads no storage"
    );
    assert_eq!(
        metric(&s, "cardfarm_stored_card_writes_total{result=\"ok\"}").await,
        0.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_stats_render_again_and_are_written_back() {
    let dir = TempDir::new("stored-stale");
    let users = sample_users(2);
    farm(&dir, &users, &["minutes"]).await;
    let file = dir.join(format!("{}/minutes-story.png", users[0].user_id));
    let sidecar = dir.join(format!(
        "{}/minutes-story.png.fingerprint",
        users[0].user_id
    ));
    let (old_png, old_stamp) = (read(&file), read(&sidecar));

    // The store now holds other stats for the first user.
    let data = TempDir::new("stored-stale-data");
    let mut changed = serde_json::to_value(&users[0]).unwrap();
    changed["minutes_listened"] = (changed["minutes_listened"].as_u64().unwrap() + 1).into();
    let lines = [changed, serde_json::to_value(&users[1]).unwrap()].map(|u| u.to_string());
    let jsonl = data.join("users.jsonl");
    std::fs::write(&jsonl, lines.join("\n")).unwrap();
    let s = serving(Store::open(jsonl.to_str().unwrap()).await.unwrap(), &dir);

    let a = get(&s, &format!("/v1/cards/{}/minutes.png", users[0].user_id)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_ne!(a.body, old_png, "the stale card was served");
    assert_eq!(stored(&s, "stale").await, 1.0);
    assert_eq!(renders(&s, "minutes").await, 1.0);
    wait_for("the card written back", Duration::from_secs(10), || {
        read(&file) == a.body
    });
    wait_for("its new stamp", Duration::from_secs(10), || {
        !read(&sidecar).is_empty() && read(&sidecar) != old_stamp
    });
    wait_for("the write counted", Duration::from_secs(10), || {
        futures::executor::block_on(metric(
            &s,
            "cardfarm_stored_card_writes_total{result=\"ok\"}",
        )) == 1.0
    });

    // The unchanged user is still served as stored; a new server serves the written card.
    let b = get(&s, &format!("/v1/cards/{}/minutes.png", users[1].user_id)).await;
    assert_eq!(b.status, StatusCode::OK);
    assert_eq!(stored(&s, "served").await, 1.0);
    let fresh = serving(Store::open(jsonl.to_str().unwrap()).await.unwrap(), &dir);
    let c = get(
        &fresh,
        &format!("/v1/cards/{}/minutes.png", users[0].user_id),
    )
    .await;
    assert_eq!(c.body, a.body);
    assert_eq!(c.headers[header::ETAG], a.headers[header::ETAG]);
    assert_eq!(renders(&fresh, "minutes").await, 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_stored_card_is_rendered_and_overwritten() {
    let dir = TempDir::new("stored-truncated");
    farm(&dir, &[demo_stats()], &["minutes"]).await;
    let file = dir.join("demo/minutes-story.png");
    let whole = read(&file);
    std::fs::write(&file, &whole[..whole.len() / 2]).unwrap();

    let s = serving(jsonl_store().await, &dir);
    let a = get(&s, "/v1/cards/demo/minutes.png").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(png_size(&a.body), (1080, 1920));
    assert_eq!(a.body, whole);
    assert_eq!(stored(&s, "unreadable").await, 1.0);
    assert_eq!(renders(&s, "minutes").await, 1.0);
    wait_for("the card overwritten", Duration::from_secs(10), || {
        read(&file) == whole
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_stored_with_a_placeholder_is_drawn_again_and_never_written_back() {
    let dir = TempDir::new("stored-placeholder");
    // The sample's `missing-image` user names a photo that is not there.
    let user = all_sample_users()
        .into_iter()
        .find(|u| u.user_id == "missing-image")
        .expect("the sample has missing-image");
    farm(&dir, &[user], &["top-artists"]).await;
    let file = dir.join("missing-image/top-artists-story.png");
    let stored_png = read(&file);
    assert!(!stored_png.is_empty(), "the farm stored the card");

    let s = serving(jsonl_store().await, &dir);
    let a = get(&s, "/v1/cards/missing-image/top-artists.png").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers["cardfarm-placeholders"], "1");
    assert_eq!(stored(&s, "placeholder").await, 1.0);
    assert_eq!(stored(&s, "stale").await, 0.0);
    assert_eq!(stored(&s, "served").await, 0.0);
    assert_eq!(renders(&s, "top-artists").await, 1.0);
    // Nothing to write: the card still has its placeholder.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        metric(&s, "cardfarm_stored_card_writes_total{result=\"ok\"}").await,
        0.0
    );
    assert_eq!(read(&file), stored_png);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unusable_storage_still_serves_cards_by_rendering() {
    let dir = TempDir::new("stored-unusable");
    farm(&dir, &[demo_stats()], &["minutes"]).await;
    let s = serving(jsonl_store().await, &dir);
    // The folder is replaced by a file after start-up.
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, b"not a folder").unwrap();

    for template in ["minutes", "summary"] {
        let a = get(&s, &format!("/v1/cards/demo/{template}.png")).await;
        assert_eq!(a.status, StatusCode::OK, "{template}");
        assert_eq!(png_size(&a.body), (1080, 1920), "{template}");
    }
    assert_eq!(stored(&s, "served").await, 0.0);
    assert_eq!(stored(&s, "error").await, 2.0, "storage errors counted");
    // Storage that just failed is not written to.
    let writes = "cardfarm_stored_card_writes_total{result=\"failed\"}";
    assert_eq!(metric(&s, writes).await, 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_backs_past_the_cap_are_skipped_and_the_card_still_served() {
    let dir = TempDir::new("stored-capped");
    std::fs::create_dir_all(&dir).unwrap();
    let s = state(
        jsonl_store().await,
        Config {
            cards: Some(folder_sink(&dir)),
            max_write_backs: 0,
            ..Config::default()
        },
    );
    let a = get(&s, "/v1/cards/demo/minutes.png").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(stored(&s, "missing").await, 1.0);
    let skipped = "cardfarm_stored_card_writes_total{result=\"skipped\"}";
    assert_eq!(metric(&s, skipped).await, 1.0);
    assert!(
        common::farm::keys(&dir).is_empty(),
        "nothing written past the cap"
    );
}

/// A TCP server that accepts connections and never answers: storage that hangs.
fn silent_server() -> (std::net::TcpListener, String) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    (listener, address)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storage_that_hangs_costs_the_lookup_timeout_then_the_card_is_rendered() {
    let (_silent, address) = silent_server();
    let options: Vec<(String, String)> = [
        ("aws_endpoint_url", format!("http://{address}")),
        ("aws_region", "us-east-1".into()),
        ("aws_access_key_id", "test".into()),
        ("aws_secret_access_key", "test".into()),
        ("aws_allow_http", "true".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let sink = cardfarm::farm::sink::Sink::open("s3://cards/launch", &options).unwrap();
    let timeout = Duration::from_secs(2);
    let s = state(
        jsonl_store().await,
        Config {
            cards: Some(sink),
            cards_timeout: timeout,
            ..Config::default()
        },
    );
    let started = std::time::Instant::now();
    let a = get(&s, "/v1/cards/demo/minutes.png").await;
    let took = started.elapsed();
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(png_size(&a.body), (1080, 1920));
    assert_eq!(
        stored(&s, "error").await,
        1.0,
        "the hang counted as an error"
    );
    assert!(took >= timeout, "the lookup waited its time: {took:?}");
    // The bound is the timeout plus one render, not the storage client's own retries
    // (minutes); 20 s leaves room for a loaded machine.
    assert!(took < Duration::from_secs(20), "took {took:?}");
    // Storage that just hung is not written to.
    let writes = "cardfarm_stored_card_writes_total{result=\"failed\"}";
    assert_eq!(metric(&s, writes).await, 0.0);
}
