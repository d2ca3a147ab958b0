//! Queue: render jobs on NATS JetStream.
//!
//! - The work stream `<stream>` (subject `<stream>.jobs`) has work-queue retention: a message
//!   lives until a worker acks it. Publishes carry a `Nats-Msg-Id`, so enqueueing the same job
//!   twice within the duplicate window stores it once.
//! - One durable pull consumer, `workers`, shared by every worker: explicit acks and an ack
//!   wait (a job not acked in time goes to another worker). Its server-side `max_deliver` is
//!   unlimited on purpose: the *worker* counts deliveries and dead-letters a job when the count
//!   reaches its limit. With a server-side limit, a job whose last delivery died with its worker
//!   (killed, timed out, dead letter not stored, ack lost) would never be delivered again, and
//!   nobody would dead-letter it: it would be lost.
//! - The dead-letter stream `<stream>-dead` keeps jobs that failed for good, with the error:
//!   subject `<stream>-dead.jobs` for jobs a worker gave up on, `<stream>-dead.records` for
//!   dataset lines `enqueue` could not even read as JSON. Letters carry a `Nats-Msg-Id`
//!   derived from the original message, so a job dead-lettered twice (its ack was lost) is
//!   stored once.
//!
//! - The dead-letter stream has limits ([`DeadLimits`]: 30 days and 1 GiB by default, oldest
//!   dropped first), so a long-running fleet's letters cannot fill the disk. [`read_dead_letters`],
//!   [`replay`] and [`purge_dead_letters`] are `cardfarm dead-letters list|replay|purge`.
//! - A record or job larger than the server's `max_payload` cannot be a message: `enqueue`
//!   dead-letters it with its line number ([`Publisher::publish`] says [`Published::TooLarge`]),
//!   and a letter that would not fit keeps an excerpt of its job (`truncated`).
//! - [`connect_to`] reaches the server with the credentials of an [`Endpoint`]: a user and
//!   password or a token in the URL, or a `.creds` file; the URL is shown only with its secrets
//!   masked ([`crate::redact::url`]).
//!
//! [`status`] derives `completed` from stream counters, since a work queue keeps no record of
//! acked messages: every message ever stored in the work stream (its last sequence), less
//! those still in it, was acked, either as done or after being dead-lettered by a worker; so
//! `completed = last_sequence - messages - letters under <stream>-dead.jobs`. That holds while
//! nobody removes messages by hand: purging or deleting messages from the work stream counts
//! them as completed, and removing letters from the dead stream (after a replay, say) counts
//! those jobs as completed too. A job dead-lettered twice outside the duplicate window counts
//! twice as dead.

use std::time::Duration;

use async_nats::jetstream::context::ConsumerInfoErrorKind;
use async_nats::jetstream::{self, consumer, stream};
use async_nats::HeaderMap;
use futures::StreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::farm::job::Job;

mod connect;
mod dead;

pub use connect::{connect, connect_to, Endpoint};
pub use dead::{
    dead_letter, dead_letter_id, dead_letter_record, purge_dead_letters, read_dead_letters, replay,
    DeadLetter, DeadLimits, Replayed, StoredLetter,
};

/// Consumer settings every worker shares.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Time a worker has to ack (or report progress) before the job is handed to another.
    /// Default: 30 s.
    pub ack_wait: Duration,
    /// Deliveries before a retryable failure becomes a dead letter; a job delivered more often
    /// than this (its workers died holding it) is dead-lettered before it is rendered. Counted
    /// by the worker; the consumer itself never stops redelivering. Default: 5.
    pub max_deliver: i64,
    /// Copies of each stream in a JetStream cluster (1, 3 or 5), when a stream is created.
    /// Default: 1.
    pub replicas: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            ack_wait: Duration::from_secs(30),
            max_deliver: 5,
            replicas: 1,
        }
    }
}

pub const CONSUMER: &str = "workers";

pub fn subject(stream: &str) -> String {
    format!("{stream}.jobs")
}

