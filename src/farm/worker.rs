//! Worker: drains the job queue. Pulls jobs with explicit acks, renders them on the farm's
//! bounded pool, acks only after every PNG is written, and never loses one:
//!
//! - the worker, not the server, counts deliveries (see [`crate::farm::queue`] for why the consumer
//!   redelivers without limit);
//! - a slow job reports progress (`+WPI`) every third of the consumer's ack wait, so it is not
//!   handed to a second worker; the heartbeat lives inside the job's task and ends with it;
//! - a job has a time limit; past it the job stops heartbeating and is dead-lettered;
//! - a retryable failure (storage, network) is nacked with a backoff that doubles with the
//!   delivery count from 1 s to a cap of a minute, plus up to 25% jitter (see `backoff`); on
//!   delivery `max_deliver` it is dead-lettered instead;
//! - a fatal failure (invalid stats, unknown template, no cards) goes to the dead-letter stream
//!   at once, with the error, and the original is acked;
//! - a job delivered *more* than `max_deliver` times was held by workers that died or lost it
//!   (killed, timed out, could not store the letter or ack): it is dead-lettered before it is
//!   rendered, so a job that crashes workers cannot crash the fleet forever;
//! - on shutdown the worker stops pulling, finishes and acks what it holds, and returns; if it
//!   is killed instead, JetStream redelivers its unacked jobs to the others after the ack wait.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, AckKind};
use futures::{FutureExt, StreamExt};
use sha2::{Digest, Sha256};
use tokio::task::JoinSet;

use crate::error::{Error, Result};
use crate::farm::engine::{Engine, Outcome};
use crate::farm::job::Job;
use crate::farm::queue::{self, DeadLetter, Settings};

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub stream: String,
    /// Jobs held at once. Default: 2.
    pub in_flight: usize,
    pub settings: Settings,
    /// Time a job may take, from its delivery to its last PNG stored. Default: 300 s.
    pub job_timeout: Duration,
    /// How long one pull waits for jobs when the queue is empty. Default: 5 s.
    pub pull_wait: Duration,
    /// Return once the queue is empty and nothing is in flight. Default: false.
    pub exit_when_empty: bool,
    /// Limits set on the dead-letter stream; `None` leaves an existing stream's alone.
    /// Default: `None`.
    pub dead_limits: Option<queue::DeadLimits>,
}

impl Config {
    /// The defaults, for `stream`.
    pub fn new(stream: impl Into<String>) -> Config {
        Config {
            stream: stream.into(),
            in_flight: 2,
            settings: Settings::default(),
            job_timeout: Duration::from_secs(300),
            pull_wait: Duration::from_secs(5),
            exit_when_empty: false,
            dead_limits: None,
        }
    }
}

/// What a worker did before it returned.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    /// Jobs whose cards are all stored, and acked.
    pub done: u64,
    /// Job attempts that failed and were left to come back.
    pub retried: u64,
    /// Jobs moved to the dead-letter stream.
    pub dead: u64,
    /// Jobs received that had been delivered before (to this worker or another).
    pub redelivered: u64,
    /// Pulls that failed (the consumer or stream gone, the server unreachable).
    pub pull_errors: u64,
    /// Cards written.
    pub cards: u64,
    /// Cards not drawn again: stored already from the same fingerprint.
    pub skipped: u64,
    /// Jobs of opted-out users: acked without rendering or writing.
    pub opted_out: u64,
    pub bytes: u64,
    pub elapsed: Duration,
}

