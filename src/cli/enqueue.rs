//! `cardfarm enqueue`: one render job per user of a dataset, published on NATS JetStream for
//! the workers.

use std::path::PathBuf;
use std::process::ExitCode;

use cardfarm::farm::dataset::Dataset;
use cardfarm::farm::job::Job;
use cardfarm::farm::queue::{self, Published};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    queue: super::QueueArgs,
    /// Dataset (JSON Lines). Default: the bundled sample.
    #[arg(long, env = "CARDFARM_DATA", value_name = "FILE.jsonl")]
    data: Option<PathBuf>,
    #[command(flatten)]
    cards: super::Selection,
    #[command(flatten)]
    encoding: super::EncodingArgs,
    /// Copies of each stream, when the streams are created (3 in a 3-node cluster).
    #[arg(long, default_value_t = 1)]
    replicas: usize,
    #[command(flatten)]
    dead: super::dead_letters::LimitArgs,
    #[command(flatten)]
    opt_out: super::OptOutArgs,
}

/// Warnings printed one per record before the rest are only counted.
const WARNINGS_SHOWN: usize = 10;

/// What became of the dataset's records.
#[derive(Default)]
struct Tally {
    published: usize,
    invalid: usize,
    /// Dead-lettered at once: not UTF-8, not JSON, or larger than a message can be.
    parked: usize,
    /// Superseded by a later record of the same user, not queued.
    duplicates: usize,
    /// Users on the opt-out list, not queued.
    opted_out: usize,
}

/// Queues one job per user. Nothing is dropped: a record that is JSON but not valid stats
/// is queued anyway, and a worker dead-letters it with the error naming the field; a line
/// that is not UTF-8 or not JSON, or too large for the queue, goes straight to the dead-letter
/// stream with its line number. A user on several lines is queued once, with their last
/// record (as `batch` renders it), and each earlier line is reported.
pub fn run(args: Args, setup: &super::Setup) -> anyhow::Result<ExitCode> {
    // The operator learns now, not from a million dead letters, that the plan selects nothing.
    let renderer = setup.load()?;
    let cards = args.cards.selection();
    let encoding = args.encoding.encoding()?;
    cards.cards(renderer.templates())?;
    drop(renderer);

    let path = super::data_or_sample(args.data.clone());
    let dataset = Dataset::open(&path)?;
    let source = path.display().to_string();
    let mut shown = 0;
    let mut warn = |message: String| {
        if shown < WARNINGS_SHOWN {
            eprintln!("warning: {message}");
        } else if shown == WARNINGS_SHOWN {
            eprintln!("warning: more bad records; only counting them from here");
        }
        shown += 1;
    };
    // One light pass (user ids only) finds each user's last record.
    let index = dataset.index()?;
    let runtime = tokio::runtime::Runtime::new()?;
    let (tally, queued) = runtime.block_on(async {
        let opt_out = args.opt_out.load().await?;
        let js = queue::connect_to(&args.queue.endpoint()).await?;
        let stream = &args.queue.stream;
        queue::ensure_streams_with(&js, stream, args.replicas, Some(args.dead.limits())).await?;
        let mut publisher = queue::Publisher::new(&js, stream);
        let mut tally = Tally::default();
        // One record at a time, read, checked and published: a dataset of millions of users
        // is never held in memory.
        for record in dataset.records()? {
            let record = record?;
            if let Some(duplicate) = index.superseded(&record) {
                warn(format!("{source}: {duplicate}"));
                tally.duplicates += 1;
                continue;
            }
            // Not queued at all; a worker checks again when it takes a job, for opt-outs
            // that arrive while the queue drains.
            if record.user_id().is_some_and(|id| opt_out.contains(id)) {
                tally.opted_out += 1;
                continue;
            }
            // A line that is not JSON, or a record too large to be a message, is dead-lettered
            // now with its line number; anything else is queued.
            let reason = match record.value {
                Err(e) => e.to_string(),
                Ok(value) => {
                    let invalid = dataset.validate(record.line, value.clone()).err();
                    let job = Job {
                        stats: value,
                        cards: cards.clone(),
                        encoding,
                    };
                    match publisher.publish(&job).await? {
                        Published::Sent => {
                            if let Some(e) = invalid {
                                warn(format!("{e} (queued; a worker will dead-letter it)"));
                                tally.invalid += 1;
                            }
                            tally.published += 1;
                            continue;
                        }
                        Published::TooLarge { size, limit } => format!(
                            "{source}, line {}: the record is {size} bytes, more than the \
                             queue's max payload of {limit} bytes",
                            record.line
                        ),
                    }
                }
            };
            warn(format!("{reason} (dead-lettered now)"));
            queue::dead_letter_record(&js, stream, &source, record.line, &record.text, &reason)
                .await?;
            tally.parked += 1;
        }
        let queued = publisher.finish().await?;
        anyhow::Ok((tally, queued))
    })?;
    let Tally {
        published,
        invalid,
        parked,
        duplicates,
        opted_out,
    } = tally;
    println!(
        "queued {queued} jobs on stream {} ({} already queued, {invalid} with invalid stats for the workers to dead-letter); {parked} lines dead-lettered at enqueue (not UTF-8, not JSON or too large); {duplicates} records superseded by a later record of the same user; {opted_out} users opted out, not queued",
        args.queue.stream,
        published - queued,
    );
    if parked > 0 {
        eprintln!(
            "{parked} lines could not be queued; they are in {} with their line numbers",
            queue::dead_stream(&args.queue.stream)
        );
    }
    Ok(ExitCode::SUCCESS)
}
