//! The two Spotify exports, told apart by their content, never by file name:
//!
//! - extended streaming history (`Streaming_History_Audio_*.json`, `endsong_*.json`): rows
//!   `{ts, ms_played, master_metadata_track_name, master_metadata_album_artist_name, …}`, `ts`
//!   the end of the stream in UTC to the second;
//! - account data (`StreamingHistory_music_*.json`): rows `{endTime, artistName, trackName,
//!   msPlayed}`, `endTime` the end in UTC to the minute.
//!
//! Both are one JSON array. It is read element by element, so a file of a million rows never
//! sits in memory as a whole; the first element decides the format.

use std::fmt::Write as _;
use std::io::BufReader;
use std::path::Path;

use jiff::{civil, tz::TimeZone, Timestamp};
use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Error, History, Play};

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Extended,
    Account,
}

impl Format {
    /// The format a row belongs to, from the fields it has.
    pub fn detect(row: &Value) -> Option<Format> {
        let row = row.as_object()?;
        if row.contains_key("ts") && row.contains_key("ms_played") {
            Some(Format::Extended)
        } else if row.contains_key("endTime") && row.contains_key("msPlayed") {
            Some(Format::Account)
        } else {
            None
        }
    }

    /// The play a row records, or why it cannot be read.
    pub fn play(self, row: &Value) -> Result<Play, String> {
        let (end, ms, track, artist) = match self {
            Format::Extended => (
                "ts",
                "ms_played",
                "master_metadata_track_name",
                "master_metadata_album_artist_name",
            ),
            Format::Account => ("endTime", "msPlayed", "trackName", "artistName"),
        };
        let Some(row) = row.as_object() else {
            return Err("not an object".into());
        };
        let end_text = row
            .get(end)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("`{end}` is not a string"))?;
        let end_time = match self {
            Format::Extended => end_text.parse::<Timestamp>().ok(),
            Format::Account => civil::DateTime::strptime("%Y-%m-%d %H:%M", end_text)
                .ok()
                .and_then(|dt| TimeZone::UTC.to_timestamp(dt).ok()),
        }
        .ok_or_else(|| format!("`{end}` is not a time: {:?}", short(end_text)))?;
        let ms_key = ms;
        let ms = row
            .get(ms_key)
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("`{ms}` is not a non-negative integer"))?;
        let text = |key: &str| {
            row.get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let play = Play {
            track: text(track),
            artist: text(artist),
            end: end_time,
            ms,
        };
        if play.start().is_none() {
            return Err(format!(
                "`{ms_key}` reaches back before the earliest time there is"
            ));
        }
        Ok(play)
    }
}

/// Reads one file into `history`. A file that is not a JSON array whose first element is a
/// row of a known format is [`Error::UnknownFormat`]; a file that breaks off after its first
/// row keeps the rows before the break and counts the break as malformed.
pub fn read(path: &Path, history: &mut History) -> Result<(), Error> {
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.into(),
        source,
    })?;
    let name = path.display().to_string();
    let mut format = None;
    let mut de = serde_json::Deserializer::from_reader(BufReader::new(file));
    let rows = Rows {
        name: &name,
        history,
        format: &mut format,
    };
    let result = rows
        .deserialize(&mut de)
        .and_then(|empty| de.end().map(|()| empty));
    match (result, format) {
        (Ok(_), Some(_)) | (Ok(true), None) => {}
        (Err(e), Some(_)) => {
            history.malformed(format!("{name}: breaks off: {}", position(&e)));
        }
        (Ok(false), None) | (Err(_), None) => {
            return Err(Error::UnknownFormat { path: path.into() })
        }
    }
    history.files.push(path.into());
    Ok(())
}

/// The array's visitor: each element is read, fingerprinted and normalised on its own.
struct Rows<'a> {
    name: &'a str,
    history: &'a mut History,
    format: &'a mut Option<Format>,
}

impl<'de> DeserializeSeed<'de> for Rows<'_> {
    /// Whether the array was empty.
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of streams")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let mut index = 0usize;
        while let Some(row) = seq.next_element::<Value>()? {
            let format = match *self.format {
                Some(format) => format,
                None => match Format::detect(&row) {
                    Some(format) => *self.format.insert(format),
                    None => return Err(serde::de::Error::custom("not a known history")),
                },
            };
            if self.history.first_time(fingerprint(&row)) {
                match format.play(&row) {
                    Ok(play) => self.history.plays.push(play),
                    Err(why) => self
                        .history
                        .malformed(format!("{}, row {index}: {why}", self.name)),
                }
            }
            index += 1;
        }
        Ok(index == 0)
    }
}

/// 128 bits of SHA-256 over the row's canonical JSON (keys sorted, no spaces): equal rows
/// give equal fingerprints whatever order their fields were written in.
pub fn fingerprint(row: &Value) -> u128 {
    let mut text = String::new();
    canonical(row, &mut text);
    let digest = Sha256::digest(text.as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(bytes)
}

fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{}:", Value::String(key.clone()));
                canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

fn position(e: &serde_json::Error) -> String {
    format!("line {}, column {}", e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_are_told_apart_by_their_fields() {
        let ext = json!({"ts": "2026-03-05T16:52:11Z", "ms_played": 1000});
        let acc = json!({"endTime": "2026-03-05 16:52", "msPlayed": 1000});
        assert_eq!(Format::detect(&ext), Some(Format::Extended));
        assert_eq!(Format::detect(&acc), Some(Format::Account));
        assert_eq!(Format::detect(&json!({"user_id": "x"})), None);
        assert_eq!(Format::detect(&json!(3)), None);
    }

    #[test]
    fn account_rows_end_at_the_minute_in_utc() {
        let row = json!({"endTime": "2026-03-05 16:52", "artistName": "A", "trackName": "T",
            "msPlayed": 60000});
        let play = Format::Account.play(&row).unwrap();
        assert_eq!(
            play.end,
            "2026-03-05T16:52:00Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(
            play.start().unwrap(),
            "2026-03-05T16:51:00Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(play.music(), Some(("T", "A")));
    }

    #[test]
    fn podcasts_have_no_music_and_bad_rows_say_why() {
        let row = json!({"ts": "2026-03-05T16:52:11Z", "ms_played": 5,
            "master_metadata_track_name": null, "episode_name": "E"});
        assert_eq!(Format::Extended.play(&row).unwrap().music(), None);
        let bad = json!({"ts": "yesterday", "ms_played": 5});
        assert!(Format::Extended.play(&bad).unwrap_err().contains("`ts`"));
        let neg = json!({"ts": "2026-03-05T16:52:11Z", "ms_played": -5});
        assert!(Format::Extended
            .play(&neg)
            .unwrap_err()
            .contains("ms_played"));
    }

    #[test]
    fn field_order_does_not_change_the_fingerprint() {
        let a: Value = serde_json::from_str(r#"{"a":1,"b":[{"x":null,"y":"z"}]}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"b":[{"y":"z","x":null}],"a":1}"#).unwrap();
        let c: Value = serde_json::from_str(r#"{"b":[{"y":"z","x":null}],"a":2}"#).unwrap();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&c));
    }
}
