//! Queue: render jobs on NATS JetStream.
//!
//! - The work stream `<stream>` (subject `<stream>.jobs`) has work-queue retention: a message
//!   lives until a worker acks it. Publishes carry a `Nats-Msg-Id`, so enqueueing the same job
//!   twice within the duplicate window stores it once.
//! - One durable pull consumer, `workers`, shared by every worker: explicit acks, an ack wait
//!   (a job not acked in time goes to another worker) and a maximum number of deliveries.
//! - The dead-letter stream `<stream>-dead` (subject `<stream>-dead.jobs`) keeps jobs that
//!   failed for good, with the error.

use std::time::Duration;

use async_nats::jetstream::{self, consumer, stream};
use async_nats::HeaderMap;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::job::Job;

/// Consumer settings every worker shares.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Time a worker has to ack (or report progress) before the job is handed to another.
    /// Default: 30 s.
    pub ack_wait: Duration,
    /// Deliveries before a retryable failure becomes a dead letter. Default: 5.
    pub max_deliver: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            ack_wait: Duration::from_secs(30),
            max_deliver: 5,
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

fn queue_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Queue(format!("{what}: {e}"))
}

/// Connects to NATS and returns a JetStream context.
pub async fn connect(url: &str) -> Result<jetstream::Context> {
    let client = async_nats::ConnectOptions::new()
        .name("cardfarm")
        .connect(url)
        .await
        .map_err(|e| queue_err(&format!("connecting to {url}"), e))?;
    Ok(jetstream::new(client))
}

/// Creates (or finds) the work stream and its dead-letter stream.
pub async fn ensure_streams(js: &jetstream::Context, name: &str) -> Result<stream::Stream> {
    let work = js
        .get_or_create_stream(stream::Config {
            name: name.to_string(),
            subjects: vec![subject(name)],
            retention: stream::RetentionPolicy::WorkQueue,
            storage: stream::StorageType::File,
            duplicate_window: Duration::from_secs(120),
            ..Default::default()
        })
        .await
        .map_err(|e| queue_err(&format!("creating stream {name}"), e))?;
    let dead = dead_stream(name);
    js.get_or_create_stream(stream::Config {
        name: dead.clone(),
        subjects: vec![subject(&dead)],
        retention: stream::RetentionPolicy::Limits,
        storage: stream::StorageType::File,
        ..Default::default()
    })
    .await
    .map_err(|e| queue_err(&format!("creating stream {dead}"), e))?;
    Ok(work)
}

/// The shared durable consumer of the work stream.
pub async fn consumer(
    stream: &stream::Stream,
    name: &str,
    settings: &Settings,
) -> Result<consumer::PullConsumer> {
    stream
        .get_or_create_consumer(
            CONSUMER,
            consumer::pull::Config {
                durable_name: Some(CONSUMER.to_string()),
                ack_policy: consumer::AckPolicy::Explicit,
                ack_wait: settings.ack_wait,
                max_deliver: settings.max_deliver,
                filter_subject: subject(name),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| queue_err("creating the workers consumer", e))
}

/// Publishes jobs with dedup ids; returns how many the stream took (duplicates excluded).
pub async fn enqueue(
    js: &jetstream::Context,
    name: &str,
    jobs: impl IntoIterator<Item = Job>,
) -> Result<usize> {
    let subject = subject(name);
    let mut pending = Vec::new();
    let mut queued = 0;
    for job in jobs {
        let bytes = job.to_bytes();
        let id = format!(
            "{}:{}",
            job.user_id(),
            hex::encode(&Sha256::digest(&bytes)[..8])
        );
        let mut headers = HeaderMap::new();
        headers.insert("Nats-Msg-Id", id.as_str());
        let ack = js
            .publish_with_headers(subject.clone(), headers, bytes.into())
            .await
            .map_err(|e| queue_err("publishing a job", e))?;
        pending.push(ack);
        // Await acks in windows: fast, yet bounded in memory.
        if pending.len() >= 256 {
            queued += settle(&mut pending).await?;
        }
    }
    queued += settle(&mut pending).await?;
    Ok(queued)
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

/// A dead letter: the job and why it failed.
#[derive(Debug, Serialize, serde::Deserialize)]
pub struct DeadLetter {
    pub user_id: String,
    pub error: String,
    pub retryable: bool,
    pub deliveries: i64,
    /// The original message, as JSON when it was JSON, else as text.
    pub job: serde_json::Value,
}

/// Moves a job to the dead-letter stream.
pub async fn dead_letter(js: &jetstream::Context, name: &str, letter: &DeadLetter) -> Result<()> {
    let mut headers = HeaderMap::new();
    let reason: String = letter
        .error
        .chars()
        .take(200)
        .filter(|c| !c.is_control())
        .collect();
    headers.insert("Cardfarm-Error", reason.as_str());
    js.publish_with_headers(
        subject(&dead_stream(name)),
        headers,
        serde_json::to_vec(letter).unwrap_or_default().into(),
    )
    .await
    .map_err(|e| queue_err("publishing a dead letter", e))?
    .await
    .map_err(|e| queue_err("dead letter not acknowledged", e))?;
    Ok(())
}

/// Where the queue stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// Jobs not yet handed to a worker.
    pub pending: u64,
    /// Jobs a worker holds and has not acked.
    pub in_flight: u64,
    /// Jobs finished: their cards are stored.
    pub completed: u64,
    /// Jobs in the dead-letter stream.
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
    let dead = match js.get_stream(dead_stream(name)).await {
        Ok(s) => s.get_info().await.map(|i| i.state.messages).unwrap_or(0),
        Err(_) => 0,
    };
    let (pending, in_flight) = match work.consumer_info(CONSUMER).await {
        Ok(info) => (info.num_pending, info.num_ack_pending as u64),
        Err(_) => (state.messages, 0),
    };
    // Work-queue retention removes acked messages: all ever stored, less those still here, were
    // acked, either done or dead-lettered.
    let acked = state.last_sequence.saturating_sub(state.messages);
    Ok(Status {
        pending,
        in_flight,
        completed: acked.saturating_sub(dead),
        dead,
    })
}
