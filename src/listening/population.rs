//! Many listeners → a dataset: one stats record per listener, with the percentile badge that
//! only a population can give.
//!
//! ```text
//! DIR/<user>/ or DIR/<user>.zip ─read_path─▶ History ─rules::year─▶ Year ─┬─▶ scratch line
//!                                                                         └─▶ Tally (ms per artist)
//! scratch lines + Ranking ─badge─▶ dataset (JSON Lines)
//! ```
//!
//! Listeners are read one at a time, in name order, each into a fresh [`History`] that is
//! dropped before the next. Two things outlive a listener: their finished stats, written to a
//! scratch file beside the output, and their milliseconds for each artist they played, kept in
//! the [`Tally`]. Memory therefore grows with the tally (one number per listener and artist
//! played), not with the listeners' histories. A second pass over the scratch file adds the
//! badge and writes the dataset.
//!
//! **The year.** `--year` when given; otherwise the latest local year in which any listener
//! has music. That needs no extra pass: each listener's own latest year is computed, and a
//! listener whose latest year is earlier than another's has no music in the later year, so
//! they are simply not in the dataset. The tally is restarted whenever a later year shows up.
//!
//! **The badge** ([`badge`]), for each listener's #1 artist: among that artist's listeners
//! (everyone with at least one play, a stream of ≥ 30,000 ms, of it in the year), the share
//! who listened strictly longer, plus the listener: `100 × (more + 1) / listeners`. It is
//! published only when the artist has at least `min_listeners` listeners and the value is at
//! most 10, rounded up to the next of 0.1, 0.5, 1, 2, 5 and 10 %.
//!
//! **User ids.** A listener's id is the user name their export gives (ListenBrainz's
//! `user.json`), made into an id by [`super::to_user_id`]; otherwise the folder's name, or the
//! zip's without `.zip`. Two listeners with the same id: the first in name order keeps it, the
//! other fails.
//!
//! **Opt-out.** An opted-out listener is read and counted in the tally, so the ranks of the
//! others do not depend on who opted out, but no line of theirs reaches the scratch file or
//! the dataset.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;

use super::genre::Genres;
use super::rules::{self, Year};
use super::{Error, History};
use crate::card::model::{is_valid_id, Stats};
use crate::opt_out::OptOut;

/// The default floor: an artist needs this many listeners before anyone gets its badge.
pub const MIN_LISTENERS: u64 = 100;

/// The badge's buckets in tenths of a percent: 0.1, 0.5, 1, 2, 5 and 10 %.
const BUCKETS_TENTHS: [u64; 6] = [1, 5, 10, 20, 50, 100];

/// How a population is read.
#[derive(Debug, Clone)]
pub struct Options {
    /// Every listener's time zone.
    pub tz: TimeZone,
    /// The year; `None`: the latest local year with music across the population.
    pub year: Option<i32>,
    /// Artists with fewer listeners give no badge. Default: [`MIN_LISTENERS`].
    pub min_listeners: u64,
    /// Listeners left out of the dataset (still counted in the tally).
    pub opt_out: OptOut,
}

/// What a run read, wrote and left out.
#[derive(Debug, Default)]
pub struct Summary {
    /// The year of the dataset; `None` when no listener has music in it.
    pub year: Option<i32>,
    /// Listener folders and zips found.
    pub listeners: usize,
    /// Records written.
    pub written: usize,
    /// Listeners with music in the year who opted out.
    pub opted_out: usize,
    /// Listeners read without music in the year.
    pub no_music: usize,
    /// Listeners that could not be read, with why: left out of the dataset and the tally.
    pub failed: Vec<(String, String)>,
    /// Entries of the folder that are no listener (plain files, hidden entries).
    pub skipped: Vec<PathBuf>,
    /// Records with the badge.
    pub badges: usize,
    /// Artists with at least `min_listeners` listeners in the year.
    pub artists_over_floor: usize,
    /// Rows read over all listeners, duplicates and malformed ones included.
    pub rows: u64,
    pub duplicates: u64,
    pub malformed: u64,
    /// Files inside listeners' folders in no known format.
    pub skipped_files: usize,
    /// The first few malformed rows over all listeners: `file, row N: why`.
    pub malformed_examples: Vec<String>,
}

