//! The two Spotify exports, told apart by their content, never by file name:
//!
//! - extended streaming history (`Streaming_History_Audio_*.json`, `endsong_*.json`): rows
//!   `{ts, ms_played, master_metadata_track_name, master_metadata_album_artist_name, …}`, `ts`
//!   the end of the stream in UTC to the second;
//! - account data (`StreamingHistory_music_*.json`, `StreamingHistory_podcast_*.json`): rows
//!   `{endTime, artistName, trackName, msPlayed}` (podcasts: `podcastName`, `episodeName`),
//!   `endTime` the end in UTC to the minute.
//!
//! Both are one JSON array, read row by row by [`json::ArrayRows`](super::json::ArrayRows);
//! the first row decides the format.

use jiff::{civil, tz::TimeZone, Timestamp};

use super::json::Json;
use super::play::Listen;

/// Which export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Extended,
    Account,
}

impl Format {
    /// The format a row belongs to, from the fields it has.
    pub fn detect(row: &Json) -> Option<Format> {
        if row.has("ts") && row.has("ms_played") {
            Some(Format::Extended)
        } else if row.has("endTime") && row.has("msPlayed") {
            Some(Format::Account)
        } else {
            None
        }
    }

    /// The stream a row records, or why it cannot be read. A row without a track name or an
    /// artist name (a podcast episode, an audiobook) is a stream with no music.
    pub fn listen<'a>(self, row: &'a Json) -> Result<Listen<'a>, String> {
        let (end, ms, track, artist) = match self {
            Format::Extended => (
                "ts",
                "ms_played",
                "master_metadata_track_name",
                "master_metadata_album_artist_name",
            ),
            Format::Account => ("endTime", "msPlayed", "trackName", "artistName"),
        };
        if !row.is_object() {
            return Err("not an object".into());
        }
        let end_text = row
            .get(end)
            .and_then(Json::as_str)
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
            .and_then(Json::as_u64)
            .ok_or_else(|| format!("`{ms}` is not a non-negative integer"))?;
        let text = |key: &str| {
            row.get(key)
                .and_then(Json::as_str)
                .filter(|s| !s.is_empty())
        };
        Listen::ended(end_time, ms, text(track), text(artist))
            .ok_or_else(|| format!("`{ms_key}` reaches back before the earliest time there is"))
    }
}

pub(super) fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Json<'_> {
        Json::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn rows_are_told_apart_by_their_fields() {
        let ext = json(r#"{"ts": "2026-03-05T16:52:11Z", "ms_played": 1000}"#);
        let acc = json(r#"{"endTime": "2026-03-05 16:52", "msPlayed": 1000}"#);
        assert_eq!(Format::detect(&ext), Some(Format::Extended));
        assert_eq!(Format::detect(&acc), Some(Format::Account));
        assert_eq!(Format::detect(&json(r#"{"user_id": "x"}"#)), None);
        assert_eq!(Format::detect(&json("3")), None);
    }

    #[test]
    fn account_rows_end_at_the_minute_in_utc() {
        let row = json(
            r#"{"endTime": "2026-03-05 16:52", "artistName": "A", "trackName": "T",
            "msPlayed": 60000}"#,
        );
        let listen = Format::Account.listen(&row).unwrap();
        assert_eq!(
            listen.start_ms,
            "2026-03-05T16:51:00Z"
                .parse::<Timestamp>()
                .unwrap()
                .as_millisecond()
        );
        assert_eq!((listen.track, listen.artist), (Some("T"), Some("A")));
        let podcast = json(
            r#"{"endTime": "2026-03-05 16:52", "podcastName": "P", "episodeName": "E",
            "msPlayed": 60000}"#,
        );
        assert_eq!(Format::detect(&podcast), Some(Format::Account));
        let listen = Format::Account.listen(&podcast).unwrap();
        assert_eq!((listen.track, listen.artist), (None, None));
    }

    #[test]
    fn podcasts_have_no_music_and_bad_rows_say_why() {
        let row = json(
            r#"{"ts": "2026-03-05T16:52:11Z", "ms_played": 5,
            "master_metadata_track_name": null, "episode_name": "E"}"#,
        );
        assert_eq!(Format::Extended.listen(&row).unwrap().track, None);
        let bad = json(r#"{"ts": "yesterday", "ms_played": 5}"#);
        assert!(Format::Extended.listen(&bad).unwrap_err().contains("`ts`"));
        let neg = json(r#"{"ts": "2026-03-05T16:52:11Z", "ms_played": -5}"#);
        assert!(Format::Extended
            .listen(&neg)
            .unwrap_err()
            .contains("ms_played"));
    }
}
