//! `cardfarm enqueue`: one render job per user of a dataset, published on NATS JetStream for
//! the workers.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cardfarm::farm::dataset::Dataset;
use cardfarm::farm::job::Job;
use cardfarm::farm::queue;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    queue: super::QueueArgs,
    /// Dataset (JSON Lines). Default: the bundled sample.
    #[arg(long, env = "CARDFARM_DATA", value_name = "FILE.jsonl")]
    data: Option<PathBuf>,
    #[command(flatten)]
    cards: super::Selection,
    /// Copies of each stream, when the streams are created (3 in a 3-node cluster).
    #[arg(long, default_value_t = 1)]
    replicas: usize,
}

/// Warnings printed one per record before the rest are only counted.
const WARNINGS_SHOWN: usize = 10;

/// Queues one job per record. Nothing is dropped: a record that is JSON but not valid stats
/// is queued anyway, and a worker dead-letters it with the error naming the field; a line
/// that is not JSON at all goes straight to the dead-letter stream with its line number.
pub fn run(args: Args, templates: &Path, fonts: &Path) -> anyhow::Result<ExitCode> {
    // The operator learns now, not from a million dead letters, that the plan selects nothing.
    let renderer = super::load(templates, fonts)?;
    let cards = args.cards.selection();
    cards.cards(renderer.templates())?;
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
        let js = queue::connect_to(&args.queue.endpoint()).await?;
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
                        cards: cards.clone(),
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
