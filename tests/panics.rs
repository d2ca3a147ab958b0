//! A panic in the server is a bug, but never an outage nor a secret: the request gets a JSON
//! 500, the panic is logged with its location and counted in `cardfarm_panics_total`, and a
//! connection whose task dies still leaves the connections gauge.

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use cardfarm::server::{self, AppState, Config};
use common::app::{assert_json_error, jsonl_store, state};
use common::net;
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn boom() -> &'static str {
    panic!("a bug in a handler")
}

/// The routes of a server with a bug: `/boom` panics in its handler, `/fine` does not.
fn buggy(state: &Arc<AppState>) -> Router {
    let routes = Router::new()
        .route("/boom", get(boom))
        .route("/fine", get(|| async { "fine" }));
    server::layered(routes, state.clone())
}

/// A series' value in the Prometheus text, 0 if absent.
fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn a_panicking_handler_answers_500_json_and_is_counted() {
    cardfarm::metrics::install_panic_hook();
    let s = state(jsonl_store().await, Config::default());
    let before = metric(&s.metrics.render(), "cardfarm_panics_total");
    let response = buggy(&s)
        .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let answer = common::app::Answer {
        status: response.status(),
        headers: response.headers().clone(),
        body: response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    };
    assert_json_error(
        &answer,
        StatusCode::INTERNAL_SERVER_ERROR,
        "a panicking route",
    );
    assert_eq!(answer.error(), "internal error");
    // The client learns nothing of the bug.
    assert!(!String::from_utf8_lossy(&answer.body).contains("a bug in a handler"));
    let metrics = s.metrics.render();
    assert!(
        metric(&metrics, "cardfarm_panics_total") > before,
        "the panic was not counted:\n{metrics}"
    );
    assert_eq!(
        metric(
            &metrics,
            "cardfarm_http_requests_total{route=\"/boom\",status=\"500\"}"
        ),
        1.0,
        "{metrics}"
    );
    // The real app shows the counter too.
    let app_metrics = common::app::get(&s, "/metrics").await;
    assert!(String::from_utf8_lossy(&app_metrics.body).contains("cardfarm_panics_total"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_whose_task_panics_leaves_the_connections_gauge() {
    cardfarm::metrics::install_panic_hook();
    let s = state(jsonl_store().await, Config::default());
    // A bug outside every layer of the server's own: the connection's task itself unwinds.
    let router = buggy(&s).layer(axum::middleware::from_fn(
        |request: axum::extract::Request, next: axum::middleware::Next| async move {
            if request.uri().path() == "/escape" {
                panic!("a bug around the router");
            }
            next.run(request).await
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server::serve_router(
        listener,
        router,
        s.clone(),
        async move {
            let _ = stopped.await;
        },
    ));
    let answers = tokio::task::spawn_blocking(move || {
        (
            net::request(port, "GET", "/boom"),
            net::request(port, "GET", "/escape"),
            net::request(port, "GET", "/fine"),
        )
    })
    .await
    .unwrap();
    assert!(answers.0.starts_with("HTTP/1.1 500"), "{}", answers.0);
    assert!(answers.1.is_empty(), "no answer is possible: {}", answers.1);
    assert!(answers.2.starts_with("HTTP/1.1 200"), "{}", answers.2);
    let gauge = s.metrics.connections.clone();
    let settled = tokio::task::spawn_blocking(move || {
        common::eventually(Duration::from_secs(5), || gauge.get() == 0)
    })
    .await
    .unwrap();
    assert!(
        settled,
        "connections gauge stuck at {}",
        s.metrics.connections.get()
    );
    let _ = stop.send(());
    serving.await.unwrap().unwrap();
}
