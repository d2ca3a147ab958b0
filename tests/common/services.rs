//! The services some tests need, on loopback, and scratch space on each that a test removes
//! when it ends, whether it passed or not:
//!
//! | service | where | scratch space |
//! |---|---|---|
//! | PostgreSQL | `postgres://postgres@127.0.0.1:5432/postgres` (trust auth), or `CARDFARM_TEST_POSTGRES` | [`PgSchema`] |
//! | NATS with JetStream | `nats://127.0.0.1:4222`, or `CARDFARM_TEST_NATS` | [`with_stream`] |
//! | moto, the S3 stand-in | started by [`moto`] from python3 on a free port; without python3's moto, `CARDFARM_TEST_S3` or compose's on `127.0.0.1:5050` | a bucket |
//!
//! `deploy/compose.yaml` runs all three at those addresses. A test that cannot reach its
//! service fails at once with one line that names the service, the address and how to start it,
//! rather than with a connection error from deep inside the test (or one per connection).

use std::future::Future;
use std::time::Duration;

use cardfarm::farm::queue;
use cardfarm::server::store::Store;

use super::net;
use super::process::Running;

/// The test binaries that talk to no service, for when one is missing.
pub const NO_SERVICE_TESTS: &str = "cargo test --locked --lib --test golden --test pipeline \
    --test text --test cli --test serve --test server_routes --test server_card --test server_listener \
    --test farm_batch --test panics --test server_cards_store --test signed_links --test stats \
    --test stats_population";

/// How long a service may take to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

const POSTGRES_ENV: &str = "CARDFARM_TEST_POSTGRES";
const POSTGRES_DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";
const POSTGRES_START: &str = "start it with `docker compose -f deploy/compose.yaml up -d postgres`";
const NATS_ENV: &str = "CARDFARM_TEST_NATS";
const NATS_DEFAULT: &str = "nats://127.0.0.1:4222";
const NATS_START: &str = "start it with `docker compose -f deploy/compose.yaml up -d nats`";
const MOTO_INSTALL: &str = "install it with `python3 -m pip install 'moto[server]==5.*'`";
const MOTO_START: &str = "start it with `docker compose -f deploy/compose.yaml up -d moto`";
const S3_ENV: &str = "CARDFARM_TEST_S3";
/// Where `deploy/compose.yaml` publishes moto.
const COMPOSE_S3: &str = "127.0.0.1:5050";

/// The PostgreSQL URL the tests connect with, as a superuser that may create schemas.
pub fn postgres_url() -> String {
    std::env::var(POSTGRES_ENV).unwrap_or_else(|_| POSTGRES_DEFAULT.into())
}

/// The NATS URL the tests (and the worker processes they start) connect to.
pub fn nats_url() -> String {
    std::env::var(NATS_ENV).unwrap_or_else(|_| NATS_DEFAULT.into())
}

/// Fails the test with one line: what is wrong, how to fix it, and what runs without it.
///
/// The line is printed here (the harness shows it under the failed test) and the test unwinds
/// without the panic hook, so no backtrace follows it whatever `RUST_BACKTRACE` says: the
/// place in the test is no news, the missing service is.
fn fail(what: String, remedy: &str) -> ! {
    let line =
        format!("{what}: {remedy}, or run the tests that need no service: {NO_SERVICE_TESTS}");
    eprintln!("{line}");
    std::panic::resume_unwind(Box::new(line))
}

/// Where an address came from, when not the default: `; address from <env>`.
fn origin(env: &str) -> String {
    match std::env::var_os(env) {
        Some(_) => format!("; address from {env}"),
        None => String::new(),
    }
}

/// Why a connection failed, in a few words: the operating system's reason when there is one
/// (`connection refused`), else the error and its causes on one line.
fn reason(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::TimedOut => {
                    io.kind().to_string()
                }
                _ => io.to_string(),
            };
        }
        cause = c.source();
    }
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text = format!("{text}: {c}");
        cause = c.source();
    }
    text.replace('\n', " ")
}

/// Fails the test in one line unless `address` (`host:port`) accepts a TCP connection within
/// [`CONNECT_TIMEOUT`]. `origin` and `remedy` are as [`fail`] shows them.
async fn reach(service: &str, address: &str, origin: &str, remedy: &str) {
    let why = match tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(address))
        .await
    {
        Ok(Ok(_)) => return,
        Ok(Err(e)) => reason(&e),
        Err(_) => format!("no answer in {CONNECT_TIMEOUT:?}"),
    };
    fail(
        format!("{service} is not reachable at {address} ({why}{origin})"),
        remedy,
    )
}

