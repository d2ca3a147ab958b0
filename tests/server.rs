//! The HTTP endpoint through its real router (`app(state).oneshot(request)`, no socket), against
//! both stats stores: the JSON Lines dataset and PostgreSQL on loopback.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use cardfarm::server::{self, sign, Config, State};
use cardfarm::store::Store;
use cardfarm::{Renderer, Stats};
use http_body_util::BodyExt;
use tower::ServiceExt;

const SIGNING_KEY: &[u8] = b"test-signing-key";
const API_KEY: &str = "test-api-key";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn renderer() -> Arc<Renderer> {
    static R: OnceLock<Arc<Renderer>> = OnceLock::new();
    R.get_or_init(|| {
        Arc::new(Renderer::load(&repo().join("templates"), &repo().join("fonts")).unwrap())
    })
    .clone()
}

fn typical_json() -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/typical.json")).unwrap()
}

async fn jsonl_store() -> Store {
    Store::open(repo().join("data/sample.jsonl").to_str().unwrap())
        .await
        .unwrap()
}

fn state(store: Store, config: Config) -> Arc<State> {
    State::new(renderer(), store, config).expect("render threads start")
}

fn secured() -> Config {
    Config {
        signing_key: Some(SIGNING_KEY.to_vec()),
        api_key: Some(API_KEY.into()),
        ..Config::default()
    }
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&self.body)))
    }
    fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