/// Malformed rows named in the summary, over all listeners.
const MALFORMED_EXAMPLES: usize = 10;

/// A listener of the population: a folder or a `.zip` of `DIR`.
#[derive(Debug, Clone)]
pub struct Listener {
    /// The entry's name in `DIR`.
    pub name: String,
    /// The user id its name gives (without `.zip`), or why it gives none. The export's own
    /// user name, where it has one, comes first.
    pub name_id: Result<String, String>,
    pub path: PathBuf,
}

/// The listeners of `dir` in name order, and the entries that are none.
pub fn listeners(dir: &Path, summary: &mut Summary) -> Result<Vec<Listener>, Error> {
    let mut found: Vec<Listener> = Vec::new();
    for path in super::sorted_entries(dir)? {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Symlinks are followed here (a population assembled from links is fine); inside a
        // listener's folder they are not.
        let is_dir = path.is_dir();
        let zip = !is_dir && path.is_file() && name.to_ascii_lowercase().ends_with(".zip");
        if name.starts_with('.') || !(is_dir || zip) {
            summary.skipped.push(path);
            continue;
        }
        summary.listeners += 1;
        let id = if zip { &name[..name.len() - 4] } else { &name };
        let name_id = if is_valid_id(id) {
            Ok(id.to_string())
        } else {
            Err(format!(
                "the name makes no user id ({}) and the export names no user",
                crate::card::model::ID_RULE
            ))
        };
        found.push(Listener {
            name,
            name_id,
            path,
        });
    }
    Ok(found)
}

/// Every listener's milliseconds for each artist they played at least once in the year.
#[derive(Debug, Default)]
pub struct Tally {
    year: Option<i32>,
    by_artist: HashMap<String, Vec<u64>>,
}

impl Tally {
    /// Counts one listener's year. Returns whether the year is the tally's: a later year
    /// restarts the tally, an earlier one is not counted.
    pub fn add(&mut self, year: &Year) -> bool {
        let y = year.stats.year;
        match self.year {
            Some(current) if y < current => return false,
            Some(current) if y == current => {}
            _ => {
                self.year = Some(y);
                self.by_artist.clear();
            }
        }
        for artist in year.artists.iter().filter(|a| a.plays > 0) {
            match self.by_artist.get_mut(artist.name.as_str()) {
                Some(list) => list.push(artist.ms),
                None => {
                    self.by_artist.insert(artist.name.clone(), vec![artist.ms]);
                }
            }
        }
        true
    }

    /// The year counted so far.
    pub fn year(&self) -> Option<i32> {
        self.year
    }

    /// Sorts every artist's listeners for ranking.
    pub fn rank(mut self) -> Ranking {
        for list in self.by_artist.values_mut() {
            list.sort_unstable_by(|a, b| b.cmp(a));
            list.shrink_to_fit();
        }
        Ranking {
            by_artist: self.by_artist,
        }
    }
}

/// Each artist's listeners by milliseconds, most first.
#[derive(Debug)]
pub struct Ranking {
    by_artist: HashMap<String, Vec<u64>>,
}

impl Ranking {
    /// How many listeners `artist` has.
    pub fn listeners(&self, artist: &str) -> usize {
        self.by_artist.get(artist).map_or(0, Vec::len)
    }

    /// How many of `artist`'s listeners listened strictly longer than `ms`.
    pub fn more_than(&self, artist: &str, ms: u64) -> usize {
        self.by_artist
            .get(artist)
            .map_or(0, |list| list.partition_point(|&m| m > ms))
    }

    /// Artists with at least `min` listeners.
    pub fn artists_with_at_least(&self, min: u64) -> usize {
        self.by_artist
            .values()
            .filter(|l| l.len() as u64 >= min)
            .count()
    }

    /// The badge of a listener whose #1 artist is `artist` with `ms` and `plays` in the year.
    pub fn badge_of(&self, artist: &str, ms: u64, plays: u64, min_listeners: u64) -> Option<f64> {
        // No play of their own #1 artist (every stream under 30 s): not one of its listeners.
        if plays == 0 {
            return None;
        }
        badge(
            self.more_than(artist, ms) as u64,
            self.listeners(artist) as u64,
            min_listeners,
        )
    }
}

