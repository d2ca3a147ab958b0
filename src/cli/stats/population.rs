//! `cardfarm stats --population DIR`: a folder of listeners → a dataset, by
//! [`cardfarm::listening::population`].

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use cardfarm::listening::population::{self, Summary};
use cardfarm::opt_out::OptOut;

use super::{Args, Usage};

/// Failed listeners named on stderr; the rest are counted.
const FAILURES_SHOWN: usize = 20;
/// A progress line every this many listeners.
const PROGRESS_EVERY: usize = 1000;

pub fn run(dir: &Path, args: &Args) -> anyhow::Result<ExitCode> {
    let tz = super::time_zone(&args.tz)?;
    if !dir.is_dir() {
        return Err(Usage {
            message: format!("--population {}: no such folder", dir.display()),
            hint: "pass a folder with one sub-folder (or .zip) per listener".into(),
        }
        .into());
    }
    let genres = super::genres(args.genres.as_deref())?;
    let opt_out = match &args.opt_out {
        Some(path) => OptOut::from_file(path).map_err(|e| Usage {
            message: e.to_string(),
            hint: "the opt-out list holds one user id a line; blank lines and `#` comments are ignored".into(),
        })?,
        None => OptOut::default(),
    };
    let options = population::Options {
        tz,
        year: args.year,
        min_listeners: args.min_listeners.unwrap_or(population::MIN_LISTENERS),
        opt_out,
    };

    // Written beside the output under a name of this run, renamed when complete, so a failed
    // run never leaves half a dataset where a whole one is expected.
    let (folder, partial) = match &args.out {
        Some(out) => {
            let folder = out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf();
            let name = out.file_name().unwrap_or_default().to_string_lossy();
            let partial = folder.join(format!(".{name}.partial-{}", std::process::id()));
            (folder, Some(partial))
        }
        None => (std::env::temp_dir(), None),
    };
    let scratch = folder.join(format!(".cardfarm-population-{}.jsonl", std::process::id()));
    let mut read = 0usize;
    let mut progress = |_: &str| {
        read += 1;
        if read % PROGRESS_EVERY == 0 {
            eprintln!("read {read} listeners");
        }
    };
    let summary = match &partial {
        Some(partial) => {
            let file = std::fs::File::create(partial)
                .with_context(|| format!("writing {}", partial.display()))?;
            let _cleanup = Remove(partial.clone());
            let mut out = std::io::BufWriter::new(file);
            let summary = population::build(
                dir,
                genres.as_ref(),
                &options,
                &scratch,
                &mut out,
                &mut progress,
            )?;
            drop(out);
            if summary.year.is_some() {
                let out = args.out.as_ref().expect("a partial file has an output");
                std::fs::rename(partial, out)
                    .with_context(|| format!("writing {}", out.display()))?;
            }
            summary
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let summary = population::build(
                dir,
                genres.as_ref(),
                &options,
                &scratch,
                &mut out,
                &mut progress,
            )?;
            out.flush()?;
            summary
        }
    };
    if summary.year.is_none() {
        return Err(Usage {
            message: match args.year {
                Some(year) => format!("no listener has music in {year} ({} time)", args.tz),
                None => format!(
                    "no listener in {} has any music ({} of {} could not be read)",
                    dir.display(),
                    summary.failed.len(),
                    summary.listeners
                ),
            },
            hint: match args.year {
                Some(_) => "leave out --year for the latest year with music".into(),
                None => "each listener is a folder (or .zip) of Spotify export files".into(),
            },
        }
        .into());
    }
    report(&summary, &options);
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// What was read, written and left out, on stderr.
fn report(summary: &Summary, options: &population::Options) {
    let year = summary
        .year
        .map_or_else(|| "no year".to_string(), |y| y.to_string());
    eprintln!(
        "{} listeners: {} written for {year}, {} opted out, {} without music in {year}, {} failed",
        summary.listeners,
        summary.written,
        summary.opted_out,
        summary.no_music,
        summary.failed.len(),
    );
    eprintln!(
        "top artist percentile: {} of {} records ({} artists have at least {} listeners)",
        summary.badges, summary.written, summary.artists_over_floor, options.min_listeners,
    );
    eprintln!(
        "read {} rows; {} duplicate rows counted once; {} malformed rows skipped; {} files in no known format skipped",
        summary.rows, summary.duplicates, summary.malformed, summary.skipped_files,
    );
    if !summary.malformed_examples.is_empty() {
        eprintln!("first malformed rows:");
        for example in &summary.malformed_examples {
            eprintln!("  {example}");
        }
    }
    if !summary.skipped.is_empty() {
        eprintln!(
            "not a listener (neither a folder nor a .zip, or hidden): {}",
            names(&summary.skipped)
        );
    }
    for (name, why) in summary.failed.iter().take(FAILURES_SHOWN) {
        eprintln!("failed: {name}: {why}");
    }
    if summary.failed.len() > FAILURES_SHOWN {
        eprintln!(
            "failed: {} more listeners",
            summary.failed.len() - FAILURES_SHOWN
        );
    }
}

fn names(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.file_name().unwrap_or_default().to_string_lossy())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Removes a file when dropped; a rename before that leaves nothing to remove.
struct Remove(PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