async fn call(state: &Arc<State>, request: Request<Body>) -> Answer {
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

async fn get(state: &Arc<State>, uri: &str) -> Answer {
    call(state, Request::get(uri).body(Body::empty()).unwrap()).await
}

fn post(uri: &str, body: impl Into<Body>, key: Option<&str>) -> Request<Body> {
    let mut r = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
    if let Some(key) = key {
        r = r.header(header::AUTHORIZATION, format!("Bearer {key}"));
    }
    r.body(body.into()).unwrap()
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("a PNG");
    (img.width(), img.height())
}

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
async fn renders_posted_stats_with_etag_and_304() {
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
    let b = call(&s, again).await;
    assert_eq!(b.status, StatusCode::NOT_MODIFIED);
    assert!(b.body.is_empty());

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

/// The GET route against any store: ETag and 304, signatures, expiry, unknown users, path
/// tricks.
async fn exercise_card_route(store: Store) {
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

#[tokio::test]
async fn card_route_with_the_jsonl_store() {
    exercise_card_route(jsonl_store().await).await;
}

/// The ETag of demo's minutes card, from a fresh server over `store`.
async fn demo_etag(store: Store) -> String {
    let a = get(
        &state(store, Config::default()),
        "/v1/cards/demo/minutes.png",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    a.headers[header::ETAG].to_str().unwrap().to_string()
}

fn demo_stats() -> Stats {
    cardfarm::dataset::Dataset::open(&repo().join("data/sample.jsonl"))
        .unwrap()
        .find("demo")
        .unwrap()
}

#[tokio::test]
async fn jsonl_etag_changes_when_the_stats_change() {
    let dir = TempDir::new("etag");
    let mut demo = demo_stats();
    let write = |name: &str, stats: &Stats| {
        let path = dir.0.join(name);
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

const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

async fn pg_admin() -> tokio_postgres::Client {
    let (admin, connection) = tokio_postgres::connect(PG_ADMIN_URL, tokio_postgres::NoTls)
        .await
        .expect("PostgreSQL runs on 127.0.0.1:5432");
    tokio::spawn(connection);
    admin
}

/// A schema of our own on the loopback PostgreSQL, so parallel runs never meet; dropped when
/// the guard drops, also when an assertion failed.
struct PgSchema {
    name: String,
}

impl PgSchema {
    /// The schema, with the stats table, and a store that reads it.
    async fn create() -> (PgSchema, Store) {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let name = format!(
            "cardfarm_test_{}_{}_{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        pg_admin()
            .await
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .await
            .unwrap();
        let schema = PgSchema { name };
        let url = format!("{PG_ADMIN_URL}?options=-c%20search_path%3D{}", schema.name);
        let store = Store::postgres(&url).unwrap();
        let Store::Postgres(pool) = &store else {
            unreachable!()
        };
        Store::put_postgres(pool, &[]).await.unwrap();
        (schema, store)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        // Drop cannot await, and may run while a runtime unwinds: use a thread of our own.
        let drop = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async { pg_admin().await.batch_execute(&drop).await })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop schema {}: {dropped:?}", self.name);
        }
    }
}

fn pg_pool(store: &Store) -> &deadpool_postgres::Pool {
    match store {
        Store::Postgres(pool) => pool,
        Store::Jsonl(_) => unreachable!(),
    }
}

#[tokio::test]
async fn card_route_with_the_postgres_store() {
    let (schema, store) = PgSchema::create().await;
    let dataset = cardfarm::dataset::Dataset::open(&repo().join("data/sample.jsonl")).unwrap();
    let users: Vec<Stats> = dataset.users().unwrap().map(Result::unwrap).collect();
    Store::put_postgres(pg_pool(&store), &users).await.unwrap();
    let count: i64 = pg_admin()
        .await
        .query_one(
            &format!("SELECT count(*) FROM {}.cardfarm_stats", schema.name),
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(count as usize, users.len());
    exercise_card_route(store).await;
}

#[tokio::test]
async fn postgres_etag_changes_when_the_stats_change() {
    let (_schema, store) = PgSchema::create().await;
    let mut demo = demo_stats();
    Store::put_postgres(pg_pool(&store), std::slice::from_ref(&demo))
        .await
        .unwrap();
    let before = demo_etag(store.clone()).await;
    assert_eq!(before, demo_etag(store.clone()).await, "stable");
    demo.minutes_listened.0 += 1;
    Store::put_postgres(pg_pool(&store), &[demo]).await.unwrap();
    assert_ne!(before, demo_etag(store).await);
}

/// Invalid stats, as a record would hold them after a bad import.
fn invalid_record(user_id: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(&typical_json()).unwrap();
    value["user_id"] = user_id.into();
    value["minutes_listened"] = (-5).into();
    value.to_string()
}

/// A corrupt record is our fault: a generic 500, the cause only in the log.
async fn assert_corrupt_record_is_500(store: Store) {
    let s = state(store, Config::default());
    let a = get(&s, "/v1/cards/broken/minutes.png").await;
    assert_json_error(&a, StatusCode::INTERNAL_SERVER_ERROR, "corrupt record");
    assert_eq!(a.json(), serde_json::json!({ "error": "internal error" }));
}

#[tokio::test]
async fn a_corrupt_postgres_row_is_a_generic_500() {
    let (schema, store) = PgSchema::create().await;
    pg_admin()
        .await
        .execute(
            &format!(
                "INSERT INTO {}.cardfarm_stats (user_id, year, stats) VALUES ('broken', 2026, $1::text::jsonb)",
                schema.name
            ),
            &[&invalid_record("broken")],
        )
        .await
        .unwrap();
    assert_corrupt_record_is_500(store).await;
}

#[tokio::test]
async fn a_corrupt_jsonl_record_is_a_generic_500() {
    let dir = TempDir::new("corrupt");
    let path = dir.0.join("users.jsonl");
    std::fs::write(&path, invalid_record("broken") + "\n").unwrap();
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    assert_corrupt_record_is_500(store).await;
}

/// A folder under the system's temp dir, removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cardfarm-test-{what}-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn unreachable_postgres_is_503_not_a_crash() {
    let store =
        Store::postgres("postgres://postgres@127.0.0.1:1/nowhere?connect_timeout=1").unwrap();
    let s = state(store, Config::default());
    let a = get(&s, "/v1/cards/demo/minutes.png").await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(a.headers.contains_key(header::RETRY_AFTER));
    assert_eq!(
        get(&s, "/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn a_silent_postgres_is_a_prompt_503() {
    // Accepts connections (the kernel does, from the backlog) and never says a word: the
    // startup handshake waits forever unless the pool gives up.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let store = Store::postgres(&format!("postgres://postgres@127.0.0.1:{port}/test")).unwrap();
    // A request deadline far away, so only the store's own timeouts can answer.
    let s = state(
        store,
        Config {
            timeout: std::time::Duration::from_secs(3600),
            ..Config::default()
        },
    );
    for uri in ["/v1/cards/demo/minutes.png", "/readyz"] {
        let a = tokio::time::timeout(std::time::Duration::from_secs(60), get(&s, uri))
            .await
            .unwrap_or_else(|_| panic!("{uri} hung on a silent database"));
        assert_json_error(&a, StatusCode::SERVICE_UNAVAILABLE, uri);
        assert!(a.headers.contains_key(header::RETRY_AFTER), "{uri}");
    }
    drop(silent);
}

#[tokio::test]
async fn overload_answers_503_at_once() {
    let s = state(
        jsonl_store().await,
        Config {
            render_threads: 1,
            queue: 0,
            ..Config::default()
        },
    );
    // The only render thread is busy and nothing may wait: refused at once.
    let held = hold_render_thread(&s).await;
    let busy = get(&s, "/v1/cards/demo/summary.png").await;
    assert_json_error(&busy, StatusCode::SERVICE_UNAVAILABLE, "overload");
    assert_eq!(busy.headers[header::RETRY_AFTER], "1");
    assert!(busy.error().contains("overloaded"));
    // Free again, served again.
    held.release().await;
    assert_eq!(
        get(&s, "/v1/cards/demo/summary.png").await.status,
        StatusCode::OK
    );
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

/// Occupies one render thread until dropped: the render closure blocks on a channel, so tests
/// that need a busy pool do not depend on how fast a real render is.
struct Held {
    release: std::sync::mpsc::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Held {
    /// Lets the blocker finish, and waits until the pool has its thread back.
    async fn release(self) {
        drop(self.release);
        self.task.await.unwrap();
    }
}

async fn hold_render_thread(s: &Arc<State>) -> Held {
    let (started, started_rx) = tokio::sync::oneshot::channel();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    let s = s.clone();
    let task = tokio::spawn(async move {
        let _ = s
            .pool
            .run(&s.metrics, move || {
                let _ = started.send(());
                let _ = release_rx.recv();
            })
            .await;
    });
    started_rx.await.expect("the pool ran the blocker");
    Held { release, task }
}

fn assert_json_error(a: &Answer, status: StatusCode, what: &str) {
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
async fn request_deadline_is_json_with_retry_after_and_counted() {
    let s = state(
        jsonl_store().await,
        Config {
            render_threads: 1,
            queue: 1,
            timeout: std::time::Duration::from_millis(200),
            ..Config::default()
        },
    );
    let _held = hold_render_thread(&s).await;
    // Waits in the queue behind the held thread until the deadline.
    let a = get(&s, "/v1/cards/demo/minutes.png").await;
    assert_json_error(&a, StatusCode::SERVICE_UNAVAILABLE, "deadline");
    assert_eq!(a.headers[header::RETRY_AFTER], "1");
    let metrics = String::from_utf8(get(&s, "/metrics").await.body).unwrap();
    let needle =
        "cardfarm_http_requests_total{route=\"/v1/cards/{user_id}/{file}\",status=\"503\"} 1";
    assert!(metrics.contains(needle), "{needle} missing from\n{metrics}");
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_408() {
    let s = state(
        jsonl_store().await,
        Config {
            body_timeout: std::time::Duration::from_millis(100),
            ..secured()
        },
    );
    let never = futures::stream::pending::<Result<axum::body::Bytes, std::io::Error>>();
    let a = call(
        &s,
        post(
            "/v1/render/minutes",
            Body::from_stream(never),
            Some(API_KEY),
        ),
    )
    .await;
    assert_json_error(&a, StatusCode::REQUEST_TIMEOUT, "slow body");
}

#[tokio::test]
async fn posted_and_stored_cards_of_the_same_stats_are_not_mixed_up() {
    let s = state(jsonl_store().await, Config::default());
    let dataset = cardfarm::dataset::Dataset::open(&repo().join("data/sample.jsonl")).unwrap();
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

    // A card with placeholders is not kept; the stored card is.
    let again = call(&s, post("/v1/render/top-artists", body, None)).await;
    assert_eq!(again.body, posted.body);
    let cached = get(&s, "/v1/cards/demo/top-artists.png").await;
    assert_eq!(cached.body, stored.body);
    let metrics = String::from_utf8(get(&s, "/metrics").await.body).unwrap();
    for needle in [
        "cardfarm_cache_hits_total 1",
        "cardfarm_cache_misses_total 3",
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
    let never = futures::stream::pending::<Result<axum::body::Bytes, std::io::Error>>();
    let a = call(
        &s,
        post("/v1/render/minutes", Body::from_stream(never), None),
    )
    .await;
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

/// `serve_on` on a loopback port; the returned sender stops it.
async fn serve_loopback(
    config: Config,
) -> (
    Arc<State>,
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let s = state(jsonl_store().await, config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::serve_on(listener, s.clone(), async {
        let _ = stopped.await;
    }));
    (s, addr, stop, server)
}

/// Waits (bounded) until the server holds `n` open connections.
async fn until_connections(s: &Arc<State>, n: i64) {
    for _ in 0..600 {
        if s.metrics.connections.get() == n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "expected {n} open connections, have {}",
        s.metrics.connections.get()
    );
}

/// Reads until the server closes the connection (bounded), returning what it sent.
async fn until_closed(client: &mut tokio::net::TcpStream) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        client.read_to_end(&mut answer),
    )
    .await
    .expect("the server closed the connection");
    if let Err(e) = read {
        assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}");
    }
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_silent_clients_are_disconnected_after_the_header_timeout() {
    use tokio::io::AsyncWriteExt;
    let (s, addr, stop, server) = serve_loopback(Config {
        header_timeout: std::time::Duration::from_millis(300),
        ..Config::default()
    })
    .await;
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HT").await.unwrap();
    let mut silent = tokio::net::TcpStream::connect(addr).await.unwrap();
    for client in [&mut slow, &mut silent] {
        let answer = until_closed(client).await;
        assert!(
            !String::from_utf8_lossy(&answer).contains("200"),
            "{answer:?}"
        );
    }
    until_connections(&s, 0).await;

    // A client that sends its request in time is served as before.
    let mut fine = tokio::net::TcpStream::connect(addr).await.unwrap();
    fine.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answer = until_closed(&mut fine).await;
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");

    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_for_a_client_that_never_sent_a_request() {
    use tokio::io::AsyncWriteExt;
    // A header timeout that would outlast the test: only shutdown itself can close the client.
    let (s, addr, stop, server) = serve_loopback(Config {
        header_timeout: std::time::Duration::from_secs(3600),
        shutdown_timeout: std::time::Duration::from_secs(3600),
        ..Config::default()
    })
    .await;
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /healthz HT").await.unwrap();
    until_connections(&s, 1).await;

    let _ = stop.send(());
    tokio::time::timeout(std::time::Duration::from_secs(60), server)
        .await
        .expect("shutdown finished without waiting for the slow client")
        .unwrap()
        .unwrap();
    until_closed(&mut slow).await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_past_the_cap_wait_for_a_free_slot() {
    use tokio::io::AsyncWriteExt;
    let (s, addr, stop, server) = serve_loopback(Config {
        max_connections: 1,
        header_timeout: std::time::Duration::from_secs(3600),
        ..Config::default()
    })
    .await;
    let holder = tokio::net::TcpStream::connect(addr).await.unwrap();
    until_connections(&s, 1).await;
    let mut waiting = tokio::net::TcpStream::connect(addr).await.unwrap();
    waiting
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    // Not accepted while the slot is taken (this can only pass wrongly, never fail wrongly).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut byte = [0u8; 1];
    assert!(
        matches!(waiting.try_read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "answered past the connection cap"
    );
    assert_eq!(s.metrics.connections.get(), 1);
    drop(holder);
    let answer = until_closed(&mut waiting).await;
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}
