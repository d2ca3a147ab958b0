//! `cardfarm serve` as a process: it serves on a real socket and, on SIGTERM, stops accepting,
//! finishes the requests in flight and exits 0.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Sends one HTTP/1.1 request and returns the stream to read the answer from later.
fn send(port: u16, path: &str) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    s
}

fn answer(mut s: TcpStream) -> (String, usize) {
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes);
    let status = text.lines().next().unwrap_or_default().to_string();
    let head_end = text.find("\r\n\r\n").map_or(bytes.len(), |i| i + 4);
    (status, bytes.len() - head_end)
}

#[test]
fn sigterm_finishes_in_flight_requests_and_exits_zero() {
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_cardfarm"))
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CARDFARM_SIGNING_KEY")
        .env_remove("CARDFARM_API_KEY")
        .env_remove("CARDFARM_DATA")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the server never listened");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, _) = answer(send(port, "/healthz"));
    assert!(status.contains("200"), "{status}");

    // Several cards at once, then SIGTERM while they render.
    let streams: Vec<TcpStream> = ["demo", "u0001", "u0002", "u0003"]
        .iter()
        .map(|u| send(port, &format!("/v1/cards/{u}/summary.png")))
        .collect();
    std::thread::sleep(Duration::from_millis(30));
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    for s in streams {
        let (status, body) = answer(s);
        assert!(
            status.contains("200"),
            "an in-flight request was dropped: {status:?}"
        );
        assert!(body > 10_000, "a whole PNG arrives ({body} bytes)");
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let code = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not exit after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(code.success(), "exit status {code:?}");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no longer accepting"
    );
}

#[test]
fn sign_url_prints_a_link_the_server_accepts() {
    let out = Command::new(env!("CARGO_BIN_EXE_cardfarm"))
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
    let cases: Vec<(Vec<&str>, Vec<(&str, &str)>, &str)> = vec![
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
        let mut command = Command::new(env!("CARGO_BIN_EXE_cardfarm"));
        command
            .args(&args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("CARDFARM_SIGNING_KEY")
            .env_remove("CARDFARM_API_KEY")
            .env_remove("CARDFARM_DATA");
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