/// `host:port` of a PostgreSQL URL.
fn postgres_address(url: &str) -> String {
    let config: tokio_postgres::Config = url
        .parse()
        .unwrap_or_else(|e| panic!("{POSTGRES_ENV}: not a PostgreSQL URL: {url}: {e}"));
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(host)) => host.clone(),
        _ => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}")
}

/// A connection to the tests' PostgreSQL database, as its superuser. Fails the test in one
/// line when PostgreSQL is not running there.
pub async fn postgres() -> tokio_postgres::Client {
    let url = postgres_url();
    let address = postgres_address(&url);
    let origin = origin(POSTGRES_ENV);
    reach("PostgreSQL", &address, &origin, POSTGRES_START).await;
    let connected = tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio_postgres::connect(&url, tokio_postgres::NoTls),
    )
    .await;
    match connected {
        Ok(Ok((client, connection))) => {
            tokio::spawn(connection);
            client
        }
        Ok(Err(e)) => {
            let why = match e.as_db_error() {
                Some(db) => db.message().to_string(),
                None => reason(&e),
            };
            fail(
                format!("PostgreSQL refused the tests at {address} ({why}{origin})"),
                POSTGRES_START,
            )
        }
        Err(_) => fail(
            format!("PostgreSQL is not answering at {address} (no session in {CONNECT_TIMEOUT:?}{origin})"),
            POSTGRES_START,
        ),
    }
}

/// A schema of our own on the tests' PostgreSQL, so parallel runs never meet; dropped when the
/// guard drops, also when an assertion failed.
pub struct PgSchema {
    pub name: String,
}

impl PgSchema {
    /// The schema, with the stats table, and a store that reads it.
    pub async fn create() -> (PgSchema, Store) {
        let name = super::unique("pg");
        postgres()
            .await
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .await
            .unwrap();
        let schema = PgSchema { name };
        let url = postgres_url();
        let separator = if url.contains('?') { '&' } else { '?' };
        let url = format!("{url}{separator}options=-c%20search_path%3D{}", schema.name);
        let store = Store::postgres(&url).unwrap();
        Store::put_postgres(pg_pool(&store), &[]).await.unwrap();
        (schema, store)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let drop = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        if let Err(e) = postgres_execute(&[drop]) {
            eprintln!("could not drop schema {}: {e}", self.name);
        }
    }
}

/// Runs `statements` one by one (so `ALTER SYSTEM`, which cannot run in a transaction, works
/// too) on a connection of their own, on a thread of their own: `Drop` cannot await, and may
/// run while a runtime unwinds.
pub fn postgres_execute(statements: &[String]) -> Result<(), String> {
    let owned = statements.to_vec();
    let url = postgres_url();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?
            .block_on(async {
                let (client, connection) =
                    tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
                tokio::spawn(connection);
                for s in &owned {
                    client.batch_execute(s).await?;
                }
                Ok::<_, tokio_postgres::Error>(())
            })
            .map_err(|e| e.to_string())
    })
    .join()
    .unwrap_or_else(|_| Err("the thread running the statements panicked".into()))
}

/// The connection pool of a PostgreSQL store.
pub fn pg_pool(store: &Store) -> &deadpool_postgres::Pool {
    match store {
        Store::Postgres(pool) => pool,
        Store::Jsonl(_) => unreachable!("a PostgreSQL store"),
    }
}

/// `host:port` of a NATS URL (`nats://[user@]host[:port]`).
fn nats_address(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, rest)| rest);
    let host_port = rest.split('/').next().unwrap_or(rest);
    if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:4222")
    }
}

/// JetStream on the tests' NATS server. Fails the test in one line when NATS is not running
/// there, or runs without JetStream.
pub async fn nats() -> async_nats::jetstream::Context {
    let url = nats_url();
    let address = nats_address(&url);
    let origin = origin(NATS_ENV);
    reach("NATS", &address, &origin, NATS_START).await;
    let js = match tokio::time::timeout(CONNECT_TIMEOUT, queue::connect(&url)).await {
        Ok(Ok(js)) => js,
        Ok(Err(e)) => fail(
            format!(
                "NATS refused the tests at {address} ({}{origin})",
                reason(&e)
            ),
            NATS_START,
        ),
        Err(_) => fail(
            format!(
                "NATS is not answering at {address} (no greeting in {CONNECT_TIMEOUT:?}{origin})"
            ),
            NATS_START,
        ),
    };
    // Asked raw, not through `query_account`, whose reply type older servers (2.9) do not match.
    let no_jetstream = match js.request::<_, _, serde_json::Value>("INFO", b"").await {
        Ok(info) => info.get("error").map(|e| e["description"].to_string()),
        Err(e) => Some(reason(&e)),
    };
    if let Some(why) = no_jetstream {
        fail(
            format!("NATS runs without JetStream at {address} ({why}{origin})"),
            "start it with `-js`, e.g. `docker compose -f deploy/compose.yaml up -d nats`",
        );
    }
    js
}

