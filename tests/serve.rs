//! `cardfarm serve` as a process: it serves on a real socket and, on SIGTERM, stops accepting,
//! finishes the requests in flight and exits 0.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use common::net::{self, free_port};
use common::process::{self, Running};

/// The status line and the body's length of an HTTP answer.
fn answer(s: TcpStream) -> (String, usize) {
    let bytes = net::read_answer(s);
    let text = String::from_utf8_lossy(&bytes);
    let status = text.lines().next().unwrap_or_default().to_string();
    let head_end = text.find("\r\n\r\n").map_or(bytes.len(), |i| i + 4);
    (status, bytes.len() - head_end)
}

/// A `cardfarm serve` process on a free loopback port, killed when dropped, so a failed
/// assertion never leaves it running.
struct Server {
    process: Running,
    port: u16,
}

impl Server {
    fn start(flags: &[&str]) -> Server {
        let port = free_port();
        let mut command = process::cardfarm();
        command
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(flags);
        let server = Server {
            process: Running::spawn(command).unwrap(),
            port,
        };
        common::wait_for("the server to listen", Duration::from_secs(60), || {
            net::listening(port)
        });
        server
    }

    fn get(&self, path: &str) -> String {
        net::request(self.port, "GET", path)
    }

    /// A metric's value from `/metrics`, 0 if absent.
    fn metric(&self, series: &str) -> f64 {
        self.get("/metrics")
            .lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or(0.0)
    }

    /// Waits (bounded) for the process to exit.
    fn wait(&mut self) -> ExitStatus {
        self.process.wait("the server", Duration::from_secs(60))
    }
}

#[test]
fn sigterm_finishes_in_flight_requests_and_exits_zero() {
    // One render thread and no cache: card requests queue behind each other and every one is
    // a real render, so some are in flight when SIGTERM arrives.
    let mut server = Server::start(&["--threads", "1", "--queue", "64", "--cache-mb", "0"]);
    let status = server.get("/healthz");
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");

    // A client that never finishes its request line must not hold shutdown up.
    let mut slow = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    slow.write_all(b"GET /healthz HT").unwrap();

    let users = ["demo", "u0001", "u0002", "u0003", "u0004", "u0005"];
    let cards = "cardfarm_http_requests_total{route=\"/v1/cards/{user_id}/{file}\",status=\"200\"}";
    let mut streams = Vec::new();
    let mut seen = false;
    let deadline = Instant::now() + Duration::from_secs(120);
    'rendering: for _round in 0..10 {
        streams.extend(
            users
                .iter()
                .map(|u| net::send(server.port, "GET", &format!("/v1/cards/{u}/summary.png"))),
        );
        // Until a render is seen in flight; if this round finished unseen, send another.
        while server.metric(cards) < streams.len() as f64 {
            assert!(Instant::now() < deadline, "the cards never finished");
            if server.metric("cardfarm_renders_in_flight") >= 1.0 {
                seen = true;
                break 'rendering;
            }
        }
    }
    assert!(seen, "never saw a render in flight");
    server.process.signal("TERM");
    for s in streams {
        let (status, body) = answer(s);
        assert!(
            status.contains("200"),
            "an in-flight request was dropped: {status:?}"
        );
        assert!(body > 10_000, "a whole PNG arrives ({body} bytes)");
    }
    let code = server.wait();
    assert!(code.success(), "exit status {code:?}");
    slow.set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    assert!(rest.is_empty(), "the slow client got an answer: {rest:?}");
    assert!(
        TcpStream::connect(("127.0.0.1", server.port)).is_err(),
        "no longer accepting"
    );
}

