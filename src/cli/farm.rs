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
    /// Copies of each stream, when the streams are created (3 in a 3-node cluster).
    #[arg(long, default_value_t = 1)]
    replicas: usize,
}

/// Warnings printed one per record before the rest are only counted.
const WARNINGS_SHOWN: usize = 10;

/// Queues one job per record. Nothing is dropped: a record that is JSON but not valid stats
/// is queued anyway, and a worker dead-letters it with the error naming the field; a line
/// that is not JSON at all goes straight to the dead-letter stream with its line number.
pub fn enqueue(args: EnqueueArgs, templates: &Path, fonts: &Path) -> anyhow::Result<ExitCode> {
    // The operator learns now, not from a million dead letters, that the plan selects nothing.
    let renderer = super::load(templates, fonts)?;
    let probe = Job {
        stats: serde_json::Value::Null,
        templates: args.templates.clone(),
        formats: args.formats.clone(),
    };
    probe.cards(renderer.templates())?;
    drop(renderer);

    let path = super::data_or_sample(args.data.clone());
    let dataset = Dataset::open(&path)?;
    let source = path.display().to_string();
    let warn = |shown: usize, message: String| {
        if shown < WARNINGS_SHOWN {
            eprintln!("warning: {message}");
        } else if shown == WARNINGS_SHOWN {
            eprintln!("warning: more bad records; only counting them from here");
        }
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let (published, queued, invalid, not_json) = runtime.block_on(async {
        let js = queue::connect(&args.queue.nats).await?;
        queue::ensure_streams(&js, &args.queue.stream, args.replicas).await?;
        let mut publisher = queue::Publisher::new(&js, &args.queue.stream);
        let (mut published, mut invalid, mut not_json) = (0, 0, 0);
        // One record at a time, read, checked and published: a dataset of millions of users
        // is never held in memory.
        for record in dataset.records()? {
            let record = record?;
            match record.value {
                Ok(value) => {
                    if let Err(e) = dataset.validate(record.line, value.clone()) {
                        warn(
                            invalid + not_json,
                            format!("{e} (queued; a worker will dead-letter it)"),
                        );
                        invalid += 1;
                    }
                    let job = Job {
                        stats: value,
                        templates: args.templates.clone(),
                        formats: args.formats.clone(),
                    };
                    publisher.publish(&job).await?;
                    published += 1;
                }
                Err(e) => {
                    warn(invalid + not_json, format!("{e} (dead-lettered now)"));
                    let stream = &args.queue.stream;
                    queue::dead_letter_record(&js, stream, &source, record.line, &record.text, &e)
                        .await?;
                    not_json += 1;
                }
            }
        }
        let queued = publisher.finish().await?;
        Ok::<_, cardfarm::Error>((published, queued, invalid, not_json))
    })?;
    println!(
        "queued {queued} jobs on stream {} ({} already queued, {invalid} with invalid stats for the workers to dead-letter); {not_json} lines dead-lettered at enqueue (not JSON)",
        args.queue.stream,
        published - queued,
    );
    if not_json > 0 {
        eprintln!(
            "{not_json} lines are not JSON; they are in {} with their line numbers",
            queue::dead_stream(&args.queue.stream)
        );
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
    let farm = Arc::new(Farm::new(renderer, sink, Some(images), concurrency, false)?);
    let config = worker::Config {
        in_flight: concurrency * 2,
        settings: Settings {
            ack_wait: Duration::from_secs(args.ack_wait.max(1)),
            max_deliver: args.max_deliver.max(1),
            replicas: args.replicas.max(1),
        },
        job_timeout: Duration::from_secs(args.job_timeout.max(1)),
        exit_when_empty: args.exit_when_empty,
        ..worker::Config::new(args.queue.stream.clone())
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
        redelivered = report.redelivered,
        cards = report.cards,
        cards_per_second = format!("{:.1}", report.cards_per_second()),
        megabytes = format!("{:.1}", report.bytes as f64 / 1e6),
        seconds = format!("{:.1}", report.elapsed.as_secs_f64()),
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