pub fn dead_stream(stream: &str) -> String {
    format!("{stream}-dead")
}

/// Where `enqueue` parks dataset lines that are not JSON.
pub fn dead_records_subject(stream: &str) -> String {
    format!("{}.records", dead_stream(stream))
}

fn queue_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Queue(format!("{what}: {e}"))
}

/// Creates (or finds) the work stream and its dead-letter stream, with `replicas` copies when
/// created. An existing stream keeps its replication; a mismatch is logged, not changed. A new
/// dead-letter stream gets the default [`DeadLimits`]; an existing one keeps its own.
pub async fn ensure_streams(
    js: &jetstream::Context,
    name: &str,
    replicas: usize,
) -> Result<stream::Stream> {
    ensure_streams_with(js, name, replicas, None).await
}

/// [`ensure_streams`], with the dead-letter stream's limits: `Some` sets them on a new stream
/// and brings an existing one in line (`enqueue` and `worker` pass their flags), `None` uses
/// the defaults for a new stream and leaves an existing one alone.
pub async fn ensure_streams_with(
    js: &jetstream::Context,
    name: &str,
    replicas: usize,
    limits: Option<DeadLimits>,
) -> Result<stream::Stream> {
    let replicas = replicas.max(1);
    let wanted = limits.unwrap_or_default();
    let work = js
        .get_or_create_stream(stream::Config {
            name: name.to_string(),
            subjects: vec![subject(name)],
            retention: stream::RetentionPolicy::WorkQueue,
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(120),
            num_replicas: replicas,
            ..Default::default()
        })
        .await
        .map_err(|e| queue_err(&format!("creating stream {name}"), e))?;
    let dead = dead_stream(name);
    let mut dead_letters = js
        .get_or_create_stream(stream::Config {
            name: dead.clone(),
            subjects: vec![subject(&dead), dead_records_subject(name)],
            retention: stream::RetentionPolicy::Limits,
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(120),
            num_replicas: replicas,
            max_age: wanted.max_age,
            max_bytes: wanted.bytes(),
            discard: stream::DiscardPolicy::Old,
            ..Default::default()
        })
        .await
        .map_err(|e| queue_err(&format!("creating stream {dead}"), e))?;
    // The dead stream takes both subjects, jobs and unreadable records; a stream that lacks
    // one (made by hand, or by a tool that knew only jobs) gets it added.
    let mut config = dead_letters
        .info()
        .await
        .map_err(|e| queue_err(&format!("stream {dead}"), e))?
        .config
        .clone();
    let mut changed = false;
    if !config.subjects.contains(&dead_records_subject(name)) {
        config.subjects.push(dead_records_subject(name));
        changed = true;
    }
    if let Some(limits) = limits {
        if config.max_age != limits.max_age || config.max_bytes != limits.bytes() {
            tracing::info!(
                stream = %dead,
                max_age = ?limits.max_age,
                max_bytes = limits.max_bytes,
                "setting the dead-letter stream's limits"
            );
            config.max_age = limits.max_age;
            config.max_bytes = limits.bytes();
            changed = true;
        }
    }
    if changed {
        js.update_stream(&config)
            .await
            .map_err(|e| queue_err(&format!("updating stream {dead}"), e))?;
    }
    for (stream_name, actual) in [
        (name, work.cached_info().config.num_replicas),
        (dead.as_str(), config.num_replicas),
    ] {
        if actual.max(1) != replicas {
            tracing::warn!(
                stream = stream_name,
                actual,
                requested = replicas,
                "the stream exists with another replica count; left as it is"
            );
        }
    }
    Ok(work)
}

