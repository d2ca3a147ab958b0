//! `cardfarm serve`: the HTTP endpoint.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use cardfarm::server::store::Store;
use cardfarm::server::{self, Config};

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
        super::check_key(key, "--signing-key", "CARDFARM_SIGNING_KEY")?;
    }
    if let Some(key) = &args.api_key {
        super::check_key(key, "--api-key", "CARDFARM_API_KEY")?;
    }
    super::init_logging();
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
            for d in &s.duplicates {
                tracing::warn!(duplicate = %d, "skipped a superseded record");
            }
        }
        if config.signing_key.is_none() {
            tracing::warn!("no signing key: card links are served unsigned");
        }
        let state = server::AppState::new(renderer, store, config)?;
        server::serve(state, super::shutdown_signal())
            .await
            .context("serving")?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}