/// Runs `body` with a fresh stream name, then deletes that stream and its dead-letter stream
/// whatever happened. Fails at once, in one line, when NATS is not there.
pub async fn with_stream<F, Fut>(tag: &str, body: F)
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let js = nats().await;
    let stream = super::unique(tag);
    let result = tokio::spawn(body(stream.clone())).await;
    let _ = js.delete_stream(&stream).await;
    let _ = js.delete_stream(queue::dead_stream(&stream)).await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// An S3 stand-in for one test, with a bucket name of the test's own: moto started from
/// python3 on a free port (stopped when dropped), or, when python3 has no moto, one already
/// running: `CARDFARM_TEST_S3` (`host:port`) if set, else compose's on 127.0.0.1:5050.
pub struct Moto {
    /// Our own server, killed when dropped; `None` when it was already running.
    _server: Option<Running>,
    /// `host:port`.
    pub address: String,
    /// Not created yet: `PUT /<bucket>` creates it.
    pub bucket: String,
}

/// moto in one process for the whole test: the first of an address in `CARDFARM_TEST_S3`,
/// moto started from python3 (as `.ci/run` installs it), or compose's moto. Fails the test in
/// one line when none is there.
pub fn moto() -> Moto {
    let bucket = super::unique("s3").replace('_', "-");
    if let Ok(address) = std::env::var(S3_ENV) {
        if let Err(e) = net::reachable(&address) {
            fail(
                format!(
                    "moto (the S3 stand-in) is not reachable at {address} ({}{})",
                    reason(&e),
                    origin(S3_ENV)
                ),
                MOTO_START,
            );
        }
        return Moto {
            _server: None,
            address,
            bucket,
        };
    }
    match start_moto() {
        Ok((server, address)) => Moto {
            _server: Some(server),
            address,
            bucket,
        },
        Err(why) => match net::reachable(COMPOSE_S3) {
            Ok(()) => Moto {
                _server: None,
                address: COMPOSE_S3.into(),
                bucket,
            },
            Err(e) => fail(
                format!(
                    "moto (the S3 stand-in) did not start from python3 ({why}), and none is reachable at {COMPOSE_S3} ({})",
                    reason(&e)
                ),
                &format!("{MOTO_INSTALL} or {MOTO_START}"),
            ),
        },
    }
}

/// `python3 -m moto.server` on a free loopback port, once it listens; why not if it does not.
fn start_moto() -> Result<(Running, String), String> {
    let port = net::free_port();
    let mut command = std::process::Command::new("python3");
    command.args([
        "-m",
        "moto.server",
        "-H",
        "127.0.0.1",
        "-p",
        &port.to_string(),
    ]);
    let mut server = Running::spawn(command).map_err(|e| format!("python3: {e}"))?;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !net::listening(port) {
        if let Some(status) = server.exited() {
            let stderr = server.stderr();
            let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
            return Err(last.map_or(status.to_string(), |l| l.trim().to_string()));
        }
        if std::time::Instant::now() > deadline {
            return Err("not listening after 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok((server, format!("127.0.0.1:{port}")))
}

impl Moto {
    /// Settings for an S3 sink on this server, as `Sink::open` takes them; upper-cased, they
    /// are the standard AWS environment variables the CLI reads.
    pub fn s3_options(&self) -> Vec<(String, String)> {
        [
            ("aws_endpoint_url", format!("http://{}", self.address)),
            ("aws_region", "us-east-1".into()),
            ("aws_access_key_id", "test".into()),
            ("aws_secret_access_key", "test".into()),
            ("aws_allow_http", "true".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// A plain HTTP request (creating a bucket needs no signature on moto); the answer as text.
    pub fn http(&self, method: &str, path: &str) -> String {
        net::request_to(&self.address, method, path)
    }
}
