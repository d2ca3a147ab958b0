//! The normalised play every format becomes, and the [`History`] that collects them.
//!
//! A heavy listener has hundreds of thousands of rows but only thousands of distinct tracks,
//! so a [`Play`] holds no text: titles and artists are interned once in the history, and a
//! play is a track id, a start time and a duration (24 bytes). Together with the 16-byte
//! fingerprint each raw row leaves for the duplicate rule, that is all a history grows by per
//! row.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::num::NonZeroU32;
use std::path::PathBuf;

use jiff::Timestamp;

use crate::card::model::MAX_STRING_CHARS;

/// Malformed rows named in the summary; the rest are only counted.
pub const MALFORMED_EXAMPLES: usize = 5;

/// A listen's duration when the export has none: ListenBrainz's own Year in Music estimate.
pub const ESTIMATED_MS: u64 = 180_000;

/// A (title, artist) pair interned in a [`History`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TrackId(NonZeroU32);

impl TrackId {
    /// Its position in [`History::tracks`].
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// An artist name interned in a [`History`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArtistId(u32);

impl ArtistId {
    /// Its position in [`History::artists`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One stream as a format reader hands it over, its text borrowed from the row being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listen<'a> {
    /// The track's title; `None` for podcast episodes and audiobooks.
    pub track: Option<&'a str>,
    /// The track's artist; `None` for podcast episodes and audiobooks.
    pub artist: Option<&'a str>,
    /// When the stream started, milliseconds since the Unix epoch.
    pub start_ms: i64,
    /// How long it played.
    pub ms: u64,
    /// `ms` is [`ESTIMATED_MS`] because the export gave no duration.
    pub estimated: bool,
}

impl<'a> Listen<'a> {
    /// A stream that ended at `end` after `ms`; `None` if it would start before the earliest
    /// time there is (a hostile `ms_played`).
    pub fn ended(
        end: Timestamp,
        ms: u64,
        track: Option<&'a str>,
        artist: Option<&'a str>,
    ) -> Option<Self> {
        let start_ms = end.as_millisecond().checked_sub(i64::try_from(ms).ok()?)?;
        Timestamp::from_millisecond(start_ms).ok()?;
        Some(Listen {
            track,
            artist,
            start_ms,
            ms,
            estimated: false,
        })
    }
}

/// A name cut to the longest a stats string may be, so a hostile export's 10,000-character
/// artist makes a shortened name on the card rather than stats that fail to validate. Names
/// that share their first [`MAX_STRING_CHARS`] characters become one.
fn cap(name: &str) -> &str {
    match name.char_indices().nth(MAX_STRING_CHARS) {
        Some((end, _)) => &name[..end],
        None => name,
    }
}

/// One stored stream: no text, only ids and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Play {
    /// When it started, milliseconds since the Unix epoch (always a valid [`Timestamp`]).
    pub start_ms: i64,
    /// How long it played.
    pub ms: u64,
    /// The track; `None` for podcast episodes and audiobooks.
    pub track: Option<TrackId>,
    /// `ms` is an estimate (the export gave no duration).
    pub estimated: bool,
}