/// The published percentile of a listener whom `more` of an artist's `listeners` out-listened:
/// `100 × (more + 1) / listeners` rounded up to a bucket, or `None` when the artist has fewer
/// than `min_listeners` listeners or the value is over 10. Exact: compared in integers.
pub fn badge(more: u64, listeners: u64, min_listeners: u64) -> Option<f64> {
    if listeners == 0 || listeners < min_listeners || more >= listeners {
        return None;
    }
    // value ≤ b/10 %  ⇔  100 × (more + 1) / listeners ≤ b / 10  ⇔  1000 × (more + 1) ≤ b × listeners
    let scaled = 1000 * (u128::from(more) + 1);
    BUCKETS_TENTHS
        .iter()
        .find(|&&b| scaled <= u128::from(b) * u128::from(listeners))
        .map(|&b| b as f64 / 10.0)
}

/// A listener's finished stats between the passes, with what the badge needs.
#[derive(serde::Serialize, serde::Deserialize)]
struct Pending {
    /// The #1 artist as the history names it, its ms and plays.
    top: Option<(String, u64, u64)>,
    stats: Stats,
}

/// Reads every listener of `dir` and writes the dataset to `out`, one line per listener with
/// music in the year who did not opt out, in name order. `scratch` is a file this may create
/// and always removes. `progress` is told each listener's id as it is read.
pub fn build(
    dir: &Path,
    genres: Option<&Genres>,
    options: &Options,
    scratch: &Path,
    out: &mut dyn Write,
    progress: &mut dyn FnMut(&str),
) -> Result<Summary, Error> {
    let mut summary = Summary::default();
    let listeners = listeners(dir, &mut summary)?;
    let _cleanup = Remove(scratch.to_path_buf());
    let scratch_io = |source| Error::Io {
        path: scratch.into(),
        source,
    };
    let mut pending = BufWriter::new(std::fs::File::create(scratch).map_err(scratch_io)?);
    let mut tally = Tally {
        year: options.year,
        ..Tally::default()
    };
    // Listeners of the tally's year so far, for the summary; restarted with the tally.
    let (mut in_year, mut opted_out) = (0usize, 0usize);
    let mut read_ok = 0usize;
    // Ids given so far, with the entry that has each: the first in name order keeps it.
    let mut taken: HashMap<String, String> = HashMap::new();
    for listener in &listeners {
        progress(&listener.name);
        let mut history = History::default();
        if let Err(e) = super::read_path(&listener.path, &mut history) {
            summary.failed.push((listener.name.clone(), e.to_string()));
            continue;
        }
        let user_id = match history.user_name.as_deref() {
            Some(name) => Ok(super::to_user_id(name)),
            None => listener.name_id.clone(),
        };
        let user_id = match user_id {
            Ok(id) => id,
            Err(why) => {
                summary.failed.push((listener.name.clone(), why));
                continue;
            }
        };
        if let Some(first) = taken.get(&user_id) {
            summary.failed.push((
                listener.name.clone(),
                format!("user id `{user_id}` is already taken by {first}"),
            ));
            continue;
        }
        taken.insert(user_id.clone(), listener.name.clone());
        read_ok += 1;
        summary.rows += history.rows;
        summary.duplicates += history.duplicates;
        summary.malformed += history.malformed;
        summary.skipped_files += history.skipped_files.len();
        let room = MALFORMED_EXAMPLES.saturating_sub(summary.malformed_examples.len());
        summary
            .malformed_examples
            .extend(history.malformed_examples.drain(..).take(room));
        let rules = rules::Options {
            user_id: user_id.clone(),
            display_name: user_id.clone(),
            tz: options.tz.clone(),
            year: options.year,
        };
        let year = match rules::year(&history, genres, &rules) {
            Ok(year) => year,
            Err(Error::NoMusic { .. } | Error::Empty) => continue,
            Err(e) => {
                summary.failed.push((listener.name.clone(), e.to_string()));
                read_ok -= 1;
                continue;
            }
        };
        drop(history);
        let before = tally.year();
        if !tally.add(&year) {
            continue;
        }
        if tally.year() != before {
            (in_year, opted_out) = (0, 0);
        }
        in_year += 1;
        if options.opt_out.contains(&user_id) {
            opted_out += 1;
            continue;
        }
        let top = year
            .artists
            .first()
            .map(|a| (a.name.clone(), a.ms, a.plays));
        let line = Pending {
            top,
            stats: year.stats,
        };
        serde_json::to_writer(&mut pending, &line)
            .map_err(|e| scratch_io(std::io::Error::other(e)))?;
        pending.write_all(b"\n").map_err(scratch_io)?;
    }
    pending.flush().map_err(scratch_io)?;
    drop(pending);

    // A `--year` nobody has music in is no year of the dataset.
    summary.year = tally.year().filter(|_| in_year > 0);
    summary.no_music = read_ok - in_year;
    summary.opted_out = opted_out;
    let ranking = tally.rank();
    summary.artists_over_floor = ranking.artists_with_at_least(options.min_listeners.max(1));

    let out_io = |source| Error::Io {
        path: PathBuf::from("the output"),
        source,
    };
    let reader = BufReader::new(std::fs::File::open(scratch).map_err(scratch_io)?);
    for line in reader.lines() {
        let line = line.map_err(scratch_io)?;
        let Pending { top, mut stats } =
            serde_json::from_str(&line).map_err(|e| scratch_io(std::io::Error::other(e)))?;
        // Written before a later year restarted the tally: no music in the dataset's year.
        if Some(stats.year) != summary.year {
            continue;
        }
        stats.top_artist_percentile = top.and_then(|(artist, ms, plays)| {
            ranking.badge_of(&artist, ms, plays, options.min_listeners)
        });
        summary.badges += usize::from(stats.top_artist_percentile.is_some());
        serde_json::to_writer(&mut *out, &stats).map_err(|e| out_io(std::io::Error::other(e)))?;
        out.write_all(b"\n").map_err(out_io)?;
        summary.written += 1;
    }
    out.flush().map_err(out_io)?;
    Ok(summary)
}

