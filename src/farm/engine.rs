//! Engine: the machinery batch and queue workers share. An [`Engine`] takes a [`Job`], renders the
//! cards it asks for on a bounded pool of render threads (never on the async executor), and
//! writes each PNG to the [`Sink`] under its fixed key. Errors say whether a retry could help
//! ([`Error::is_retryable`]): invalid stats are fatal, storage hiccups are not.
//!
//! Reruns are idempotent at any interval: every card is stored with its fingerprint
//! ([`crate::card::fingerprint`]: the stats, the template and its version, the photos' bytes),
//! and a card whose stored fingerprint equals the one it would have now is skipped, not drawn
//! again. A user whose stats changed gets new cards; a card drawn with a placeholder for a
//! photo that could not be used is always drawn again.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use prometheus::{HistogramOpts, HistogramVec, IntCounter, Opts, Registry};

use crate::card::render::{Renderer, Source};
use crate::card::threads::RenderThreads;
use crate::error::{Error, Result};
use crate::farm::job::{self, CardSpec, Job};
use crate::farm::sink::{Sink, Stamp};

/// What one job did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub written: usize,
    /// Cards already in the sink, from the same fingerprint (reruns).
    pub skipped: usize,
    pub bytes: u64,
    pub warnings: Vec<String>,
    /// Cards that could not be made. One card's failure does not stop the others.
    pub failed: Vec<CardFailure>,
    /// The user opted out: nothing was rendered or written.
    pub opted_out: bool,
}

/// One card that could not be rendered or stored.
#[derive(Debug)]
pub struct CardFailure {
    pub card: CardSpec,
    pub error: Error,
}

impl Outcome {
    /// The outcome of an opted-out user's job: nothing done.
    pub fn opted_out() -> Outcome {
        Outcome {
            opted_out: true,
            ..Outcome::default()
        }
    }

    /// The job as a whole: `Ok` when every card is stored, else the error that decides its
    /// fate. A fatal card error wins over a retryable one: retrying cannot fix it, so the job
    /// goes to the dead letters at once (and is rendered whole again when it is replayed).
    pub fn into_result(mut self) -> Result<Outcome> {
        if self.failed.is_empty() {
            return Ok(self);
        }
        let decisive = self
            .failed
            .iter()
            .position(|f| !f.error.is_retryable())
            .unwrap_or(0);
        Err(self.failed.swap_remove(decisive).error)
    }
}

/// Renderer, sink and render threads, shared by every job.
pub struct Engine {
    renderer: Arc<Renderer>,
    sink: Sink,
    /// Folder that relative image paths in stats resolve against.
    images: Option<PathBuf>,
    threads: RenderThreads,
    /// Skip cards stored with the fingerprint they would have now (one HEAD, or one sidecar
    /// read, per card). Batch and workers both do.
    skip_unchanged: bool,
    /// Users who get no card: their jobs render and write nothing.
    opt_out: crate::opt_out::Shared,
    pub metrics: Metrics,
}

impl Engine {
    /// An engine writing to `sink`; relative image paths resolve against `images`, made
    /// absolute now (an empty path is the working directory).
    pub fn new(
        renderer: Arc<Renderer>,
        sink: Sink,
        images: Option<PathBuf>,
        concurrency: usize,
        skip_unchanged: bool,
    ) -> Result<Engine> {
        Ok(Engine {
            renderer,
            sink,
            images: images.map(|dir| crate::card::photo::folder(&dir)),
            threads: RenderThreads::new(concurrency)?,
            skip_unchanged,
            opt_out: Default::default(),
            metrics: Metrics::new(),
        })
    }

    /// Honour `opt_out`: a job of a user on it renders and writes nothing
    /// ([`Outcome::opted_out`]).
    pub fn with_opt_out(mut self, opt_out: crate::opt_out::Shared) -> Engine {
        self.opt_out = opt_out;
        self
    }

    /// Whether `user_id` is on the opt-out list (counted in the metrics when so).
    pub fn skip_opted_out(&self, user_id: &str) -> bool {
        let skip = self.opt_out.contains(user_id);
        if skip {
            self.metrics.users_opted_out.inc();
        }
        skip
    }

    pub fn renderer(&self) -> &Arc<Renderer> {
        &self.renderer
    }

    pub fn sink(&self) -> &Sink {
        &self.sink
    }

