//! A `cardfarm worker` process answers Kubernetes on its metrics address: `/healthz` while it
//! runs, `/readyz` only while it is connected to NATS (127.0.0.1:4222, or
//! `CARDFARM_TEST_NATS`) and its sink answers.

mod common;

use std::time::Duration;

use cardfarm::farm::queue;
use common::net::{self, free_port};
use common::process::{self, Running};
use common::services::{self, nats_url, with_stream};
use common::{wait_for, TempDir};

/// The status code of `GET path` on 127.0.0.1:`port`, and the body.
fn get(port: u16, path: &str) -> (u16, String) {
    let text = net::request(port, "GET", path);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_is_live_and_ready_and_not_ready_once_its_sink_is_gone() {
    with_stream("probe", |stream| async move {
        let js = services::nats().await;
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        let out = TempDir::new("probe-out");
        let port = free_port();
        let mut command = process::cardfarm();
        command
            .args([
                "worker",
                "--nats",
                &nats_url(),
                "--stream",
                &stream,
                "--out",
            ])
            .arg(&out)
            .args([
                "--concurrency",
                "1",
                "--metrics-addr",
                &format!("127.0.0.1:{port}"),
            ]);
        let mut worker = Running::spawn(command).unwrap();
        let probe = tokio::task::spawn_blocking(move || {
            wait_for(
                "the worker's probe to listen",
                Duration::from_secs(60),
                || net::listening(port),
            );
            wait_for("the worker to be ready", Duration::from_secs(30), || {
                get(port, "/readyz").0 == 200
            });
            assert_eq!(get(port, "/healthz").0, 200);
            let (status, metrics) = get(port, "/metrics");
            assert_eq!(status, 200);
            assert!(metrics.contains("cardfarm_panics_total"), "{metrics}");

            // The sink's folder is gone, a file in its place: not ready, and it says why.
            std::fs::remove_dir_all(&out).unwrap();
            std::fs::write(&out, "not a folder").unwrap();
            let mut last = (0, String::new());
            let unready = common::eventually(Duration::from_secs(10), || {
                last = get(port, "/readyz");
                last.0 == 503
            });
            assert!(unready, "still ready without a sink: {last:?}");
            assert!(last.1.contains("sink"), "{last:?}");
            // Alive all the same: a restart would not bring the folder back.
            assert_eq!(get(port, "/healthz").0, 200);
            out
        });
        let out = probe.await.unwrap();
        worker.signal("TERM");
        let status = worker.wait("the worker", Duration::from_secs(30));
        assert!(status.success(), "{}", worker.stderr());
        drop(out);
    })
    .await;
}