/// The shared durable consumer of the work stream, created or brought in line with
/// `settings`: an ack wait of `settings.ack_wait` and unlimited server-side deliveries.
///
/// JetStream 2.9 updates both on a create with the same durable name. A worker started with
/// another ack wait than the fleet's changes it for everyone (logged as a warning); the
/// returned consumer's config is checked, so a server that refused the update is an error
/// rather than a silent disagreement about when a job is handed to someone else.
pub async fn consumer(
    stream: &stream::Stream,
    name: &str,
    settings: &Settings,
) -> Result<consumer::PullConsumer> {
    let wanted = consumer::pull::Config {
        durable_name: Some(CONSUMER.to_string()),
        ack_policy: consumer::AckPolicy::Explicit,
        ack_wait: settings.ack_wait,
        max_deliver: -1,
        filter_subject: subject(name),
        ..Default::default()
    };
    match stream.consumer_info(CONSUMER).await {
        Ok(old) if old.config.ack_wait != wanted.ack_wait || old.config.max_deliver != -1 => {
            tracing::warn!(
                consumer = CONSUMER,
                old_ack_wait = ?old.config.ack_wait,
                new_ack_wait = ?wanted.ack_wait,
                old_max_deliver = old.config.max_deliver,
                "updating the shared consumer: workers started with other settings should be restarted"
            );
        }
        Ok(_) => {}
        Err(e) if e.kind() == ConsumerInfoErrorKind::NotFound => {}
        Err(e) => return Err(queue_err("reading the workers consumer", e)),
    }
    // The server answers with the consumer's config as it now stands.
    let consumer = stream
        .create_consumer(wanted.clone())
        .await
        .map_err(|e| queue_err("creating or updating the workers consumer", e))?;
    let actual = &consumer.cached_info().config;
    if actual.ack_wait != wanted.ack_wait || actual.max_deliver > 0 {
        return Err(Error::Queue(format!(
            "the {CONSUMER} consumer kept ack_wait {:?} and max_deliver {} (wanted {:?} and \
             unlimited); delete it and start the workers again",
            actual.ack_wait, actual.max_deliver, wanted.ack_wait
        )));
    }
    Ok(consumer)
}

/// Publishes jobs to a work stream, one at a time, each with its dedup id. The server's
/// acks are awaited in windows: fast, and bounded in memory however many jobs a dataset has.
pub struct Publisher<'a> {
    js: &'a jetstream::Context,
    subject: String,
    pending: Vec<jetstream::context::PublishAckFuture>,
    stored: usize,
    /// The server's largest message (NATS `max_payload`, headers included).
    max_payload: usize,
}

/// What [`Publisher::publish`] did with a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// Handed to the server (stored, or found already queued: see [`Publisher::finish`]).
    Sent,
    /// Not sent: the message would be larger than the server takes (`max_payload`).
    TooLarge { size: usize, limit: usize },
}

