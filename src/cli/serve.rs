//! `cardfarm serve`: the HTTP endpoint, and `cardfarm sign-url` for its share links.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use cardfarm::server::{self, Config};
use cardfarm::store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "CARDFARM_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Stats store: a JSON Lines file or a postgres:// URL. Default: the bundled sample.
    #[arg(long, env = "CARDFARM_DATA", value_name = "FILE.jsonl | postgres://…")]
    data: Option<String>,
    /// Require signed card links (HMAC-SHA256 with this key). Prefer the environment variable.
    #[arg(long, env = "CARDFARM_SIGNING_KEY", hide_env_values = true)]
    signing_key: Option<String>,
    /// Require `Authorization: Bearer <key>` on POST /v1/render. Prefer the environment variable.
    #[arg(long, env = "CARDFARM_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Renders at once. Default: the number of cores.
    #[arg(long, env = "CARDFARM_RENDER_THREADS")]
    threads: Option<usize>,
    /// Renders that may wait for a thread before requests get 503. Default: 2 × threads.
    #[arg(long, env = "CARDFARM_QUEUE")]
    queue: Option<usize>,
    /// Memory for cached PNGs, in MiB.
    #[arg(long, env = "CARDFARM_CACHE_MB", default_value_t = 256)]
    cache_mb: usize,
}

pub fn run(args: Args, templates: &Path, fonts: &Path) -> anyhow::Result<ExitCode> {
    if let Some(key) = &args.signing_key {
        check_key(key, "--signing-key", "CARDFARM_SIGNING_KEY")?;
    }
    if let Some(key) = &args.api_key {
        check_key(key, "--api-key", "CARDFARM_API_KEY")?;
    }
    init_logging();
    let renderer = super::load_warm(templates, fonts)?;
    let data = args
        .data
        .clone()
        .unwrap_or_else(|| super::data_or_sample(None).display().to_string());
    let mut config = Config {
        addr: args.addr,
        signing_key: args.signing_key.map(String::into_bytes),
        api_key: args.api_key,
        cache_bytes: args.cache_mb << 20,
        ..Config::default()
    };
    if let Some(threads) = args.threads {
        config.render_threads = threads.max(1);
        config.queue = 2 * config.render_threads;
    }
    if let Some(queue) = args.queue {
        config.queue = queue;
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let store = Store::open(&data)
            .await
            .with_context(|| format!("opening the stats store {data}"))?;
        if let Store::Jsonl(s) = &store {
            tracing::info!(
                users = s.len(),
                rejected = s.rejected.len(),
                "dataset loaded"
            );
            for r in &s.rejected {
                tracing::warn!(record = %r, "skipped an invalid record");
            }
        }
        if config.signing_key.is_none() {
            tracing::warn!("no signing key: card links are served unsigned");
        }
        let state = server::State::new(renderer, store, config)?;
        server::serve(state, shutdown_signal())
            .await
            .context("serving")?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// A key from a flag or the environment. Unset is a choice (open endpoint, unsigned links);
/// empty is a mistake that would silently disable the check (`Bearer ` would match an empty
/// API key, and anyone can sign with an empty signing key), so it is refused.
fn check_key(key: &str, flag: &str, env: &str) -> anyhow::Result<()> {
    if key.trim().is_empty() {
        return Err(super::Usage {
            message: format!("{flag} (or {env}) is empty"),
            hint: format!(
                "set a real key (e.g. `openssl rand -hex 32`), or unset {env} and drop {flag} to run without one"
            ),
        }
        .into());
    }
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// Structured logs on stderr; `RUST_LOG` filters (default `info`), `CARDFARM_LOG=json` for JSON.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if std::env::var("CARDFARM_LOG").is_ok_and(|v| v == "json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// The key the server verifies with. Prefer the environment variable.
    #[arg(long, env = "CARDFARM_SIGNING_KEY", hide_env_values = true)]
    signing_key: String,
    /// Make the link expire this many seconds from now (adds a signed `exp`).
    #[arg(long, value_name = "SECONDS")]
    expires_in: Option<u64>,
    /// Path and query to sign, e.g. `/v1/cards/demo/top-artists.png?format=story`.
    path: String,
}

pub fn sign(args: SignArgs) -> anyhow::Result<ExitCode> {
    check_key(&args.signing_key, "--signing-key", "CARDFARM_SIGNING_KEY")?;
    anyhow::ensure!(
        args.path.starts_with('/'),
        "the path must start with `/`, e.g. /v1/cards/demo/minutes.png"
    );
    anyhow::ensure!(
        !args.path.contains("sig="),
        "the path already has a `sig`: sign the path without it"
    );
    let mut path = args.path.clone();
    if let Some(seconds) = args.expires_in {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let separator = if path.contains('?') { '&' } else { '?' };
        path = format!("{path}{separator}exp={}", now + seconds);
    }
    println!("{}", server::sign::sign(args.signing_key.as_bytes(), &path));
    Ok(ExitCode::SUCCESS)
}
