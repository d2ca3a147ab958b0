//! Batch: the embedded render farm. Every user of a dataset, every card, every core busy, in
//! one process; resumable, because cards already in the sink from the same fingerprint are
//! skipped (see [`crate::farm::engine`]), and a rerun redraws exactly the cards whose stats,
//! template or photos changed.
//!
//! Failures are counted per card: a user whose photo store hiccups on one card still gets the
//! others, and the report names each card that is missing (user, `template-format`, error), so
//! a rerun (which skips what exists) fills exactly the gaps. Each failure is handed to the
//! caller as it happens ([`Observer::failure`]), so a report written as it goes survives an
//! interrupted run.
//!
//! A user on several lines of the dataset gets the cards of their last record only; each
//! earlier record is reported ([`Observer::duplicate`]) and not rendered, so two records never
//! race for one key. Which records those are comes from [`Dataset::index`], one light pass
//! that also counts the work for a progress bar.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use crate::error::{Error, Result};
use crate::farm::dataset::{Dataset, Duplicate, Index};
use crate::farm::engine::{Engine, Outcome};
use crate::farm::job::{CardSelection, Job};

/// What to render for each user.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The cards every user gets.
    pub cards: CardSelection,
    /// Users rendered at once. Default: the number of cores.
    pub concurrency: usize,
    /// Every user in this locale instead of their own (a tag [`check_locale`] accepts).
    ///
    /// [`check_locale`]: crate::card::model::check_locale
    pub locale: Option<String>,
    /// The cards' file format. Default: PNG.
    pub encoding: crate::card::encoding::Encoding,
}

/// One card that could not be made.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Failure {
    pub user_id: String,
    /// `<template>-<format>`.
    pub card: String,
    pub error: String,
}

/// The end of a batch.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub users: usize,
    pub written: usize,
    pub skipped: usize,
    pub bytes: u64,
    /// Every card that is missing, one entry per card.
    pub failures: Vec<Failure>,
    pub warnings: usize,
    /// Records not rendered because a later record of the same user supersedes them.
    pub duplicates: usize,
    /// Users on the opt-out list: nothing rendered, nothing written.
    pub opted_out: usize,
    pub elapsed: Duration,
}

impl Report {
    /// Cards written per second of wall time.
    pub fn cards_per_second(&self) -> f64 {
        self.written as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Users with at least one missing card.
    pub fn failed_users(&self) -> usize {
        let mut users: Vec<&str> = self.failures.iter().map(|f| f.user_id.as_str()).collect();
        users.sort_unstable();
        users.dedup();
        users.len()
    }
}

/// Cards each user gets under `plan` (the same for every user).
pub fn cards_per_user(engine: &Engine, plan: &Plan) -> Result<usize> {
    Ok(plan.cards.cards(engine.renderer().templates())?.len())
}

type Joined = std::result::Result<(tokio::task::Id, Result<Outcome>), tokio::task::JoinError>;

/// A finished task's user and result; a task that panicked counts as that user's failure.
fn joined(
    finished: Joined,
    users: &mut HashMap<tokio::task::Id, String>,
) -> (String, Result<Outcome>) {
    let (id, result) = match finished {
        Ok((id, result)) => (id, result),
        Err(e) => {
            let error = Error::Panic {
                template: "(batch task)".into(),
                message: e.to_string(),
            };
            (e.id(), Err(error))
        }
    };
    let user = users.remove(&id).unwrap_or_else(|| "(unknown)".into());
    (user, result)
}

/// What a batch tells its caller while it runs.
pub struct Observer<'a> {
    /// Cards finished (written, skipped or failed) so far, after each user.
    pub progress: Box<dyn FnMut(u64) + Send + 'a>,
    /// Each card that could not be made, as soon as it is known.
    pub failure: Box<dyn FnMut(&Failure) + Send + 'a>,
    /// Each record superseded by a later record of the same user (not rendered).
    pub duplicate: Box<dyn FnMut(&Duplicate) + Send + 'a>,
}

impl Default for Observer<'_> {
    fn default() -> Self {
        Observer {
            progress: Box::new(|_| {}),
            failure: Box::new(|_| {}),
            duplicate: Box::new(|_| {}),
        }
    }
}

