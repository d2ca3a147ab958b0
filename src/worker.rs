//! Worker: drains the job queue. Pulls jobs with explicit acks, renders them on the farm's
//! bounded pool, acks only after every PNG is written, and never loses one:
//!
//! - a slow job reports progress (`+WPI`) every third of the ack wait, so it is not handed to
//!   a second worker;
//! - a retryable failure (storage, network) is nacked with a backoff that grows with the
//!   delivery count, plus jitter;
//! - a fatal failure (invalid stats, unknown template), or a retryable one on its last delivery,
//!   goes to the dead-letter stream with the error, and the original is acked;
//! - on shutdown the worker stops pulling, finishes and acks what it holds, and returns; if it
//!   is killed instead, JetStream redelivers its unacked jobs to the others after the ack wait.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, AckKind};
use futures::StreamExt;
use tokio::task::JoinSet;

use crate::error::{Error, Result};
use crate::farm::Farm;
use crate::job::Job;
use crate::queue::{self, DeadLetter, Settings};

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct Config {
    pub stream: String,
    /// Jobs held at once. Default: twice the farm's render threads, so none waits on I/O.
    pub in_flight: usize,
    pub settings: Settings,
    /// Return once the queue is empty and nothing is in flight. Default: false.
    pub exit_when_empty: bool,
}

/// What a worker did before it returned.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub done: u64,
    pub retried: u64,
    pub dead: u64,
}

#[derive(Debug)]
enum Fate {
    Done,
    Retried,
    Dead,
}

/// Runs until `shutdown` resolves (or, with `exit_when_empty`, the queue is drained).
pub async fn run(
    farm: Arc<Farm>,
    js: jetstream::Context,
    config: Config,
    shutdown: impl Future<Output = ()>,
) -> Result<Report> {
    let stream = queue::ensure_streams(&js, &config.stream).await?;
    let consumer = queue::consumer(&stream, &config.stream, &config.settings).await?;
    let mut report = Report::default();
    let mut tasks: JoinSet<Fate> = JoinSet::new();
    let limit = config.in_flight.max(1);
    tokio::pin!(shutdown);
    loop {
        while let Some(joined) = tasks.try_join_next() {
            tally(&mut report, joined);
        }
        let room = limit - tasks.len();
        if room == 0 {
            tokio::select! {
                _ = &mut shutdown => break,
                joined = tasks.join_next() => if let Some(j) = joined { tally(&mut report, j) },
            }
            continue;
        }
        let fetch = consumer
            .fetch()
            .max_messages(room)
            .expires(Duration::from_millis(500))
            .messages();
        let mut batch = tokio::select! {
            _ = &mut shutdown => break,
            batch = fetch => batch.map_err(|e| Error::Queue(format!("fetching jobs: {e}")))?,
        };
        let mut got = 0;
        while let Some(message) = batch.next().await {
            let Ok(message) = message else { continue };
            got += 1;
            let farm = farm.clone();
            let js = js.clone();
            let config = config.clone();
            tasks.spawn(async move { handle(farm, js, &config, message).await });
        }
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
    while let Some(joined) = tasks.join_next().await {
        tally(&mut report, joined);
    }
    Ok(report)
}

fn tally(report: &mut Report, joined: std::result::Result<Fate, tokio::task::JoinError>) {
    match joined {
        Ok(Fate::Done) => report.done += 1,
        Ok(Fate::Retried) => report.retried += 1,
        Ok(Fate::Dead) => report.dead += 1,
        // The message was not acked: JetStream delivers it again after the ack wait.
        Err(_) => report.retried += 1,
    }
}

async fn handle(
    farm: Arc<Farm>,
    js: jetstream::Context,
    config: &Config,
    message: jetstream::Message,
) -> Fate {
    let message = Arc::new(message);
    let deliveries = message.info().map(|i| i.delivered).unwrap_or(1);
    // Keep the job ours while it renders.
    let heartbeat = {
        let message = message.clone();
        let every = config.settings.ack_wait / 3;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let _ = message.ack_with(AckKind::Progress).await;
            }
        })
    };
    let parsed = Job::from_bytes(&message.payload);
    let result = match &parsed {
        Ok(job) => farm.process(job).await.map(|_| ()),
        Err(e) => Err(Error::MalformedJson {
            location: "job message".into(),
            message: e.to_string(),
        }),
    };
    heartbeat.abort();
    let user = parsed.as_ref().map_or("?", |j| j.user_id()).to_string();
    match result {
        Ok(()) => {
            if let Err(e) = message.double_ack().await {
                // Not acked: it comes back and is rendered again, to the same bytes.
                tracing::warn!(%user, error = %e, "ack failed; the job will be redelivered");
                return Fate::Retried;
            }
            farm.metrics.jobs_done.inc();
            Fate::Done
        }
        Err(e) if e.is_retryable() && deliveries < config.settings.max_deliver => {
            let delay = backoff(deliveries);
            tracing::warn!(%user, error = %e, deliveries, ?delay, "job failed; retrying later");
            farm.metrics.jobs_failed.inc();
            let _ = message.ack_with(AckKind::Nak(Some(delay))).await;
            Fate::Retried
        }
        Err(e) => {
            tracing::error!(%user, error = %e, deliveries, "job failed for good; dead-lettered");
            let letter = DeadLetter {
                user_id: user,
                error: e.to_string(),
                retryable: e.is_retryable(),
                deliveries,
                job: serde_json::from_slice(&message.payload)
                    .unwrap_or_else(|_| String::from_utf8_lossy(&message.payload).into()),
            };
            if let Err(dead) = queue::dead_letter(&js, &config.stream, &letter).await {
                // Could not park it: leave it unacked, so it is neither lost nor dropped.
                tracing::error!(error = %dead, "dead-lettering failed; the job will be redelivered");
                return Fate::Retried;
            }
            let _ = message.double_ack().await;
            farm.metrics.jobs_dead.inc();
            Fate::Dead
        }
    }
}

/// 1 s, 2 s, 4 s … up to a minute, with up to 25% jitter so retries do not march in step.
fn backoff(deliveries: i64) -> Duration {
    let base = Duration::from_secs(1 << deliveries.clamp(1, 6) as u32 >> 1);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let jitter = base.mul_f64(f64::from(nanos % 1000) / 4000.0);
    (base + jitter).min(Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let first = backoff(1);
        assert!(
            first >= Duration::from_secs(1) && first <= Duration::from_millis(1250),
            "{first:?}"
        );
        let third = backoff(3);
        assert!(
            third >= Duration::from_secs(4) && third <= Duration::from_secs(5),
            "{third:?}"
        );
        assert!(backoff(50) <= Duration::from_secs(60));
    }
}
