//! The HTTP endpoint under load and on a real socket: the render queue's limit, request and
//! body deadlines, header timeouts, the connection cap, and graceful shutdown.

mod common;

use std::sync::Arc;

use axum::http::{header, StatusCode};
use cardfarm::server::{self, AppState, Config};
use common::app::{
    assert_json_error, call, endless_body, get, jsonl_store, post, secured, state, API_KEY,
};

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

async fn hold_render_thread(s: &Arc<AppState>) -> Held {
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
    let a = call(
        &s,
        post("/v1/render/minutes", endless_body(), Some(API_KEY)),
    )
    .await;
    assert_json_error(&a, StatusCode::REQUEST_TIMEOUT, "slow body");
}

/// `serve_on` on a loopback port; the returned sender stops it.
async fn serve_loopback(
    config: Config,
) -> (
    Arc<AppState>,
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
async fn until_connections(s: &Arc<AppState>, n: i64) {
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
