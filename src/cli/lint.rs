//! `cardfarm lint`: every template against the fixture users (or a dataset); prints each
//! finding and exits 1 when there is one. The work is [`cardfarm::lint`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use cardfarm::farm::dataset::Dataset;
use cardfarm::lint::{self, Config, Selection, Subject};
use cardfarm::Renderer;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("who").args(["data", "fixtures"])))]
pub struct Args {
    /// Lint only these templates, comma separated. Default: all.
    #[arg(long, short, value_delimiter = ',', value_name = "NAME")]
    template: Option<Vec<String>>,
    /// Lint only these formats, comma separated. Default: every format a template has.
    #[arg(long, short, value_delimiter = ',', value_name = "FORMAT")]
    format: Option<Vec<String>>,
    /// Lint against every user of this dataset (JSON Lines) instead of the fixtures.
    #[arg(long, value_name = "FILE.jsonl")]
    data: Option<PathBuf>,
    /// Lint against the golden fixture users (tests/fixtures; the default).
    #[arg(long)]
    fixtures: bool,
    /// Render every user in this locale instead of their own (`de`, `ar`…). Default: each
    /// user's own, and the `locales` fixture in every launch locale.
    #[arg(long, value_name = "TAG")]
    locale: Option<String>,
    /// A warm render slower than this many milliseconds is a finding; 0 turns timing off.
    #[arg(long, default_value_t = 50, value_name = "MS")]
    budget_ms: u64,
    /// Print the report as JSON (`cards`, `findings`), for CI.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, renderer: &Renderer) -> anyhow::Result<ExitCode> {
    if let Some(tag) = &args.locale {
        if let Err(reason) = cardfarm::card::model::check_locale(tag) {
            return Err(super::Usage {
                message: format!("--locale {tag}: {reason}"),
                hint: format!(
                    "use a language tag such as `de` or `pt-BR`; catalogs exist for {}",
                    renderer
                        .templates()
                        .catalogs()
                        .tags()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
            .into());
        }
    }
    let subjects = match &args.data {
        Some(file) => dataset(file, args.locale.as_deref())?,
        None => lint::fixtures(
            &super::resolve(None, "tests/fixtures"),
            args.locale.as_deref(),
        )?,
    };
    let selection = Selection {
        templates: args.template.clone(),
        formats: args.format.clone(),
    };
    let config = Config {
        budget: (args.budget_ms > 0).then(|| Duration::from_millis(args.budget_ms)),
        ..Config::default()
    };
    let report = lint::run(renderer, &subjects, &selection, &config)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for finding in &report.findings {
            println!("{finding}");
        }
        eprintln!(
            "{} cards of {} users linted: {} finding{}",
            report.cards,
            subjects.len(),
            report.findings.len(),
            if report.findings.len() == 1 { "" } else { "s" }
        );
    }
    Ok(if report.findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Every valid user of a dataset; invalid lines are reported on stderr and skipped.
fn dataset(file: &Path, locale: Option<&str>) -> anyhow::Result<Vec<Subject>> {
    let dataset = Dataset::open(file)?;
    let mut out = Vec::new();
    for stats in dataset.users()? {
        match stats {
            Ok(mut stats) => {
                if let Some(tag) = locale {
                    stats.set_locale(tag)?;
                }
                out.push(Subject {
                    name: stats.user_id.clone(),
                    stats,
                    root: Some(dataset.root().to_path_buf()),
                    locale: locale.map(str::to_string),
                });
            }
            Err(e) => eprintln!("warning: {}: {e}", file.display()),
        }
    }
    Ok(out)
}