impl Play {
    /// When the stream started.
    pub fn start(&self) -> Timestamp {
        // `History::add` only stores valid times; the fallback is never taken.
        Timestamp::from_millisecond(self.start_ms).unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

/// Everything read from one listener's files. Read one listener into a fresh `History`, sum
/// it with [`rules::year`](super::rules::year), drop it, and the next listener starts from
/// nothing: memory never carries over.
#[derive(Debug, Default)]
pub struct History {
    /// Every distinct well-formed row, in reading order.
    pub plays: Vec<Play>,
    /// Artist names, by [`ArtistId`].
    artists: Vec<Box<str>>,
    artist_ids: HashMap<Box<str>, ArtistId>,
    /// (title, artist) pairs, by [`TrackId`].
    tracks: Vec<(Box<str>, ArtistId)>,
    /// Keyed by `"{artist id}\0{title}"`, so a lookup needs no allocation (see `scratch`).
    track_ids: HashMap<Box<str>, TrackId>,
    scratch: String,
    /// Fingerprints of the raw rows seen, so a row repeated in any file counts once.
    seen: HashSet<u128>,
    /// The listener's name as the export gives it (ListenBrainz's `user.json`).
    pub user_name: Option<String>,
    /// Files read as histories (a zip's entries as `archive.zip/entry`).
    pub files: Vec<PathBuf>,
    /// Files inside a folder or archive in no known format.
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

    /// Stores a listen, interning its names. Music needs both a title and an artist; with
    /// either missing the listen is kept as a non-music stream.
    pub fn add(&mut self, listen: &Listen) {
        let track = match (listen.track, listen.artist) {
            (Some(title), Some(artist)) if !title.is_empty() && !artist.is_empty() => {
                Some(self.track_id(cap(title), cap(artist)))
            }
            _ => None,
        };
        self.plays.push(Play {
            start_ms: listen.start_ms,
            ms: listen.ms,
            track,
            estimated: listen.estimated,
        });
    }

    fn track_id(&mut self, title: &str, artist: &str) -> TrackId {
        let artist = match self.artist_ids.get(artist) {
            Some(&id) => id,
            None => {
                let id = ArtistId(self.artists.len() as u32);
                self.artists.push(artist.into());
                self.artist_ids.insert(artist.into(), id);
                id
            }
        };
        // The key is built in a reused buffer: most rows repeat a track already seen, and
        // those then cost no allocation at all.
        self.scratch.clear();
        let _ = write!(self.scratch, "{}\0{title}", artist.0);
        if let Some(&id) = self.track_ids.get(self.scratch.as_str()) {
            return id;
        }
        let id = TrackId(
            NonZeroU32::new(self.tracks.len() as u32 + 1).expect("a count plus one is not zero"),
        );
        self.tracks.push((title.into(), artist));
        self.track_ids.insert(self.scratch.as_str().into(), id);
        id
    }

    /// The title and artist of a track.
    pub fn track(&self, id: TrackId) -> (&str, ArtistId) {
        let (title, artist) = &self.tracks[id.index()];
        (title, *artist)
    }

    /// An artist's name.
    pub fn artist(&self, id: ArtistId) -> &str {
        &self.artists[id.index()]
    }

    /// Every artist id, in the order first read.
    pub fn artist_ids(&self) -> impl Iterator<Item = ArtistId> {
        (0..self.artists.len() as u32).map(ArtistId)
    }

    /// Every track id, in the order first read.
    pub fn track_ids(&self) -> impl Iterator<Item = TrackId> {
        (1..=self.tracks.len() as u32).filter_map(|i| NonZeroU32::new(i).map(TrackId))
    }

    /// Distinct artists read.
    pub fn artist_count(&self) -> usize {
        self.artists.len()
    }

    /// Distinct (title, artist) pairs read.
    pub fn track_count(&self) -> usize {
        self.tracks.len()
    }

    /// The title and artist of a music play; `None` for everything else.
    pub fn music(&self, play: &Play) -> Option<(&str, &str)> {
        let (title, artist) = self.track(play.track?);
        Some((title, self.artist(artist)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_interned_once_and_cut_to_a_stats_string() {
        let mut h = History::default();
        let long = "é".repeat(MAX_STRING_CHARS + 5);
        for (title, artist) in [("T", "A"), ("T", "A"), ("U", "A"), ("T", long.as_str())] {
            h.add(&Listen {
                track: Some(title),
                artist: Some(artist),
                start_ms: 0,
                ms: 1,
                estimated: false,
            });
        }
        h.add(&Listen {
            track: None,
            artist: Some("A"),
            start_ms: 0,
            ms: 1,
            estimated: false,
        });
        assert_eq!(
            (h.artist_count(), h.track_count(), h.plays.len()),
            (2, 3, 5)
        );
        assert_eq!(h.plays[0].track, h.plays[1].track);
        assert_eq!(h.music(&h.plays[2]), Some(("U", "A")));
        assert_eq!(h.music(&h.plays[4]), None);
        let (_, artist) = h.music(&h.plays[3]).unwrap();
        assert_eq!(artist.chars().count(), MAX_STRING_CHARS);
    }
}
