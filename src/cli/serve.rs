//! `cardfarm serve`: the HTTP endpoint.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use cardfarm::farm::sink::Sink;
use cardfarm::server::store::Store;
use cardfarm::server::{self, Config};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, env = "CARDFARM_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Stats store: a JSON Lines file or a postgres:// URL. Default: the bundled sample (with
    /// a warning at start-up).
    #[arg(long, env = "CARDFARM_DATA", value_name = "FILE.jsonl | postgres://…")]
    data: Option<String>,
    /// Require signed card links (HMAC-SHA256 with this key). Prefer the environment variable.
    #[arg(long, env = "CARDFARM_SIGNING_KEY", hide_env_values = true)]
    signing_key: Option<String>,
    /// The signing key before the current one, still accepted while its links are out there
    /// (rotation). Prefer the environment variable.
    #[arg(long, env = "CARDFARM_SIGNING_KEY_PREVIOUS", hide_env_values = true)]
    signing_key_previous: Option<String>,
    /// Refuse signed links without an `exp` (403), so that no link is valid for ever.
    #[arg(long, env = "CARDFARM_REQUIRE_EXPIRY")]
    require_expiry: bool,
    /// Require `Authorization: Bearer <key>` on POST /v1/render. Prefer the environment variable.
    #[arg(long, env = "CARDFARM_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Serve POST /v1/render without an API key on a non-loopback address. Anyone who reaches
    /// the port can then make the server decode photos and render cards.
    #[arg(long, env = "CARDFARM_ALLOW_ANONYMOUS_RENDER")]
    allow_anonymous_render: bool,
    /// Renders at once. Default: the number of cores.
    #[arg(long, env = "CARDFARM_RENDER_THREADS")]
    threads: Option<usize>,
    /// Renders that may wait for a thread before requests get 503. Default: 2 × threads.
    #[arg(long, env = "CARDFARM_QUEUE")]
    queue: Option<usize>,
    /// Cards the farm already rendered (the `batch --out` or `worker` output): a folder or
    /// s3://bucket/prefix (S3 settings from the AWS_* environment). A stored card whose
    /// fingerprint is current is served without rendering; a missing or stale one is rendered
    /// and written back.
    #[arg(long, env = "CARDFARM_CARDS", value_name = "DIR | s3://bucket/prefix")]
    cards: Option<String>,
    /// Memory for cached PNGs, in MiB.
    #[arg(long, env = "CARDFARM_CACHE_MB", default_value_t = 256)]
    cache_mb: usize,
    #[command(flatten)]
    opt_out: super::OptOutArgs,
    #[command(flatten)]
    warm: super::WarmArgs,
}

pub fn run(args: Args, setup: &super::Setup) -> anyhow::Result<ExitCode> {
    if let Some(key) = &args.signing_key {
        super::check_key(key, "--signing-key", "CARDFARM_SIGNING_KEY")?;
    }
    if let Some(key) = &args.signing_key_previous {
        super::check_key(
            key,
            "--signing-key-previous",
            "CARDFARM_SIGNING_KEY_PREVIOUS",
        )?;
    }
    if args.signing_key.is_none() && (args.signing_key_previous.is_some() || args.require_expiry) {
        return Err(super::Usage {
            message: "--signing-key-previous and --require-expiry need a --signing-key".into(),
            hint: "set CARDFARM_SIGNING_KEY (the key links are signed with now)".into(),
        }
        .into());
    }
    if let Some(key) = &args.api_key {
        super::check_key(key, "--api-key", "CARDFARM_API_KEY")?;
    }
    let cache_bytes = args
        .cache_mb
        .checked_mul(1 << 20)
        .ok_or_else(|| super::Usage {
            message: format!(
                "--cache-mb {} is more memory than this machine can address",
                args.cache_mb
            ),
            hint: format!(
                "give at most {} (MiB); 256 is the default",
                usize::MAX >> 20
            ),
        })?;
    check_anonymous_render(&args)?;
    super::init_logging();
    let (renderer, warmed) = args.warm.warm(setup, setup.load()?)?;
    tracing::info!("{warmed}");
    let data = match args.data.clone() {
        Some(data) => data,
        None => {
            // Fine for a try-out, never what production wants: say so, naming the file.
            let sample = super::data_or_sample(None).display().to_string();
            tracing::warn!(
                file = %sample,
                "no --data (or CARDFARM_DATA): serving the bundled sample dataset"
            );
            sample
        }
    };
    let cards = match &args.cards {
        Some(spec) => Some(
            Sink::open(spec, &super::s3_options_from_env())
                .with_context(|| format!("opening the stored cards {spec}"))?,
        ),
        None => None,
    };
    let mut config = Config {
        cards,
        addr: args.addr,
        signing_key: args.signing_key.map(String::into_bytes),
        previous_signing_key: args.signing_key_previous.map(String::into_bytes),
        require_expiry: args.require_expiry,
        api_key: args.api_key,
        cache_bytes,
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
        config.opt_out = args.opt_out.load_shared().await?;
        let store = Store::open(&data)
            .await
            .with_context(|| format!("opening the stats store {}", cardfarm::redact::url(&data)))?;
        tracing::info!(store = %cardfarm::redact::url(&data), "stats store");
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
        } else {
            tracing::info!("opted-out users: the store's cardfarm_opt_out table too");
        }
        if let Some(cards) = &config.cards {
            tracing::info!(cards = %cards.description(), "serving stored cards when current");
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

/// An open POST endpoint is a render service for anyone who can reach the port: every request
/// costs a render, and no request of it hits a cache. Fine on loopback; elsewhere it must be
/// asked for by name.
fn check_anonymous_render(args: &Args) -> anyhow::Result<()> {
    if args.api_key.is_none() && !args.allow_anonymous_render && !args.addr.ip().is_loopback() {
        return Err(super::Usage {
            message: format!(
                "POST /v1/render would be open to anyone on {} (no --api-key)",
                args.addr
            ),
            hint: "set --api-key (or CARDFARM_API_KEY), or pass --allow-anonymous-render \
                   (CARDFARM_ALLOW_ANONYMOUS_RENDER=true) to serve it open on purpose"
                .into(),
        }
        .into());
    }
    Ok(())
}