/// Removes a file when dropped, whether the run finished or failed.
struct Remove(PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_round_up_and_equal_keeps() {
        // 1 of 1,000: exactly 0.1 %.
        assert_eq!(badge(0, 1000, 100), Some(0.1));
        // 2 of 1,000 = 0.2 % → 0.5.
        assert_eq!(badge(1, 1000, 100), Some(0.5));
        assert_eq!(badge(4, 1000, 100), Some(0.5));
        assert_eq!(badge(5, 1000, 100), Some(1.0)); // 0.6 %
        assert_eq!(badge(9, 1000, 100), Some(1.0)); // exactly 1 %
        assert_eq!(badge(19, 1000, 100), Some(2.0)); // exactly 2 %
        assert_eq!(badge(49, 1000, 100), Some(5.0));
        assert_eq!(badge(50, 1000, 100), Some(10.0)); // 5.1 %
        assert_eq!(badge(99, 1000, 100), Some(10.0)); // exactly 10 % is published
        assert_eq!(badge(100, 1000, 100), None); // 10.1 %
                                                 // 1 of 150 = 0.667 % → 1.
        assert_eq!(badge(0, 150, 100), Some(1.0));
        // 1 of 3 listeners is 33 %: never.
        assert_eq!(badge(0, 3, 1), None);
    }

    #[test]
    fn the_floor_holds() {
        assert_eq!(badge(0, 99, 100), None);
        assert_eq!(badge(0, 100, 100), Some(1.0));
        assert_eq!(badge(0, 99, 99), Some(2.0)); // 1.01 %
        assert_eq!(badge(0, 0, 0), None);
    }

    #[test]
    fn ties_share_the_better_rank() {
        let mut tally = Tally {
            year: Some(2026),
            ..Tally::default()
        };
        tally.by_artist.insert("A".into(), vec![10, 30, 30, 20, 30]);
        let ranking = tally.rank();
        assert_eq!(ranking.more_than("A", 30), 0);
        assert_eq!(ranking.more_than("A", 20), 3);
        assert_eq!(ranking.more_than("A", 10), 4);
        assert_eq!(ranking.listeners("A"), 5);
        assert_eq!(ranking.listeners("B"), 0);
        assert_eq!(ranking.badge_of("A", 30, 0, 1), None, "no play, no badge");
    }
}
