//! `cardfarm batch`: the main job, embedded. Every user of the dataset, every card, every core;
//! a progress bar on a terminal and plain log lines elsewhere; resumable; a failure report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use cardfarm::farm::batch::{self, Plan};
use cardfarm::farm::dataset::{Dataset, Duplicate};
use cardfarm::farm::sink::Sink;
use cardfarm::farm::Engine;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Dataset (JSON Lines). Default: the bundled sample.
    #[arg(long, env = "CARDFARM_DATA", value_name = "FILE.jsonl")]
    data: Option<PathBuf>,
    /// Where the PNGs go: a folder or s3://bucket/prefix.
    #[arg(long, value_name = "DIR | s3://bucket/prefix")]
    out: String,
    #[command(flatten)]
    cards: super::Selection,
    /// Render every user in this locale instead of their own (`de`, `pt-BR`, `ar`…).
    #[arg(long, value_name = "TAG")]
    locale: Option<String>,
    #[command(flatten)]
    encoding: super::EncodingArgs,
    /// Users rendered at once. Default: the number of cores.
    #[arg(long)]
    concurrency: Option<usize>,
    /// Where the list of failed cards goes (JSON Lines: user, card, error), written as each
    /// failure happens. Removed when a run has no failure (if it is a regular file), so a
    /// file left over is always current.
    #[arg(long, default_value = "cardfarm-failures.jsonl")]
    report: PathBuf,
    #[command(flatten)]
    opt_out: super::OptOutArgs,
}

