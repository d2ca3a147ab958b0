//! S3 storage against a real S3-compatible server on loopback: moto's server (PyPI
//! `moto[server]`, installed by `.ci/run`), started by this test on a free port.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cardfarm::batch::{self, Plan};
use cardfarm::dataset::Dataset;
use cardfarm::farm::Farm;
use cardfarm::sink::Sink;
use cardfarm::Renderer;

struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_moto() -> Moto {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("python3")
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 with moto[server] (installed by .ci/run)");
    let moto = Moto { child, port };
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto's server did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    moto
}

/// A plain HTTP request to moto (creating a bucket needs no signature there).
fn http(port: u16, method: &str, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer
}

fn options(port: u16) -> Vec<(String, String)> {
    [
        ("aws_endpoint_url", format!("http://127.0.0.1:{port}")),
        ("aws_region", "us-east-1".into()),
        ("aws_access_key_id", "test".into()),
        ("aws_secret_access_key", "test".into()),
        ("aws_allow_http", "true".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_writes_typed_pngs_to_s3_and_resumes() {
    let moto = start_moto();
    assert!(http(moto.port, "PUT", "/cards").starts_with("HTTP/1.1 200"));
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let renderer = Arc::new(Renderer::load(&repo.join("templates"), &repo.join("fonts")).unwrap());
    let dataset = Dataset::open(&repo.join("data/sample.jsonl")).unwrap();
    // The first 4 users, to keep it short.
    let small = std::env::temp_dir().join(format!("cardfarm-s3-{}.jsonl", std::process::id()));
    let lines: Vec<String> = std::fs::read_to_string(dataset.path())
        .unwrap()
        .lines()
        .take(4)
        .map(String::from)
        .collect();
    std::fs::write(&small, lines.join("\n")).unwrap();
    let small_dataset = Dataset::open(&small).unwrap();

    let sink = Sink::open("s3://cards/wrapped/2026", &options(moto.port)).unwrap();
    let farm = Arc::new(
        Farm::new(
            renderer.clone(),
            sink.clone(),
            Some(repo.join("data")),
            2,
            true,
        )
        .expect("render threads start"),
    );
    let plan = Plan {
        templates: Some(vec!["minutes".into()]),
        formats: None,
        concurrency: 2,
    };
    let report = batch::run(farm.clone(), &small_dataset, &plan, |_| {})
        .await
        .unwrap();
    assert_eq!(
        (report.written, report.failures.len()),
        (4, 0),
        "{report:?}"
    );

    let first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    let key = format!(
        "wrapped/2026/{}/minutes-story.png",
        first["user_id"].as_str().unwrap()
    );
    let (bytes, content_type) = sink.get(&key).await.unwrap();
    assert_eq!(content_type.as_deref(), Some("image/png"));
    assert_eq!(image::load_from_memory(&bytes).unwrap().height(), 1920);

    // A second run finds every card in the bucket and renders nothing.
    let again = batch::run(farm, &small_dataset, &plan, |_| {})
        .await
        .unwrap();
    assert_eq!((again.written, again.skipped), (0, 4));

    // The CLI takes the standard AWS environment variables.
    let mut cli = Command::new(env!("CARGO_BIN_EXE_cardfarm"));
    cli.args([
        "batch",
        "--templates",
        "top-genres",
        "--out",
        "s3://cards/cli",
        "--data",
    ])
    .arg(&small);
    for (k, v) in options(moto.port) {
        cli.env(k.to_uppercase(), v);
    }
    let out = cli.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = format!(
        "cli/{}/top-genres-story.png",
        first["user_id"].as_str().unwrap()
    );
    assert!(sink_root(moto.port).exists(&key).await.unwrap());
    std::fs::remove_file(&small).unwrap();
}

fn sink_root(port: u16) -> Sink {
    Sink::open("s3://cards", &options(port)).unwrap()
}
