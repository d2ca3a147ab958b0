//! `cardfarm stats`: one listener's listening history → their stats JSON for a year; with
//! `--population`, a folder of listeners → a dataset ([`population`]).

mod population;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use cardfarm::listening::{self, genre::Genres, rules, History};

use super::Usage;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Export files, folders or `.zip` archives: Spotify (extended streaming history or account
    /// data), ListenBrainz listens, Last.fm scrobbles CSV; told apart by content.
    #[arg(
        required_unless_present = "population",
        conflicts_with = "population",
        value_name = "PATH"
    )]
    paths: Vec<PathBuf>,
    /// A folder of many listeners: each direct sub-folder or `.zip` is one listener, its name
    /// the user id. Writes a dataset (JSON Lines), one record per listener with music in the
    /// year, with the percentile badge.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["user_id", "display_name"])]
    population: Option<PathBuf>,
    /// Population mode: an artist needs this many listeners before any of them gets the
    /// percentile badge. Default: 100.
    #[arg(long, value_name = "N")]
    min_listeners: Option<u64>,
    /// Population mode: a file of user ids (one a line, `#` comments) left out of the dataset;
    /// they still count as listeners in the others' percentiles.
    #[arg(long, value_name = "FILE")]
    opt_out: Option<PathBuf>,
    /// The year to sum. Default: the latest year with music in the history (with
    /// `--population`: in any listener's history).
    #[arg(long)]
    year: Option<i32>,
    /// The listener's time zone, an IANA name such as Europe/Berlin. Default: UTC.
    #[arg(long, default_value = "UTC")]
    tz: String,
    /// The user id in the stats. Default: the export's user name (ListenBrainz), else the
    /// first PATH's name, cleaned to an id.
    #[arg(long, value_name = "ID")]
    user_id: Option<String>,
    /// The name printed on the cards. Default: the user id.
    #[arg(long, value_name = "NAME")]
    display_name: Option<String>,
    /// CSV of `artist,genre` rows for the top genres. Default: no genres.
    #[arg(long, value_name = "FILE")]
    genres: Option<PathBuf>,
    /// Where to write the stats JSON (with `--population`, the dataset). Default: stdout.
    #[arg(long, value_name = "FILE.json | FILE.jsonl")]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(dir) = &args.population {
        return population::run(dir, &args);
    }
    if args.opt_out.is_some() || args.min_listeners.is_some() {
        return Err(Usage {
            message: "--opt-out and --min-listeners apply to many listeners only".into(),
            hint: "add --population DIR, or leave them out for one listener".into(),
        }
        .into());
    }
    let tz = time_zone(&args.tz)?;
    let user_id = match args.user_id {
        Some(id) if cardfarm::card::model::is_valid_id(&id) => Some(id),
        Some(id) => {
            return Err(Usage {
                message: format!("--user-id {id:?} is not an id"),
                hint: format!("an id is {}", cardfarm::card::model::ID_RULE),
            }
            .into())
        }
        None => None,
    };
    let genres = genres(args.genres.as_deref())?;

    let mut history = History::default();
    for path in &args.paths {
        listening::read_path(path, &mut history).map_err(|e| usage(e, "a history"))?;
    }
    let user_id = user_id.unwrap_or_else(|| match &history.user_name {
        Some(name) => listening::to_user_id(name),
        None => id_from_path(&args.paths[0]),
    });
    let display_name = args.display_name.unwrap_or_else(|| user_id.clone());
    let options = rules::Options {
        user_id,
        display_name,
        tz,
        year: args.year,
    };
    let year = rules::year(&history, genres.as_ref(), &options).map_err(|e| match e {
        listening::Error::NoMusic { year } => Usage {
            message: format!("no music in {year} ({} time)", args.tz),
            hint: match rules::latest_year(&history, &options.tz) {
                Some(latest) => {
                    format!("the latest year with music is {latest}: pass --year {latest}")
                }
                None => "the history holds no music at all".into(),
            },
        }
        .into(),
        listening::Error::Empty => anyhow::Error::from(Usage {
            message: "no music in the history".into(),
            hint: format!("pass {FORMATS}"),
        }),
        other => other.into(),
    })?;
    summary(&history, &year);

    let mut json = serde_json::to_string_pretty(&year.stats)?;
    json.push('\n');
    match &args.out {
        Some(out) => {
            std::fs::write(out, json).with_context(|| format!("writing {}", out.display()))?
        }
        None => std::io::stdout().write_all(json.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `--tz` as a time zone, or a usage error.
fn time_zone(name: &str) -> anyhow::Result<jiff::tz::TimeZone> {
    Ok(jiff::tz::TimeZone::get(name).map_err(|_| Usage {
        message: format!("unknown time zone {name:?}"),
        hint: "pass an IANA name such as UTC, Europe/Berlin or America/New_York".into(),
    })?)
}

/// The `--genres` file, read, if one is given.
fn genres(path: Option<&Path>) -> anyhow::Result<Option<Genres>> {
    path.map(|path| Genres::read(path).map_err(|e| usage(e, "the genres file")))
        .transpose()
}

/// What the command reads, for hints.
const FORMATS: &str = "a Spotify export (Streaming_History_Audio_*.json, StreamingHistory_music_*.json), a ListenBrainz export (its .zip or listens/*.jsonl) or Last.fm scrobbles (.csv), or a folder or .zip of them";

/// Bad input from the command line, with what would work.
fn usage(e: listening::Error, what: &str) -> anyhow::Error {
    let hint = match &e {
        listening::Error::UnknownFormat { .. } => format!("pass {FORMATS}"),
        listening::Error::Archive { .. } | listening::Error::TooLarge { .. } => {
            "pass the export as it was downloaded, or its unpacked files".to_string()
        }
        listening::Error::Genres { .. } => {
            "the genres file is CSV with two fields a row: artist,genre".to_string()
        }
        listening::Error::Io { .. } => format!("check the path of {what}"),
        _ => return e.into(),
    };
    Usage {
        message: e.to_string(),
        hint,
    }
    .into()
}

/// The file or folder name made into an id (see [`to_id`]).
fn id_from_path(path: &Path) -> String {
    // `.` and `..` have no name of their own; the folder they stand for has.
    let path = &std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let name = if path.is_dir() {
        path.file_name()
    } else {
        path.file_stem()
    };
    let name = name
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    listening::to_user_id(&name)
}

/// What was read and what was left out, on stderr.
fn summary(history: &History, year: &rules::Year) {
    eprintln!(
        "read {} rows from {} files: {} music streams in {} ({} minutes); {} duplicate rows counted once",
        history.rows,
        history.files.len(),
        year.music_streams,
        year.stats.year,
        year.stats.minutes_listened.0,
        history.duplicates,
    );
    if year.estimated > 0 {
        eprintln!(
            "{} music streams in {} had no duration and count as 3 minutes each",
            year.estimated, year.stats.year,
        );
    }
    eprintln!(
        "left out: {} podcast or audiobook streams in {} ({} minutes)",
        year.other_streams,
        year.stats.year,
        year.other_ms / 60_000,
    );
    if !history.skipped_files.is_empty() {
        eprintln!(
            "skipped {} files in no known format:",
            history.skipped_files.len()
        );
        for path in &history.skipped_files {
            eprintln!("  {}", path.display());
        }
    }
    if history.malformed > 0 {
        eprintln!("skipped {} malformed rows, first:", history.malformed);
        for example in &history.malformed_examples {
            eprintln!("  {example}");
        }
    }
}
