//! `cardfarm import`: a dataset into the PostgreSQL stats store the server reads.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use cardfarm::farm::dataset::Dataset;
use cardfarm::server::store::{import, Store};

use super::Usage;

/// Invalid records named on stderr; the rest are counted.
const SHOWN: usize = 20;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The dataset (JSON Lines), e.g. the output of `cardfarm stats --population`.
    #[arg(value_name = "FILE.jsonl")]
    data: PathBuf,
    /// The PostgreSQL store: postgres://user@host/db (`options=-c search_path=…` picks a
    /// schema; `sslmode=` as libpq). Prefer the environment variable for a password.
    #[arg(
        long,
        env = "CARDFARM_INTO",
        value_name = "postgres://…",
        hide_env_values = true
    )]
    into: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !(args.into.starts_with("postgres://") || args.into.starts_with("postgresql://")) {
        return Err(Usage {
            message: format!(
                "--into {}: not a PostgreSQL URL",
                cardfarm::redact::url(&args.into)
            ),
            hint: "pass postgres://user@host:5432/db".into(),
        }
        .into());
    }
    let dataset = Dataset::open(&args.data).map_err(|e| Usage {
        message: e.to_string(),
        hint: "pass a JSON Lines dataset, one stats record a line".into(),
    })?;
    let Store::Postgres(pool) = Store::postgres(&args.into)? else {
        unreachable!("a postgres:// URL opens a PostgreSQL store")
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = runtime
        .block_on(import::import(&pool, &dataset))
        .with_context(|| {
            format!(
                "importing into {} (nothing was loaded)",
                cardfarm::redact::url(&args.into)
            )
        })?;
    for e in report.invalid.iter().take(SHOWN) {
        eprintln!("invalid: {e}");
    }
    if report.invalid.len() > SHOWN {
        eprintln!("invalid: {} more records", report.invalid.len() - SHOWN);
    }
    for d in report.superseded.iter().take(SHOWN) {
        eprintln!("warning: {}: {d}", dataset.path().display());
    }
    eprintln!(
        "{} records loaded into cardfarm_stats; {} invalid records not loaded; {} superseded by a later record of the same user",
        report.loaded,
        report.invalid.len(),
        report.superseded.len(),
    );
    Ok(if report.invalid.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
