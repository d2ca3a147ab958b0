//! The distributed farm: `cardfarm enqueue`, `cardfarm worker`, `cardfarm queue-status`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use cardfarm::dataset::Dataset;
use cardfarm::farm::Farm;
use cardfarm::job::Job;
use cardfarm::queue::{self, Settings};
use cardfarm::sink::Sink;
use cardfarm::worker;

#[derive(Debug, clap::Args)]
pub struct QueueArgs {
    /// NATS server URL.
    #[arg(long, env = "CARDFARM_NATS", default_value = "nats://127.0.0.1:4222")]
    nats: String,
    /// Work stream name (the dead letters go to `<stream>-dead`).
    #[arg(long, env = "CARDFARM_STREAM", default_value = "cardfarm")]
    stream: String,
}

#[derive(Debug, clap::Args)]
pub struct EnqueueArgs {
    #[command(flatten)]
    queue: QueueArgs,
    /// Dataset (JSON Lines). Default: the bundled sample.
    #[arg(long, env = "CARDFARM_DATA", value_name = "FILE.jsonl")]
    data: Option<PathBuf>,
    /// Templates for every job, comma separated. Default: all.
    #[arg(long, value_delimiter = ',')]
    templates: Option<Vec<String>>,
    /// Formats for every job, comma separated. Default: all a template has.
    #[arg(long, value_delimiter = ',')]
    formats: Option<Vec<String>>,
}

pub fn enqueue(args: EnqueueArgs) -> anyhow::Result<ExitCode> {
    let dataset = Dataset::open(&super::data_or_sample(args.data.clone()))?;
    let mut invalid = 0;
    let mut jobs = Vec::new();
    for user in dataset.users()? {
        match user {
            Ok(stats) => jobs.push(Job::new(
                &stats,
                args.templates.clone(),
                args.formats.clone(),
            )),
            Err(e) => {
                invalid += 1;
                eprintln!("warning: skipped: {e}");
            }
        }
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let queued = runtime.block_on(async {
        let js = queue::connect(&args.queue.nats).await?;
        queue::ensure_streams(&js, &args.queue.stream).await?;
        queue::enqueue(&js, &args.queue.stream, jobs).await
    })?;
    println!("queued {queued} jobs on stream {}", args.queue.stream);
    if invalid > 0 {
        eprintln!("{invalid} invalid records skipped");
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    queue: QueueArgs,
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
    /// Seconds a job may go unacknowledged before another worker gets it.
    #[arg(long, default_value_t = 30)]
    ack_wait: u64,
    /// Deliveries before a failing job is dead-lettered.
    #[arg(long, default_value_t = 5)]
    max_deliver: i64,
    /// Exit when the queue is empty and nothing is in flight.
    #[arg(long)]
    exit_when_empty: bool,
    /// Serve Prometheus metrics on this address (GET /metrics).
    #[arg(long, value_name = "ADDR")]
    metrics_addr: Option<std::net::SocketAddr>,
}

pub fn worker(args: WorkerArgs, templates: &Path, fonts: &Path) -> anyhow::Result<ExitCode> {
    super::serve::init_logging();
    let renderer = super::load_warm(templates, fonts)?;
    let concurrency = args.concurrency.unwrap_or_else(super::cores);
    let images = args
        .images
        .clone()
        .unwrap_or_else(|| super::resolve(None, "data"));
    let sink = Sink::open(&args.out, &super::s3_options_from_env())?;
    let farm = Arc::new(Farm::new(renderer, sink, Some(images), concurrency, false));
    let config = worker::Config {
        stream: args.queue.stream.clone(),
        in_flight: concurrency * 2,
        settings: Settings {
            ack_wait: Duration::from_secs(args.ack_wait.max(1)),
            max_deliver: args.max_deliver.max(1),
        },
        exit_when_empty: args.exit_when_empty,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(async {
        if let Some(addr) = args.metrics_addr {
            let metrics = farm.metrics.clone();
            let app = axum::Router::new().route(
                "/metrics",
                axum::routing::get(move || {
                    let metrics = metrics.clone();
                    async move { metrics.render() }
                }),
            );
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding the metrics address {addr}"))?;
            tokio::spawn(async move { axum::serve(listener, app).await });
        }
        let js = queue::connect(&args.queue.nats).await?;
        tracing::info!(stream = %config.stream, out = %farm.sink().description(), concurrency, "worker started");
        let report = worker::run(farm, js, config, super::serve::shutdown_signal()).await?;
        anyhow::Ok(report)
    })?;
    tracing::info!(
        done = report.done,
        retried = report.retried,
        dead = report.dead,
        "worker stopped"
    );
    Ok(ExitCode::SUCCESS)
}

pub fn status(args: QueueArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Runtime::new()?;
    let status = runtime.block_on(async {
        let js = queue::connect(&args.nats).await?;
        queue::status(&js, &args.stream).await
    })?;
    println!("{}", serde_json::to_string_pretty(&status)?);
    Ok(ExitCode::SUCCESS)
}