pub fn run(args: Args, setup: &super::Setup) -> anyhow::Result<ExitCode> {
    if let Some(locale) = &args.locale {
        cardfarm::card::model::check_locale(locale)
            .map_err(|e| anyhow::anyhow!("--locale: {e}"))?;
    }
    let encoding = args.encoding.encoding()?;
    let dataset = Dataset::open(&super::data_or_sample(args.data.clone()))?;
    let renderer = setup.load()?;
    // An unknown template or format, or a plan that selects no card, fails here, before any
    // work. Only the plan's backgrounds are made ready up front, in its locale (else the
    // reference one; the users' other locales are made on first use).
    let selected = super::selected_cards(&renderer, &args.cards.selection())?;
    let locale = args
        .locale
        .clone()
        .unwrap_or_else(|| cardfarm::card::catalog::REFERENCE.to_string());
    let (renderer, warmed) = setup.warm(renderer, &selected, &[locale], false)?;
    eprintln!("{warmed}");
    let concurrency = args
        .concurrency
        .unwrap_or_else(cardfarm::card::threads::cores);
    let sink = Sink::open(&args.out, &super::s3_options_from_env())?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let opt_out = runtime.block_on(args.opt_out.load_shared())?;
    let engine = Arc::new(
        Engine::new(
            renderer,
            sink,
            Some(dataset.root().to_path_buf()),
            concurrency,
            true,
        )?
        .with_opt_out(opt_out),
    );
    let plan = Plan {
        cards: args.cards.selection(),
        concurrency,
        locale: args.locale.clone(),
        encoding,
    };
    let cards = batch::cards_per_user(&engine, &plan)? as u64;
    // One light pass (user ids only): the users to render, and which records a later one
    // supersedes.
    let index = dataset.index()?;
    let progress = Progress::new(index.used() as u64 * cards);
    // Each failure is appended and flushed as it happens, so an interrupted run keeps what
    // it found. The file is created (truncated) at the first failure of this run.
    let mut report_file = ReportFile::new(&args.report);
    let mut duplicates_shown = 0;
    let observer = batch::Observer {
        progress: Box::new({
            let progress = progress.clone();
            move |done| progress.update(done)
        }),
        failure: Box::new(|failure: &batch::Failure| report_file.append(failure)),
        duplicate: Box::new(|duplicate: &Duplicate| {
            if duplicates_shown < DUPLICATES_SHOWN {
                progress.println(format!(
                    "warning: {}: {duplicate}",
                    dataset.path().display()
                ));
            } else if duplicates_shown == DUPLICATES_SHOWN {
                progress
                    .println("warning: more duplicate users; only counting them from here".into());
            }
            duplicates_shown += 1;
        }),
    };
    let report = runtime.block_on(batch::run_observed(
        engine, &dataset, &index, &plan, observer,
    ));
    progress.finish();
    let report = report?;

    eprintln!(
        "{} users: {} cards written, {} unchanged (skipped), {} failed cards, {:.1} cards/s, {:.1} MB in {:.1} s",
        report.users,
        report.written,
        report.skipped,
        report.failures.len(),
        report.cards_per_second(),
        report.bytes as f64 / 1e6,
        report.elapsed.as_secs_f64()
    );
    if report.warnings > 0 {
        eprintln!(
            "{} cards used a placeholder for a broken photo",
            report.warnings
        );
    }
    if report.opted_out > 0 {
        eprintln!(
            "{} opted-out users: nothing rendered or written for them",
            report.opted_out
        );
    }
    if report.duplicates > 0 {
        eprintln!(
            "{} records were superseded by a later record of the same user (the last one wins)",
            report.duplicates
        );
    }
    report_file.finish()?;
    if report.failures.is_empty() {
        // A report from an earlier run is stale now: remove it, so it cannot be mistaken for
        // this run's. Only a regular file: `--report /dev/null` (a device), a FIFO or a
        // symlink is not ours to delete.
        let regular = std::fs::symlink_metadata(&args.report).is_ok_and(|m| m.is_file());
        if regular {
            std::fs::remove_file(&args.report)
                .with_context(|| format!("removing {}", args.report.display()))?;
            eprintln!("removed the stale {}", args.report.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "error: {} cards of {} users failed; see {}",
        report.failures.len(),
        report.failed_users(),
        args.report.display()
    );
    Ok(ExitCode::from(1))
}

/// Duplicate-user warnings printed one by one before the rest are only counted.
const DUPLICATES_SHOWN: usize = 10;

/// The failure report, written as failures happen: opened (truncated) at the first one,
/// each line appended and flushed at once. A write that fails is remembered and returned by
/// [`ReportFile::finish`]; the batch itself goes on.
struct ReportFile<'a> {
    path: &'a Path,
    file: Option<std::fs::File>,
    error: Option<std::io::Error>,
}

impl<'a> ReportFile<'a> {
    fn new(path: &'a Path) -> ReportFile<'a> {
        ReportFile {
            path,
            file: None,
            error: None,
        }
    }

    fn append(&mut self, failure: &batch::Failure) {
        use std::io::Write;
        if self.error.is_some() {
            return;
        }
        let written = (|| {
            if self.file.is_none() {
                self.file = Some(std::fs::File::create(self.path)?);
            }
            let mut line = serde_json::to_vec(failure).map_err(std::io::Error::other)?;
            line.push(b'\n');
            let file = self
                .file
                .as_mut()
                .ok_or_else(|| std::io::Error::other("no file"))?;
            file.write_all(&line)?;
            file.flush()
        })();
        if let Err(e) = written {
            self.error = Some(e);
        }
    }

    fn finish(self) -> anyhow::Result<()> {
        match self.error {
            Some(e) => Err(e).with_context(|| format!("writing {}", self.path.display())),
            None => Ok(()),
        }
    }
}

/// Progress: a bar with rate and ETA on a terminal, a log line every 5 s otherwise.
#[derive(Clone)]
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: u64,
    started: Instant,
    last: Arc<std::sync::Mutex<Instant>>,
}

impl Progress {
    fn new(total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} cards  {per_sec}  ETA {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            bar,
            total,
            started: Instant::now(),
            last: Arc::new(std::sync::Mutex::new(Instant::now())),
        }
    }

    /// `done`: cards finished so far, written, skipped or failed.
    fn update(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            return;
        }
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() >= Duration::from_secs(5) || done >= self.total {
            *last = Instant::now();
            let rate = done as f64 / self.started.elapsed().as_secs_f64().max(1e-9);
            let eta = (self.total.saturating_sub(done)) as f64 / rate.max(1e-9);
            eprintln!(
                "{done}/{} cards, {rate:.1} cards/s, ETA {eta:.0} s",
                self.total
            );
        }
    }

    /// Prints a line above the bar (or as is, without one).
    fn println(&self, line: String) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// Clears the bar whatever happened, so the summary prints on a clean line.
    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
