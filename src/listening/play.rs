//! The normalised play every format becomes, and the [`History`] that collects them.

use std::collections::HashSet;
use std::path::PathBuf;

use jiff::Timestamp;

/// Malformed rows named in the summary; the rest are only counted.
pub const MALFORMED_EXAMPLES: usize = 5;

/// One stream, whatever format it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Play {
    /// The track's title; `None` for podcast episodes and audiobooks.
    pub track: Option<String>,
    /// The track's artist; `None` for podcast episodes and audiobooks.
    pub artist: Option<String>,
    /// When the stream ended (both Spotify formats record the end).
    pub end: Timestamp,
    /// How long it played.
    pub ms: u64,
}

impl Play {
    /// When the stream started: the end minus the time played. `None` if that falls before
    /// the earliest time there is (hostile `ms_played`).
    pub fn start(&self) -> Option<Timestamp> {
        let ms = i64::try_from(self.ms).ok()?;
        let start = self.end.as_millisecond().checked_sub(ms)?;
        Timestamp::from_millisecond(start).ok()
    }

    /// The title and artist of a music stream; `None` for everything else.
    pub fn music(&self) -> Option<(&str, &str)> {
        Some((self.track.as_deref()?, self.artist.as_deref()?))
    }
}

/// Everything read from one listener's files.
#[derive(Debug, Default)]
pub struct History {
    /// Every distinct well-formed row, in reading order.
    pub plays: Vec<Play>,
    /// Fingerprints of the raw rows seen, so a row repeated in any file counts once.
    seen: HashSet<u128>,
    /// Files read as histories.
    pub files: Vec<PathBuf>,
    /// Files inside a folder in no known format.
    pub skipped_files: Vec<PathBuf>,
    /// Rows read, duplicates and malformed ones included.
    pub rows: u64,
    /// Rows identical to one read before.
    pub duplicates: u64,
    /// Rows that could not be read.
    pub malformed: u64,
    /// The first few malformed rows or files: `file, row N: why`.
    pub malformed_examples: Vec<String>,
}

impl History {
    /// Counts a raw row; `false` if an identical one was seen before.
    pub fn first_time(&mut self, fingerprint: u128) -> bool {
        self.rows += 1;
        let new = self.seen.insert(fingerprint);
        if !new {
            self.duplicates += 1;
        }
        new
    }

    /// Counts a malformed row (or a file that breaks off), naming the first few.
    pub fn malformed(&mut self, what: String) {
        self.malformed += 1;
        if self.malformed_examples.len() < MALFORMED_EXAMPLES {
            self.malformed_examples.push(what);
        }
    }
}
