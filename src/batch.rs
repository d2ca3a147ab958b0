//! Batch: the embedded render farm. Every user of a dataset, every card, every core busy, in
//! one process; resumable, because cards already in the sink are skipped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::dataset::Dataset;
use crate::error::Result;
use crate::farm::Farm;
use crate::job::Job;

/// What to render for each user.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub templates: Option<Vec<String>>,
    pub formats: Option<Vec<String>>,
    /// Users rendered at once. Default: the number of cores.
    pub concurrency: usize,
}

/// One user whose cards could not all be made.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Failure {
    pub user_id: String,
    pub error: String,
}

/// The end of a batch.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub users: usize,
    pub written: usize,
    pub skipped: usize,
    pub bytes: u64,
    pub failures: Vec<Failure>,
    pub warnings: usize,
    pub elapsed: Duration,
}

impl Report {
    /// Cards written per second of wall time.
    pub fn cards_per_second(&self) -> f64 {
        self.written as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Cards each user gets under `plan` (the same for every user).
pub fn cards_per_user(farm: &Farm, plan: &Plan) -> Result<usize> {
    let probe = Job {
        stats: serde_json::Value::Null,
        templates: plan.templates.clone(),
        formats: plan.formats.clone(),
    };
    Ok(probe.cards(farm.renderer().templates())?.len())
}

type UserResult = (String, Result<crate::farm::Outcome>);

/// A task's result; a task that died still counts, as a failure.
fn joined(r: std::result::Result<UserResult, tokio::task::JoinError>) -> UserResult {
    r.unwrap_or_else(|e| {
        (
            "(unknown)".into(),
            Err(crate::error::Error::Panic {
                template: "(batch task)".into(),
                message: e.to_string(),
            }),
        )
    })
}

/// Renders every user of `dataset`. `progress` is called after each user with the cards done
/// (written or skipped) so far.
pub async fn run(
    farm: Arc<Farm>,
    dataset: &Dataset,
    plan: &Plan,
    progress: impl Fn(u64) + Send + Sync + 'static,
) -> Result<Report> {
    let started = Instant::now();
    let concurrency = plan.concurrency.max(1);
    let progress = Arc::new(progress);
    let mut report = Report::default();
    let mut tasks: JoinSet<UserResult> = JoinSet::new();
    let mut done = 0u64;
    let mut absorb = |report: &mut Report, (user, result): UserResult| {
        report.users += 1;
        match result {
            Ok(o) => {
                report.written += o.written;
                report.skipped += o.skipped;
                report.bytes += o.bytes;
                report.warnings += o.warnings.len();
                done += (o.written + o.skipped) as u64;
            }
            Err(e) => report.failures.push(Failure {
                user_id: user,
                error: e.to_string(),
            }),
        }
        progress(done);
    };
    for (line, user) in dataset.users()?.enumerate() {
        // Keep a few more users queued than render threads, so threads never wait on I/O.
        while tasks.len() >= concurrency * 2 {
            if let Some(finished) = tasks.join_next().await {
                absorb(&mut report, joined(finished));
            }
        }
        let job = match user {
            Ok(stats) => Job::new(&stats, plan.templates.clone(), plan.formats.clone()),
            Err(e) => {
                absorb(&mut report, (format!("(record {})", line + 1), Err(e)));
                continue;
            }
        };
        let farm = farm.clone();
        tasks.spawn(async move {
            let result = farm.process(&job).await;
            (job.user_id().to_string(), result)
        });
    }
    while let Some(finished) = tasks.join_next().await {
        absorb(&mut report, joined(finished));
    }
    report.elapsed = started.elapsed();
    Ok(report)
}