#[test]
fn sign_url_prints_a_link_the_server_accepts() {
    let out = process::cardfarm()
        .args([
            "sign-url",
            "--signing-key",
            "k",
            "--expires-in",
            "60",
            "/v1/cards/demo/minutes.png?format=story",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let link = String::from_utf8(out.stdout).unwrap();
    let link = link.trim();
    assert!(
        link.starts_with("/v1/cards/demo/minutes.png?format=story&exp="),
        "{link}"
    );
    let (path, query) = link.split_once('?').unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(
        cardfarm::server::sign::verify(b"k", path, Some(query), now),
        Ok(())
    );
}

#[test]
fn empty_keys_are_refused_before_serving() {
    let port = free_port().to_string();
    let addr = format!("127.0.0.1:{port}");
    // Arguments, environment, what the error names.
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["serve", "--addr", &addr],
            vec![("CARDFARM_API_KEY", "")],
            "CARDFARM_API_KEY",
        ),
        (
            vec!["serve", "--addr", &addr, "--api-key", " "],
            vec![],
            "--api-key",
        ),
        (
            vec!["serve", "--addr", &addr],
            vec![("CARDFARM_SIGNING_KEY", " \t")],
            "CARDFARM_SIGNING_KEY",
        ),
        (
            vec![
                "sign-url",
                "--signing-key",
                "",
                "/v1/cards/demo/minutes.png",
            ],
            vec![],
            "--signing-key",
        ),
        (
            vec!["sign-url", "/v1/cards/demo/minutes.png"],
            vec![("CARDFARM_SIGNING_KEY", "")],
            "CARDFARM_SIGNING_KEY",
        ),
    ];
    for (args, env, needle) in cases {
        let mut command = process::cardfarm();
        command.args(&args);
        for (k, v) in &env {
            command.env(k, v);
        }
        let out = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(needle) && stderr.contains("empty"),
            "{args:?} {env:?}: {stderr}"
        );
        assert!(stderr.contains("\nhint: "), "{args:?} {env:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing printed or signed");
    }
}

#[test]
fn serving_the_bundled_sample_is_a_warning_naming_the_file() {
    let sample = common::repo().join("data/sample.jsonl");
    let stderr_of = |flags: &[&str]| {
        let mut server = Server::start(flags);
        server.process.signal("TERM");
        let code = server.wait();
        assert!(code.success(), "exit status {code:?}");
        server.process.stderr()
    };
    let without = stderr_of(&[]);
    let warning = without
        .lines()
        .find(|l| l.contains("WARN") && l.contains("bundled sample"))
        .unwrap_or_else(|| panic!("no warning about the sample in:\n{without}"));
    assert!(warning.contains("data/sample.jsonl"), "{warning}");

    let with = stderr_of(&["--data", sample.to_str().unwrap()]);
    assert!(!with.contains("bundled sample"), "{with}");
}

#[test]
fn an_open_render_endpoint_off_loopback_must_be_asked_for() {
    let port = free_port();
    for addr in [format!("0.0.0.0:{port}"), format!("[::]:{port}")] {
        let out = process::cardfarm()
            .args(["serve", "--addr", &addr])
            .env_remove("CARDFARM_API_KEY")
            .env_remove("CARDFARM_ALLOW_ANONYMOUS_RENDER")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{addr}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains("--api-key"),
            "{addr}: {stderr}"
        );
        assert!(
            stderr.contains("\nhint: ") && stderr.contains("--allow-anonymous-render"),
            "{addr}: {stderr}"
        );
    }
    // Asked for by name (flag or environment), it goes on: here to the missing store, which
    // fails before anything is bound.
    let missing = std::env::temp_dir().join(common::unique("nodata"));
    let missing = format!("{}.jsonl", missing.display());
    for (flag, env) in [
        (Some("--allow-anonymous-render"), None),
        (None, Some(("CARDFARM_ALLOW_ANONYMOUS_RENDER", "true"))),
    ] {
        let mut command = process::cardfarm();
        command.args([
            "serve",
            "--addr",
            &format!("0.0.0.0:{port}"),
            "--data",
            &missing,
        ]);
        command.args(flag);
        if let Some((k, v)) = env {
            command.env(k, v);
        }
        let out = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(!stderr.contains("--allow-anonymous-render"), "{stderr}");
        assert!(stderr.contains(&missing), "{stderr}");
    }
}

#[test]
fn serve_with_cards_writes_a_missing_card_back_and_then_serves_it_stored() {
    let cards = common::TempDir::new("serve-cards");
    let flags = ["--cards", cards.path().to_str().unwrap()];
    let card = "/v1/cards/demo/minutes.png";
    let file = cards.join("demo/minutes-story.png");
    let stamp = cards.join("demo/minutes-story.png.fingerprint");
    {
        let server = Server::start(&flags);
        assert!(server.get(card).starts_with("HTTP/1.1 200"));
        assert_eq!(
            server.metric("cardfarm_stored_cards_total{outcome=\"missing\"}"),
            1.0
        );
        common::wait_for("the card written back", Duration::from_secs(10), || {
            stamp.exists() && file.exists()
        });
    }
    // Another server (a restart, a replica) serves it as stored, rendering nothing.
    let server = Server::start(&flags);
    assert!(server.get(card).starts_with("HTTP/1.1 200"));
    assert_eq!(
        server.metric("cardfarm_stored_cards_total{outcome=\"served\"}"),
        1.0
    );
    assert_eq!(
        server.metric("cardfarm_render_seconds_count{template=\"minutes\"}"),
        0.0
    );
}
