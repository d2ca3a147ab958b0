//! `cardfarm worker`: drains the job queue, rendering and storing cards until stopped (or,
//! with `--exit-when-empty`, until the queue is empty).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use cardfarm::farm::queue::{self, Settings};
use cardfarm::farm::sink::Sink;
use cardfarm::farm::{probe, worker, Engine};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    queue: super::QueueArgs,
    /// Where the PNGs go: a folder or s3://bucket/prefix.
    #[arg(long, env = "CARDFARM_OUT", value_name = "DIR | s3://bucket/prefix")]
    out: String,
    /// Folder that relative image paths in the jobs' stats resolve against. Default: the
    /// bundled sample's folder.
    #[arg(long, env = "CARDFARM_IMAGES", value_name = "DIR")]
    images: Option<PathBuf>,
    /// Render threads. Default: the number of cores.
    #[arg(long)]
    concurrency: Option<usize>,
    /// Seconds a job may go unacknowledged before another worker gets it. Sets the shared
    /// consumer's ack wait: every worker of a stream should use the same value.
    #[arg(long, default_value_t = 30)]
    ack_wait: u64,
    /// Deliveries before a job that keeps failing is dead-lettered; a job delivered more often
    /// (its workers crashed or timed out) is dead-lettered without rendering.
    #[arg(long, default_value_t = 5)]
    max_deliver: i64,
    /// Seconds a job may take before it is given up on and dead-lettered.
    #[arg(long, default_value_t = 300)]
    job_timeout: u64,
    /// Copies of each stream, when the streams are created (3 in a 3-node cluster).
    #[arg(long, default_value_t = 1)]
    replicas: usize,
    #[command(flatten)]
    dead: super::dead_letters::LimitArgs,
    /// Exit when the queue is empty and nothing is in flight.
    #[arg(long)]
    exit_when_empty: bool,
    /// Serve GET /metrics (Prometheus), /healthz (liveness) and /readyz (connected to NATS and
    /// the sink answers) on this address.
    #[arg(long, value_name = "ADDR")]
    metrics_addr: Option<std::net::SocketAddr>,
    #[command(flatten)]
    opt_out: super::OptOutArgs,
    #[command(flatten)]
    warm: super::WarmArgs,
}

pub fn run(args: Args, setup: &super::Setup) -> anyhow::Result<ExitCode> {
    super::init_logging();
    let (renderer, warmed) = args.warm.warm(setup, setup.load()?)?;
    tracing::info!("{warmed}");
    let concurrency = args
        .concurrency
        .unwrap_or_else(cardfarm::card::threads::cores);
    let images = cardfarm::card::photo::folder(
        &args
            .images
            .clone()
            .unwrap_or_else(|| super::resolve(None, "data")),
    );
    let sink = Sink::open(&args.out, &super::s3_options_from_env())?;
    let runtime = tokio::runtime::Runtime::new()?;
    let opt_out = runtime.block_on(args.opt_out.load_shared())?;
    let engine = Arc::new(
        Engine::new(renderer, sink, Some(images), concurrency, true)?.with_opt_out(opt_out),
    );
    let config = worker::Config {
        in_flight: concurrency * 2,
        settings: Settings {
            ack_wait: Duration::from_secs(args.ack_wait.max(1)),
            max_deliver: args.max_deliver.max(1),
            replicas: args.replicas.max(1),
        },
        job_timeout: Duration::from_secs(args.job_timeout.max(1)),
        exit_when_empty: args.exit_when_empty,
        dead_limits: Some(args.dead.limits()),
        ..worker::Config::new(args.queue.stream.clone())
    };
    let report = runtime.block_on(async {
        let nats = probe::Nats::default();
        if let Some(addr) = args.metrics_addr {
            let app = probe::app(engine.clone(), nats.clone());
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding the metrics address {addr}"))?;
            tokio::spawn(async move { axum::serve(listener, app).await });
        }
        let js = queue::connect_to(&args.queue.endpoint()).await?;
        let _ = nats.set(js.client());
        tracing::info!(stream = %config.stream, out = %engine.sink().description(), concurrency, "worker started");
        let report = worker::run(engine, js, config, super::shutdown_signal()).await?;
        anyhow::Ok(report)
    })?;
    tracing::info!(
        done = report.done,
        retried = report.retried,
        dead = report.dead,
        redelivered = report.redelivered,
        cards = report.cards,
        skipped = report.skipped,
        opted_out = report.opted_out,
        cards_per_second = format!("{:.1}", report.cards_per_second()),
        megabytes = format!("{:.1}", report.bytes as f64 / 1e6),
        seconds = format!("{:.1}", report.elapsed.as_secs_f64()),
        "worker stopped"
    );
    Ok(ExitCode::SUCCESS)
}
