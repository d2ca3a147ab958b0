//! Last.fm scrobbles as the common exporters write them, CSV (standard quoting):
//!
//! - without a header, `artist,album,track,date` with a UTC date such as `31 Jan 2026 14:03`
//!   (benjaminbenben's lastfm-to-csv);
//! - with a header naming the columns, in any order: the artist (`artist`, `artist_name`), the
//!   title (`track`, `track_name`, `title`, `name`) and the time, either epoch seconds (`uts`,
//!   `timestamp`, `date_uts`) or a UTC date (`utc_time`, `date`, `time`, `datetime`); other
//!   columns (album, MBIDs) are kept only for the duplicate rule.
//!
//! Dates read as `31 Jan 2026 14:03`, `31 Jan 2026, 14:03`, `2026-01-31 14:03[:05]` or RFC
//! 3339. A scrobble's time is when the track *started*. Scrobbles carry no duration: each
//! counts as a play of [`ESTIMATED_MS`].

use jiff::{civil, tz::TimeZone, Timestamp};
use sha2::{Digest, Sha256};

use super::play::{Listen, ESTIMATED_MS};

/// Where the fields of a scrobble are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    artist: usize,
    track: usize,
    time: Time,
    /// Whether the first record is a header (and so not a scrobble).
    pub header: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Time {
    Epoch(usize),
    Date(usize),
}

const ARTIST: &[&str] = &["artist", "artist_name", "artist name", "artistname"];
const TRACK: &[&str] = &[
    "track",
    "track_name",
    "track name",
    "trackname",
    "title",
    "name",
];
const EPOCH: &[&str] = &["uts", "timestamp", "date_uts", "unix_timestamp"];
const DATE: &[&str] = &["utc_time", "date", "time", "datetime", "date_text"];

impl Layout {
    /// The layout a file's first record shows: a header naming an artist, a title and a time
    /// column, or a headerless `artist,album,track,date` scrobble.
    pub fn detect(first: &csv::StringRecord) -> Option<Layout> {
        let names: Vec<String> = first.iter().map(|f| f.trim().to_lowercase()).collect();
        let find = |list: &[&str]| {
            list.iter()
                .find_map(|want| names.iter().position(|n| n == want))
        };
        if let (Some(artist), Some(track)) = (find(ARTIST), find(TRACK)) {
            let time = find(EPOCH)
                .map(Time::Epoch)
                .or_else(|| find(DATE).map(Time::Date))?;
            return Some(Layout {
                artist,
                track,
                time,
                header: true,
            });
        }
        (first.len() == 4 && parse_date(&first[3]).is_some()).then_some(Layout {
            artist: 0,
            track: 2,
            time: Time::Date(3),
            header: false,
        })
    }

    /// The stream a scrobble records, or why it cannot be read.
    pub fn listen<'a>(&self, record: &'a csv::StringRecord) -> Result<Listen<'a>, String> {
        let field = |i: usize| record.get(i).map(str::trim).filter(|s| !s.is_empty());
        let start = match self.time {
            Time::Epoch(i) => {
                let text = field(i).ok_or("no time")?;
                text.parse::<i64>()
                    .ok()
                    .and_then(|s| Timestamp::from_second(s).ok())
                    .ok_or_else(|| format!("{:?} is not epoch seconds", short(text)))?
            }
            Time::Date(i) => {
                let text = field(i).ok_or("no date")?;
                parse_date(text).ok_or_else(|| format!("{:?} is not a date", short(text)))?
            }
        };
        Ok(Listen {
            track: field(self.track),
            artist: field(self.artist),
            start_ms: start.as_millisecond(),
            ms: ESTIMATED_MS,
            estimated: true,
        })
    }
}

/// A UTC date in one of the forms the exporters write.
fn parse_date(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(t) = text.parse::<Timestamp>() {
        return Some(t);
    }
    const FORMS: &[&str] = &[
        "%d %b %Y %H:%M",
        "%d %b %Y, %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ];
    FORMS.iter().find_map(|form| {
        let dt = civil::DateTime::strptime(form, text).ok()?;
        TimeZone::UTC.to_timestamp(dt).ok()
    })
}

/// 128 bits of SHA-256 over every field of the record.
pub fn fingerprint(record: &csv::StringRecord) -> u128 {
    let mut h = Sha256::new();
    h.update(b"csv");
    h.update((record.len() as u64).to_le_bytes());
    for field in record {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(bytes)
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(fields: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(fields.to_vec())
    }

    #[test]
    fn headerless_rows_are_artist_album_track_date() {
        let first = record(&["Björk", "Post", "Army of Me", "31 Jan 2026 14:03"]);
        let layout = Layout::detect(&first).unwrap();
        assert!(!layout.header);
        let l = layout.listen(&first).unwrap();
        assert_eq!((l.artist, l.track), (Some("Björk"), Some("Army of Me")));
        assert_eq!(
            l.start_ms,
            "2026-01-31T14:03:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_millisecond()
        );
        assert_eq!((l.ms, l.estimated), (ESTIMATED_MS, true));
        assert!(Layout::detect(&record(&["a", "b", "c", "d"])).is_none());
    }

    #[test]
    fn a_header_names_the_columns() {
        let header = record(&[
            "uts",
            "utc_time",
            "artist",
            "artist_mbid",
            "album",
            "album_mbid",
            "track",
            "track_mbid",
        ]);
        let layout = Layout::detect(&header).unwrap();
        assert!(layout.header);
        let row = record(&[
            "1769868180",
            "31 Jan 2026, 14:03",
            "A",
            "",
            "B",
            "",
            "T",
            "",
        ]);
        let l = layout.listen(&row).unwrap();
        assert_eq!(l.start_ms, 1_769_868_180_000);
        assert_eq!(l.track, Some("T"));
        let dated = Layout::detect(&record(&["Artist", "Track", "Date"])).unwrap();
        let row = record(&["A", "T", "2026-01-31 14:03:05"]);
        let l = dated.listen(&row).unwrap();
        assert_eq!(l.start_ms, 1_769_868_185_000);
        assert!(dated
            .listen(&record(&["A", "T", "now playing"]))
            .unwrap_err()
            .contains("not a date"));
    }
}