impl<'a> Publisher<'a> {
    /// Publishes to the work stream `name` (which must exist: [`ensure_streams`]).
    pub fn new(js: &'a jetstream::Context, name: &str) -> Publisher<'a> {
        Publisher {
            js,
            subject: subject(name),
            pending: Vec::new(),
            stored: 0,
            max_payload: max_payload(js),
        }
    }

    /// Publishes `job`, unless it is larger than the server's `max_payload`: the server would
    /// refuse it (and close the connection), so it is [`Published::TooLarge`] instead, for
    /// the caller to dead-letter.
    pub async fn publish(&mut self, job: &Job) -> Result<Published> {
        let bytes = job.to_bytes();
        let id = format!(
            "{}:{}",
            job.user_id(),
            hex::encode(&Sha256::digest(&bytes)[..8])
        );
        let size = bytes.len() + HEADER_ROOM + id.len();
        if size > self.max_payload {
            return Ok(Published::TooLarge {
                size: bytes.len(),
                limit: self.max_payload,
            });
        }
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", id.as_str());
        let ack = self
            .js
            .publish_with_headers(self.subject.clone(), headers, bytes.into())
            .await
            .map_err(|e| queue_err("publishing a job", e))?;
        self.pending.push(ack);
        if self.pending.len() >= 256 {
            self.stored += settle(&mut self.pending).await?;
        }
        Ok(Published::Sent)
    }

    /// Waits for the last acks. Returns how many jobs were stored: a job already queued (the
    /// same user and job, within the stream's duplicate window) is not stored twice.
    pub async fn finish(mut self) -> Result<usize> {
        Ok(self.stored + settle(&mut self.pending).await?)
    }
}

/// Bytes kept free in a message for its headers (`NATS/1.0`, `Nats-Msg-Id`, the reason of a
/// dead letter), besides the id itself.
const HEADER_ROOM: usize = 512;

/// The largest message the server takes (`max_payload`, 1 MiB unless configured).
pub fn max_payload(js: &jetstream::Context) -> usize {
    js.client().server_info().max_payload
}

/// Publishes `jobs` ([`Publisher`]); returns how many were stored. A job larger than the
/// server takes is an error here (`enqueue` dead-letters it instead).
pub async fn enqueue(
    js: &jetstream::Context,
    name: &str,
    jobs: impl IntoIterator<Item = Job>,
) -> Result<usize> {
    let mut publisher = Publisher::new(js, name);
    for job in jobs {
        if let Published::TooLarge { size, limit } = publisher.publish(&job).await? {
            return Err(Error::Queue(format!(
                "the job of {} is {size} bytes, more than the server's max payload of {limit}",
                job.user_id()
            )));
        }
    }
    publisher.finish().await
}

async fn settle(pending: &mut Vec<jetstream::context::PublishAckFuture>) -> Result<usize> {
    let mut stored = 0;
    for ack in pending.drain(..) {
        let ack = ack
            .await
            .map_err(|e| queue_err("publish not acknowledged", e))?;
        if !ack.duplicate {
            stored += 1;
        }
    }
    Ok(stored)
}

/// Where the queue stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// Jobs not yet handed to a worker.
    pub pending: u64,
    /// Jobs a worker holds and has not acked.
    pub in_flight: u64,
    /// Jobs finished: their cards are stored. Derived; see the module docs for its limits.
    pub completed: u64,
    /// Letters in the dead-letter stream: jobs given up on, and dataset lines that were not
    /// JSON.
    pub dead: u64,
}

pub async fn status(js: &jetstream::Context, name: &str) -> Result<Status> {
    let work = js
        .get_stream(name)
        .await
        .map_err(|e| queue_err(&format!("stream {name}"), e))?;
    let state = work
        .get_info()
        .await
        .map_err(|e| queue_err("stream info", e))?
        .state;
    let dead_name = dead_stream(name);
    let dead_stream = js
        .get_stream(&dead_name)
        .await
        .map_err(|e| queue_err(&format!("stream {dead_name}"), e))?;
    let dead = dead_stream
        .get_info()
        .await
        .map_err(|e| queue_err(&format!("stream {dead_name} info"), e))?
        .state
        .messages;
    // Letters of jobs that were in the work stream (not of lines enqueue could not read).
    let mut counts = dead_stream
        .info_with_subjects(subject(&dead_name))
        .await
        .map_err(|e| queue_err(&format!("stream {dead_name} subjects"), e))?;
    let mut dead_jobs = 0u64;
    while let Some(count) = counts.next().await {
        let (_, n) = count.map_err(|e| queue_err(&format!("stream {dead_name} subjects"), e))?;
        dead_jobs += n as u64;
    }
    let (pending, in_flight) = match work.consumer_info(CONSUMER).await {
        Ok(info) => (info.num_pending, info.num_ack_pending as u64),
        // No worker has started yet: everything is pending.
        Err(e) if e.kind() == ConsumerInfoErrorKind::NotFound => (state.messages, 0),
        Err(e) => return Err(queue_err("reading the workers consumer", e)),
    };
    let acked = state.last_sequence.saturating_sub(state.messages);
    Ok(Status {
        pending,
        in_flight,
        completed: acked.saturating_sub(dead_jobs),
        dead,
    })
}
