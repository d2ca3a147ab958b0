//! Credentials: secrets in connection URLs never reach an error message or a log line, and
//! the queue commands authenticate to a NATS server that requires it (a `nats-server` started
//! here, on a free loopback port, killed at the end).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use cardfarm::farm::queue::{self, Endpoint};
use common::net::{self, free_port};
use common::process::{self, Running};
use common::{small_dataset, wait_for, TempDir};

const PG_SECRET: &str = "pg-Secret-4711";
const NATS_SECRET: &str = "nats-Secret-0815";

/// Everything a command printed, stdout and stderr.
fn printed(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn a_database_password_never_reaches_errors_or_logs() {
    // A URL that does not parse (the port is not a number): the error names the store.
    let out = process::cardfarm()
        .args(["serve", "--addr", &format!("127.0.0.1:{}", free_port())])
        .arg("--data")
        .arg(format!(
            "postgres://cardfarm:{PG_SECRET}@127.0.0.1:notaport/wrapped"
        ))
        .env("RUST_LOG", "debug")
        .output()
        .unwrap();
    let text = printed(&out);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("stats store"), "{text}");
    assert!(text.contains("cardfarm:***@"), "{text}");
    assert!(!text.contains(PG_SECRET), "the password leaked:\n{text}");

    // A URL that parses but where no database listens (port 1): the server starts, says it is
    // not ready and answers 503; debug logs included, the password appears nowhere.
    let port = free_port();
    let mut command = process::cardfarm();
    command
        .args(["serve", "--addr", &format!("127.0.0.1:{port}"), "--data"])
        .arg(format!(
            "postgres://cardfarm:{PG_SECRET}@127.0.0.1:1/wrapped?password={PG_SECRET}"
        ))
        .env("RUST_LOG", "debug");
    let mut server = Running::spawn(command).unwrap();
    wait_for("the server to listen", Duration::from_secs(60), || {
        net::listening(port)
    });
    let ready = net::request(port, "GET", "/readyz");
    assert!(ready.starts_with("HTTP/1.1 503"), "{ready}");
    let card = net::request(port, "GET", "/v1/cards/demo/minutes.png");
    assert!(card.starts_with("HTTP/1.1 503"), "{card}");
    for answer in [&ready, &card] {
        assert!(!answer.contains(PG_SECRET), "{answer}");
    }
    server.signal("TERM");
    server.wait("the server", Duration::from_secs(30));
    let logs = server.stderr();
    assert!(logs.contains("stats store unavailable"), "{logs}");
    assert!(logs.contains("cardfarm:***@127.0.0.1:1"), "{logs}");
    assert!(!logs.contains(PG_SECRET), "the password leaked:\n{logs}");
}

#[test]
fn a_nats_token_or_password_never_reaches_errors_or_logs() {
    // Nothing listens on the port: every command fails to connect, and says where, masked.
    let port = free_port();
    let (data, _) = small_dataset(2);
    let token = format!("nats://{NATS_SECRET}@127.0.0.1:{port}");
    let password = format!("nats://worker:{NATS_SECRET}@127.0.0.1:{port}");
    let out_dir = TempDir::new("creds-out");
    let out_dir = out_dir.display().to_string();
    let data = data.display().to_string();
    // Each command, each form of credentials, from a flag and from the environment.
    let runs: Vec<(Vec<&str>, &str, bool)> = vec![
        (vec!["queue-status"], &token, false),
        (vec!["queue-status"], &password, true),
        (vec!["enqueue", "--data", &data], &token, true),
        (vec!["enqueue", "--data", &data], &password, false),
        (
            vec!["worker", "--out", &out_dir, "--concurrency", "1"],
            &token,
            false,
        ),
        (
            vec!["worker", "--out", &out_dir, "--concurrency", "1"],
            &password,
            true,
        ),
    ];
    for (args, url, from_env) in runs {
        let mut command = process::cardfarm();
        command.args(&args).env("RUST_LOG", "debug");
        if from_env {
            command.env("CARDFARM_NATS", url);
        } else {
            command.args(["--nats", url]);
        }
        let out = command.output().unwrap();
        let text = printed(&out);
        assert!(!out.status.success(), "{args:?}: {text}");
        assert!(
            text.contains(&format!("***@127.0.0.1:{port}")),
            "{args:?}: {text}"
        );
        assert!(!text.contains(NATS_SECRET), "{args:?} leaked:\n{text}");
    }
}