/// Renders every user of `dataset`. `progress` is called after each user with the cards
/// finished (written, skipped or failed) so far.
pub async fn run(
    engine: Arc<Engine>,
    dataset: &Dataset,
    plan: &Plan,
    progress: impl Fn(u64) + Send + Sync + 'static,
) -> Result<Report> {
    let index = dataset.index()?;
    let observer = Observer {
        progress: Box::new(progress),
        ..Observer::default()
    };
    run_observed(engine, dataset, &index, plan, observer).await
}

/// Renders every user of `dataset` ([`run`]), with `index` from [`Dataset::index`] (which
/// also gives the caller the number of users for a progress bar), telling `observer` as it
/// goes.
pub async fn run_observed(
    engine: Arc<Engine>,
    dataset: &Dataset,
    index: &Index,
    plan: &Plan,
    mut observer: Observer<'_>,
) -> Result<Report> {
    let started = Instant::now();
    // Fails before any work if the plan selects nothing.
    let cards = plan.cards.cards(engine.renderer().templates())?;
    let concurrency = plan.concurrency.max(1);
    let mut report = Report::default();
    let mut tasks: JoinSet<Result<Outcome>> = JoinSet::new();
    // Which user each task renders, so that a task that panics is still reported by name.
    let mut users: HashMap<tokio::task::Id, String> = HashMap::new();
    let mut done = 0u64;
    let mut absorb = |report: &mut Report, user: String, result: Result<Outcome>| {
        report.users += 1;
        match result {
            Ok(o) if o.opted_out => {
                report.opted_out += 1;
                done += cards.len() as u64;
            }
            Ok(o) => {
                report.written += o.written;
                report.skipped += o.skipped;
                report.bytes += o.bytes;
                report.warnings += o.warnings.len();
                done += (o.written + o.skipped + o.failed.len()) as u64;
                for f in o.failed {
                    let failure = Failure {
                        user_id: user.clone(),
                        card: f.card.name(),
                        error: f.error.to_string(),
                    };
                    (observer.failure)(&failure);
                    report.failures.push(failure);
                }
            }
            // The user's stats (or the task) failed: every card of theirs is missing.
            Err(e) => {
                done += cards.len() as u64;
                for card in &cards {
                    let failure = Failure {
                        user_id: user.clone(),
                        card: card.name(),
                        error: e.to_string(),
                    };
                    (observer.failure)(&failure);
                    report.failures.push(failure);
                }
            }
        }
        (observer.progress)(done);
    };
    for record in dataset.records()? {
        // Keep a few more users queued than render threads, so threads never wait on I/O.
        while tasks.len() >= concurrency * 2 {
            if let Some(finished) = tasks.join_next_with_id().await {
                let (user, result) = joined(finished, &mut users);
                absorb(&mut report, user, result);
            }
        }
        // A record that is not valid is reported under its user id when it has one.
        let stats = match record {
            Err(e) => Err(("(unreadable line)".to_string(), e)),
            Ok(record) => {
                if let Some(duplicate) = index.superseded(&record) {
                    report.duplicates += 1;
                    (observer.duplicate)(&duplicate);
                    continue;
                }
                let line = record.line;
                match record.value {
                    Err(e) => Err((format!("(line {line})"), e)),
                    Ok(value) => {
                        let user = value
                            .get("user_id")
                            .and_then(|v| v.as_str())
                            .map_or_else(|| format!("(line {line})"), String::from);
                        // Before validation: an opted-out user's record is not even read,
                        // so nothing of theirs reaches the failure report either.
                        if engine.skip_opted_out(&user) {
                            absorb(&mut report, user, Ok(Outcome::opted_out()));
                            continue;
                        }
                        dataset.validate(line, value).map_err(|e| (user, e))
                    }
                }
            }
        };
        let stats = match (stats, &plan.locale) {
            (Ok(mut stats), Some(locale)) => match stats.set_locale(locale) {
                Ok(()) => Ok(stats),
                Err(e) => Err((stats.user_id.clone(), e)),
            },
            (stats, _) => stats,
        };
        let job = match stats {
            Ok(stats) => Job::new(&stats, plan.cards.clone()).encoded(plan.encoding),
            Err((user, e)) => {
                absorb(&mut report, user, Err(e));
                continue;
            }
        };
        let engine = engine.clone();
        let user = job.user_id().to_string();
        let handle = tasks.spawn(async move { engine.process(&job).await });
        users.insert(handle.id(), user);
    }
    while let Some(finished) = tasks.join_next_with_id().await {
        let (user, result) = joined(finished, &mut users);
        absorb(&mut report, user, result);
    }
    report.elapsed = started.elapsed();
    Ok(report)
}