impl Report {
    /// Cards written per second of the worker's wall time.
    pub fn cards_per_second(&self) -> f64 {
        self.cards as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

#[derive(Debug)]
enum Fate {
    Done {
        cards: u64,
        skipped: u64,
        bytes: u64,
        opted_out: bool,
    },
    Retried,
    Dead,
}

/// What every job task needs.
struct Shared {
    engine: Arc<Engine>,
    js: jetstream::Context,
    stream: String,
    max_deliver: i64,
    job_timeout: Duration,
    /// A third of the consumer's actual ack wait.
    heartbeat: Duration,
}

/// Runs until `shutdown` resolves (or, with `exit_when_empty`, the queue is drained).
pub async fn run(
    engine: Arc<Engine>,
    js: jetstream::Context,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> Result<Report> {
    let started = Instant::now();
    let stream = queue::ensure_streams_with(
        &js,
        &config.stream,
        config.settings.replicas,
        config.dead_limits,
    )
    .await?;
    let consumer = queue::consumer(&stream, &config.stream, &config.settings).await?;
    let shared = Arc::new(Shared {
        engine,
        js,
        stream: config.stream.clone(),
        max_deliver: config.settings.max_deliver.max(1),
        job_timeout: config.job_timeout,
        heartbeat: (consumer.cached_info().config.ack_wait / 3).max(Duration::from_millis(100)),
    });
    let mut report = Report::default();
    let mut tasks: JoinSet<Fate> = JoinSet::new();
    let limit = config.in_flight.max(1);
    let mut pull_errors = 0u32;
    tokio::pin!(shutdown);
    'pull: loop {
        while let Some(joined) = tasks.try_join_next() {
            tally(&mut report, joined);
        }
        let room = limit - tasks.len();
        if room == 0 {
            tokio::select! {
                biased;
                _ = &mut shutdown => break,
                joined = tasks.join_next() => if let Some(j) = joined { tally(&mut report, j) },
            }
            continue;
        }
        // A waiting pull: the server answers as soon as a job is there, or after `pull_wait`.
        let request = consumer
            .batch()
            .max_messages(room)
            .expires(config.pull_wait)
            .messages();
        let batch = tokio::select! {
            biased;
            _ = &mut shutdown => break,
            batch = request => batch,
        };
        let mut batch = match batch {
            Ok(batch) => batch,
            Err(e) => {
                report.pull_errors += 1;
                if pause_after_pull_error(&mut pull_errors, e.to_string(), &mut shutdown).await {
                    break;
                }
                continue;
            }
        };
        let mut got = 0;
        loop {
            tokio::select! {
                biased;
                _ = &mut shutdown => {
                    // Jobs already in our hands are ours to finish; the rest stay queued.
                    while let Some(Some(Ok(message))) = batch.next().now_or_never() {
                        spawn(&mut tasks, &mut report, &shared, message);
                    }
                    break 'pull;
                }
                message = batch.next() => match message {
                    None => break,
                    Some(Ok(message)) => {
                        got += 1;
                        pull_errors = 0;
                        spawn(&mut tasks, &mut report, &shared, message);
                    }
                    // The pull was refused (consumer or stream deleted, server trouble): the
                    // batch ends here.
                    Some(Err(e)) => {
                        report.pull_errors += 1;
                        if pause_after_pull_error(&mut pull_errors, e.to_string(), &mut shutdown).await {
                            break 'pull;
                        }
                        continue 'pull;
                    }
                },
                joined = tasks.join_next(), if !tasks.is_empty() => {
                    if let Some(j) = joined {
                        tally(&mut report, j);
                    }
                }
            }
        }
        pull_errors = 0;
        if got == 0 && tasks.is_empty() && config.exit_when_empty {
            let mut c = consumer.clone();
            let info = c
                .info()
                .await
                .map_err(|e| Error::Queue(format!("consumer info: {e}")))?;
            if info.num_pending == 0 && info.num_ack_pending == 0 {
                break;
            }
        }
    }
    // Stop pulling; finish and ack what we hold.
    if !tasks.is_empty() {
        tracing::info!(jobs = tasks.len(), "finishing the jobs in hand");
    }
    while let Some(joined) = tasks.join_next().await {
        tally(&mut report, joined);
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

fn spawn(
    tasks: &mut JoinSet<Fate>,
    report: &mut Report,
    shared: &Arc<Shared>,
    message: jetstream::Message,
) {
    if message.info().is_ok_and(|i| i.delivered > 1) {
        report.redelivered += 1;
    }
    let shared = shared.clone();
    tasks.spawn(async move { handle(&shared, message).await });
}

/// Logs a failed pull and waits before the next, longer each time in a row (0.1 s doubling
/// to 10 s), so a deleted consumer or an unreachable server is neither a silent spin nor a
/// log flood. Returns true if shutdown came while waiting.
async fn pause_after_pull_error(
    errors: &mut u32,
    error: String,
    shutdown: &mut std::pin::Pin<&mut impl Future<Output = ()>>,
) -> bool {
    *errors += 1;
    let delay = Duration::from_millis(100 << (*errors - 1).min(7)).min(Duration::from_secs(10));
    tracing::warn!(error = %error, attempt = *errors, ?delay, "pulling jobs failed; retrying");
    tokio::select! {
        biased;
        _ = shutdown.as_mut() => true,
        _ = tokio::time::sleep(delay) => false,
    }
}

fn tally(report: &mut Report, joined: std::result::Result<Fate, tokio::task::JoinError>) {
    match joined {
        Ok(Fate::Done {
            cards,
            skipped,
            bytes,
            opted_out,
        }) => {
            report.done += 1;
            report.opted_out += u64::from(opted_out);
            report.cards += cards;
            report.skipped += skipped;
            report.bytes += bytes;
        }
        Ok(Fate::Retried) => report.retried += 1,
        Ok(Fate::Dead) => report.dead += 1,
        // The job's task panicked and the message was not acked: JetStream delivers it again
        // after the ack wait, and the delivery count ends it if it keeps doing so.
        Err(e) => {
            tracing::error!(error = %e, "a job's task failed; the job will be redelivered");
            report.retried += 1;
        }
    }
}

async fn handle(shared: &Shared, message: jetstream::Message) -> Fate {
    let info = message.info().ok();
    let deliveries = info.as_ref().map_or(1, |i| i.delivered);
    let letter_id = match &info {
        Some(i) => queue::dead_letter_id(i.stream_sequence, i.published.unix_timestamp_nanos()),
        None => format!(
            "dead:{}",
            hex::encode(&Sha256::digest(&message.payload)[..12])
        ),
    };
    let parsed = Job::from_bytes(&message.payload);
    let user = parsed.as_ref().map_or("?", |j| j.user_id()).to_string();
    let result = if deliveries > shared.max_deliver {
        // Its earlier holders never finished it; do not let it take a render thread again.
        Err(Error::Abandoned { deliveries })
    } else {
        match parsed {
            Ok(job) => process(shared, &message, &job).await,
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(outcome) => {
            if let Err(e) = message.double_ack().await {
                // Not acked: it comes back and is rendered again, to the same bytes.
                tracing::warn!(%user, error = %e, "ack failed; the job will be redelivered");
                return Fate::Retried;
            }
            shared.engine.metrics.jobs_done.inc();
            if outcome.opted_out {
                tracing::info!(%user, "opted out: acked without rendering");
            }
            Fate::Done {
                cards: outcome.written as u64,
                skipped: outcome.skipped as u64,
                bytes: outcome.bytes,
                opted_out: outcome.opted_out,
            }
        }
        Err(e) if e.is_retryable() && deliveries < shared.max_deliver => {
            let delay = backoff(deliveries);
            tracing::warn!(%user, error = %e, deliveries, ?delay, "job failed; retrying later");
            shared.engine.metrics.jobs_failed.inc();
            if let Err(nak) = message.ack_with(AckKind::Nak(Some(delay))).await {
                tracing::warn!(%user, error = %nak, "nak failed; the job returns after the ack wait");
            }
            Fate::Retried
        }
        Err(e) => {
            tracing::error!(%user, error = %e, deliveries, "job failed for good; dead-lettering");
            let letter = DeadLetter {
                user_id: user.clone(),
                error: e.to_string(),
                retryable: e.is_retryable(),
                deliveries,
                job: serde_json::from_slice(&message.payload)
                    .unwrap_or_else(|_| String::from_utf8_lossy(&message.payload).into()),
                line: None,
                truncated: false,
            };
            if let Err(dead) =
                queue::dead_letter(&shared.js, &shared.stream, &letter, &letter_id).await
            {
                // Could not park it: hand it back, so it is neither lost nor dropped. Should
                // this keep failing, the delivery count dead-letters it in the end.
                tracing::error!(%user, error = %dead, "dead-lettering failed; the job will be redelivered");
                let _ = message
                    .ack_with(AckKind::Nak(Some(backoff(deliveries))))
                    .await;
                return Fate::Retried;
            }
            if let Err(ack) = message.double_ack().await {
                // It comes back and is dead-lettered again; the letter's id makes the second
                // one a duplicate the stream drops.
                tracing::warn!(%user, error = %ack, "dead-lettered, but the ack failed; the job will be redelivered");
            }
            shared.engine.metrics.jobs_dead.inc();
            Fate::Dead
        }
    }
}

/// Renders the job within its time limit, reporting progress meanwhile. The heartbeat is part
/// of this future: it stops when the job ends, fails, times out or its task is dropped.
async fn process(shared: &Shared, message: &jetstream::Message, job: &Job) -> Result<Outcome> {
    let work = tokio::time::timeout(shared.job_timeout, async {
        shared
            .engine
            .process(job)
            .await
            .and_then(Outcome::into_result)
    });
    let heartbeat = async {
        let mut tick = tokio::time::interval_at(
            tokio::time::Instant::now() + shared.heartbeat,
            shared.heartbeat,
        );
        loop {
            tick.tick().await;
            if let Err(e) = message.ack_with(AckKind::Progress).await {
                tracing::warn!(user = job.user_id(), error = %e, "progress ack failed");
            }
        }
    };
    tokio::select! {
        // Past the limit the job is given up on and dead-lettered. Its render thread cannot be
        // killed: it runs on to the end of its cards, keeping its place in the render pool
        // (so the pool is never oversubscribed), and its result is dropped.
        result = work => result.unwrap_or(Err(Error::TimedOut {
            limit: shared.job_timeout,
        })),
        () = heartbeat => unreachable!("the heartbeat loops until dropped"),
    }
}

/// The longest pause before a retry, before jitter.
const BACKOFF_CAP: Duration = Duration::from_secs(60);

/// How long a failed job waits before its next delivery: 1 s after the first delivery, doubling
/// with each (2 s, 4 s … 32 s), capped at [`BACKOFF_CAP`] (a minute) from the seventh on; plus
/// a jitter of 0 to 25% of that, so retries do not march in step. Every delay is therefore in
/// `[base, 1.25 × base)`, at most 75 s.
fn backoff(deliveries: i64) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    backoff_with(deliveries, f64::from(nanos % 1000) / 1000.0)
}

/// [`backoff`] with its randomness given: `jitter` in `[0, 1)` adds that fraction of 25%.
fn backoff_with(deliveries: i64, jitter: f64) -> Duration {
    // 2^(deliveries - 1) seconds; from 2^6 = 64 s on, the cap. Clamped first, so no shift
    // overflows whatever count the server reports.
    let doublings = deliveries.clamp(1, 7) - 1;
    let base = Duration::from_secs(1 << doublings).min(BACKOFF_CAP);
    base + base.mul_f64(jitter.clamp(0.0, 1.0) / 4.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_minute_with_a_quarter_of_jitter() {
        let secs = |s: f64| Duration::from_secs_f64(s);
        for (deliveries, base) in [
            (i64::MIN, 1.0),
            (0, 1.0),
            (1, 1.0),
            (2, 2.0),
            (3, 4.0),
            (4, 8.0),
            (5, 16.0),
            (6, 32.0),
            (7, 60.0),
            (8, 60.0),
            (50, 60.0),
            (i64::MAX, 60.0),
        ] {
            assert_eq!(backoff_with(deliveries, 0.0), secs(base), "{deliveries}");
            assert_eq!(
                backoff_with(deliveries, 0.5),
                secs(base * 1.125),
                "{deliveries}"
            );
            assert!(
                backoff_with(deliveries, 0.999) < secs(base * 1.25),
                "{deliveries}"
            );
            let real = backoff(deliveries);
            assert!(
                real >= secs(base) && real < secs(base * 1.25),
                "{deliveries}: {real:?}"
            );
        }
    }
}