    /// Renders and stores every card of `job`. A job-level problem (invalid stats, no cards,
    /// unknown template) is the `Err`; a card that fails to render or store is recorded in
    /// [`Outcome::failed`] and the other cards are still made.
    pub async fn process(&self, job: &Job) -> Result<Outcome> {
        // Checked first and on the id alone: an opted-out user's stats are not even parsed.
        if self.skip_opted_out(job.user_id()) {
            return Ok(Outcome::opted_out());
        }
        let stats = job.stats()?;
        let cards = job.cards.cards(self.renderer.templates())?;
        let mut outcome = Outcome::default();
        // Every card's fingerprint, on a render thread: it reads the photos' bytes.
        let fingerprints = {
            let renderer = self.renderer.clone();
            let images = self.images.clone();
            let stats = stats.clone();
            let cards = cards.clone();
            self.threads
                .run(move || {
                    let source = Source {
                        stats: &stats,
                        root: images.as_deref(),
                    };
                    cards
                        .iter()
                        .map(|c| renderer.fingerprint(source, &c.template, &c.format))
                        .collect::<Vec<_>>()
                })
                .await?
        };
        let mut todo = Vec::new();
        for (card, fingerprint) in cards.into_iter().zip(fingerprints) {
            let fingerprint = match fingerprint {
                Ok(f) => f,
                Err(error) => {
                    outcome.failed.push(CardFailure { card, error });
                    continue;
                }
            };
            // Another encoding is another file: its own key, and a stamp that names it.
            let key = job::key(self.sink.prefix(), &stats.user_id, &card, job.encoding);
            let fingerprint = job.encoding.fingerprint(fingerprint);
            if !self.skip_unchanged {
                todo.push((card, key, fingerprint));
                continue;
            }
            match self.sink.stamp(&key).await {
                Ok(Some(stamp)) if stamp.still_good(&fingerprint) => outcome.skipped += 1,
                Ok(_) => todo.push((card, key, fingerprint)),
                // A stamp that cannot be read counts as missing: drawing the card again is
                // always safe, and if storage is really failing, the write says so.
                Err(error) => {
                    tracing::debug!(%key, %error, "could not read the card's stamp; drawing it");
                    todo.push((card, key, fingerprint));
                }
            }
        }
        if todo.is_empty() {
            return Ok(outcome);
        }
        // One render thread renders the user's cards in turn: their photos stay cached. A job
        // given up on (a time limit) once its thread has started still runs to its end, so
        // the threads are never oversubscribed.
        let renderer = self.renderer.clone();
        let images = self.images.clone();
        let specs: Vec<_> = todo.iter().map(|(c, _, _)| c.clone()).collect();
        let histogram = self.metrics.render_seconds.clone();
        let encoding = job.encoding;
        // The one place cards are rendered.
        let rendered = self
            .threads
            .run(move || {
                let source = Source {
                    stats: &stats,
                    root: images.as_deref(),
                };
                specs
                    .iter()
                    .map(|c| {
                        let started = Instant::now();
                        let card = renderer.render_as(source, &c.template, &c.format, encoding);
                        histogram
                            .with_label_values(&[c.template.as_str()])
                            .observe(started.elapsed().as_secs_f64());
                        card
                    })
                    .collect::<Vec<_>>()
            })
            .await?;
        let mut writes = Vec::new();
        for ((card, key, fingerprint), result) in todo.into_iter().zip(rendered) {
            match result {
                Ok(rendered) => {
                    // A placeholder means a photo could not be used: marked, so the card is
                    // drawn again on the next run.
                    let stamp = Stamp {
                        fingerprint,
                        placeholder: !rendered.warnings.is_empty(),
                    };
                    outcome.warnings.extend(rendered.warnings);
                    let png = rendered.bytes;
                    let bytes = png.len() as u64;
                    let sink = self.sink.clone();
                    writes.push(async move {
                        let result = sink.put_card(&key, png, &stamp).await.map(|_| bytes);
                        (card, result)
                    });
                }
                Err(error) => outcome.failed.push(CardFailure { card, error }),
            }
        }
        for (card, written) in futures::future::join_all(writes).await {
            match written {
                Ok(bytes) => {
                    outcome.written += 1;
                    outcome.bytes += bytes;
                    self.metrics.bytes_written.inc_by(bytes);
                }
                Err(error) => outcome.failed.push(CardFailure { card, error }),
            }
        }
        Ok(outcome)
    }
}

/// Prometheus metrics of a farm process.
#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    pub jobs_done: IntCounter,
    pub jobs_failed: IntCounter,
    pub jobs_dead: IntCounter,
    pub render_seconds: HistogramVec,
    pub bytes_written: IntCounter,
    pub users_opted_out: IntCounter,
}

impl Metrics {
    fn new() -> Metrics {
        let counter = |name: &str, help: &str| {
            IntCounter::with_opts(Opts::new(name, help)).expect("valid metric")
        };
        let jobs_done = counter(
            "cardfarm_jobs_done_total",
            "Jobs whose cards are all stored",
        );
        let jobs_failed = counter(
            "cardfarm_jobs_failed_total",
            "Job attempts that failed and will be retried",
        );
        let jobs_dead = counter(
            "cardfarm_jobs_dead_total",
            "Jobs moved to the dead-letter stream",
        );
        let render_seconds = HistogramVec::new(
            HistogramOpts::new("cardfarm_render_seconds", "Card render time by template")
                .buckets(vec![0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 1.0]),
            &["template"],
        )
        .expect("valid metric");
        let bytes_written = counter(
            "cardfarm_bytes_written_total",
            "PNG bytes written to storage",
        );
        let users_opted_out = counter(
            "cardfarm_users_opted_out_total",
            "Jobs of opted-out users, skipped without rendering or writing",
        );
        Metrics {
            registry: crate::metrics::registry(vec![
                Box::new(jobs_done.clone()),
                Box::new(jobs_failed.clone()),
                Box::new(jobs_dead.clone()),
                Box::new(render_seconds.clone()),
                Box::new(bytes_written.clone()),
                Box::new(users_opted_out.clone()),
                Box::new(crate::metrics::panics().clone()),
            ]),
            jobs_done,
            jobs_failed,
            jobs_dead,
            render_seconds,
            bytes_written,
            users_opted_out,
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        crate::metrics::text(&self.registry)
    }
}