/// A `nats-server` with JetStream on a free loopback port, requiring `auth` (`--user`/`--pass`
/// or `--auth`); killed when dropped.
struct Nats {
    _process: Running,
    _store: TempDir,
    port: u16,
}

const NATS_SERVER: &str = "/usr/sbin/nats-server";

impl Nats {
    fn start(auth: &[&str]) -> Nats {
        assert!(
            Path::new(NATS_SERVER).exists(),
            "{NATS_SERVER} is missing: install the nats-server package"
        );
        let port = free_port();
        let store = TempDir::new("nats-auth");
        let mut command = Command::new(NATS_SERVER);
        command
            .args(["-a", "127.0.0.1", "-p", &port.to_string(), "-js", "-sd"])
            .arg(store.path())
            .args(auth);
        let server = Nats {
            _process: Running::spawn(command).unwrap(),
            _store: store,
            port,
        };
        wait_for("nats-server to listen", Duration::from_secs(20), || {
            net::listening(port)
        });
        server
    }

    fn url(&self, credentials: &str) -> String {
        format!("nats://{credentials}127.0.0.1:{}", self.port)
    }
}

#[tokio::test]
async fn nats_that_requires_a_password_or_token_lets_in_only_those_who_have_it() {
    let password = Nats::start(&["--user", "cardfarm", "--pass", NATS_SECRET]);
    let token = Nats::start(&["--auth", NATS_SECRET]);
    for (server, good) in [
        (&password, format!("cardfarm:{NATS_SECRET}@")),
        // Percent-encoding in the URL is decoded before it is sent.
        (
            &password,
            format!("cardfarm:{}@", NATS_SECRET.replace('-', "%2D")),
        ),
        (&token, format!("{NATS_SECRET}@")),
    ] {
        for bad in ["", "cardfarm:wrong@", "wrong@"] {
            let e = queue::connect(&server.url(bad))
                .await
                .err()
                .unwrap_or_else(|| panic!("{bad} got in"))
                .to_string();
            assert!(e.contains("authorization violation"), "{e}");
            assert!(e.contains("credentials"), "{e}");
            assert!(!e.contains(NATS_SECRET), "{e}");
        }
        let js = queue::connect(&server.url(&good)).await.unwrap();
        // Connected for real: JetStream answers.
        let stream = common::unique("auth");
        queue::ensure_streams(&js, &stream, 1).await.unwrap();
        let status = queue::status(&js, &stream).await.unwrap();
        assert_eq!(status.pending, 0);
    }

    // A creds file that is not there is named; and it cannot come with URL credentials too.
    let missing = Endpoint {
        creds_file: Some("/nonexistent/cardfarm.creds".into()),
        ..Endpoint::new(password.url(""))
    };
    let e = queue::connect_to(&missing).await.err().unwrap().to_string();
    assert!(e.contains("/nonexistent/cardfarm.creds"), "{e}");
    let both = Endpoint {
        creds_file: Some("/nonexistent/cardfarm.creds".into()),
        ..Endpoint::new(password.url(&format!("cardfarm:{NATS_SECRET}@")))
    };
    let e = queue::connect_to(&both).await.err().unwrap().to_string();
    assert!(e.contains("give one"), "{e}");
    assert!(!e.contains(NATS_SECRET), "{e}");

    // The commands: refused without credentials, with a hint; served with them in the URL.
    let (data, _) = small_dataset(2);
    let stream = common::unique("authcli");
    let enqueue = |url: String| {
        process::cardfarm()
            .args([
                "enqueue",
                "--stream",
                &stream,
                "--templates",
                "minutes",
                "--data",
            ])
            .arg(&data)
            .env("CARDFARM_NATS", url)
            .output()
            .unwrap()
    };
    let refused = enqueue(password.url(""));
    assert!(!refused.status.success());
    let text = printed(&refused);
    assert!(text.contains("authorization violation"), "{text}");
    let served = enqueue(password.url(&format!("cardfarm:{NATS_SECRET}@")));
    assert!(served.status.success(), "{}", printed(&served));
    assert!(
        printed(&served).contains("queued 2 jobs"),
        "{}",
        printed(&served)
    );
    let status = process::cardfarm()
        .args(["queue-status", "--stream", &stream])
        .env("CARDFARM_NATS", token.url(""))
        .output()
        .unwrap();
    assert!(!status.status.success(), "{}", printed(&status));
}
