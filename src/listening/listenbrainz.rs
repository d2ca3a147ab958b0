//! ListenBrainz's listens export, as its server writes it: a zip with `user.json`
//! (`{"user_id": 1, "username": "…"}`) and `listens/<year>/<month>.jsonl`, one listen a line:
//!
//! ```text
//! {"listened_at": 1767225600.000000, "inserted_at": …, "track_metadata": {"artist_name": "…",
//!  "track_name": "…", "release_name": "…", "additional_info": {"duration_ms": 215000, …},
//!  "recording_msid": "…", "mbid_mapping": {…} | null}}
//! ```
//!
//! `listened_at` is when the listen *started*, epoch seconds, fractional in the current export
//! (PostgreSQL's `extract(epoch …)`), whole in older ones. The duration is
//! `additional_info.duration_ms` (milliseconds) or `additional_info.duration` (seconds); a
//! listen with neither counts as a play of [`ESTIMATED_MS`], as ListenBrainz's own Year in
//! Music does. Older exports wrote the same listens as one JSON array; that reads too.

use super::json::Json;
use super::play::{Listen, ESTIMATED_MS};

/// Whether a row is a listen (rather than feedback, a pinned recording or the user file).
pub fn is_listen(row: &Json) -> bool {
    row.has("listened_at") && row.has("track_metadata")
}

/// The user name in `user.json` (`{"user_id": 1, "username": "…"}`), if `row` is that file's
/// object.
pub fn user_name<'a>(row: &'a Json) -> Option<&'a str> {
    if row.has("listened_at") || !row.has("user_id") {
        return None;
    }
    row.get("username")
        .and_then(Json::as_str)
        .filter(|s| !s.is_empty())
}

/// The stream a listen records, or why it cannot be read.
pub fn listen<'a>(row: &'a Json) -> Result<Listen<'a>, String> {
    if !row.is_object() {
        return Err("not an object".into());
    }
    let start_ms = row
        .get("listened_at")
        .and_then(epoch_ms)
        .ok_or("`listened_at` is not a time in epoch seconds")?;
    let meta = row
        .get("track_metadata")
        .filter(|m| m.is_object())
        .ok_or("`track_metadata` is not an object")?;
    let text = |key: &str| {
        meta.get(key)
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
    };
    let info = meta.get("additional_info").filter(|i| !i.is_null());
    if info.is_some_and(|i| !i.is_object()) {
        return Err("`additional_info` is not an object".into());
    }
    let field = |key: &str| info.and_then(|i| i.get(key)).filter(|v| !v.is_null());
    let ms = match (field("duration_ms"), field("duration")) {
        (Some(ms), _) => Some(duration(ms, 1.0).ok_or("`duration_ms` is not a duration")?),
        (None, Some(s)) => Some(duration(s, 1000.0).ok_or("`duration` is not a duration")?),
        (None, None) => None,
    };
    Ok(Listen {
        track: text("track_name"),
        artist: text("artist_name"),
        start_ms,
        ms: ms.unwrap_or(ESTIMATED_MS),
        estimated: ms.is_none(),
    })
}

/// Epoch seconds (a number, or a string of one, as some tools write) to milliseconds, rounded
/// down; `None` unless it is a time jiff can hold.
fn epoch_ms(value: &Json) -> Option<i64> {
    let seconds = match value {
        Json::Str(s) => s.trim().parse::<f64>().ok()?,
        other => other.as_f64()?,
    };
    // Exports write six decimals: round to the microsecond first, so that a listen written as
    // …599.999 is not read as …599.998999 and moved a millisecond back.
    let micros = (seconds * 1.0e6).round();
    if !micros.is_finite() || micros.abs() > 9.0e15 {
        return None;
    }
    let ms = (micros as i64).div_euclid(1000);
    jiff::Timestamp::from_millisecond(ms).ok()?;
    Some(ms)
}

/// A non-negative duration in some unit, to whole milliseconds (rounded down).
fn duration(value: &Json, ms_per_unit: f64) -> Option<u64> {
    if let (Some(n), 1.0) = (value.as_u64(), ms_per_unit) {
        return Some(n);
    }
    let ms = value.as_f64()? * ms_per_unit;
    (0.0..1.0e15).contains(&ms).then_some(ms.floor() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Json<'_> {
        Json::parse(text.as_bytes()).unwrap()
    }

    #[test]
    fn a_listen_starts_at_listened_at() {
        let row = json(
            r#"{"listened_at": 1767225599.999, "inserted_at": 1767225700.5,
            "track_metadata": {"artist_name": "Ａ", "track_name": "Ｔ", "release_name": null,
            "additional_info": {"duration_ms": 215000, "recording_msid": "x"},
            "mbid_mapping": null, "recording_msid": "x"}}"#,
        );
        assert!(is_listen(&row));
        let l = listen(&row).unwrap();
        assert_eq!(l.start_ms, 1_767_225_599_999);
        assert_eq!(
            (l.track, l.artist, l.ms, l.estimated),
            (Some("Ｔ"), Some("Ａ"), 215_000, false)
        );
    }

    #[test]
    fn durations_in_seconds_or_missing() {
        let secs = json(
            r#"{"listened_at": 1767225600, "track_metadata": {"artist_name": "A",
            "track_name": "T", "additional_info": {"duration": 200}}}"#,
        );
        let l = listen(&secs).unwrap();
        assert_eq!(
            (l.start_ms, l.ms, l.estimated),
            (1_767_225_600_000, 200_000, false)
        );
        let none = json(
            r#"{"listened_at": "1767225600", "track_metadata": {"artist_name": "A",
            "track_name": "T"}}"#,
        );
        let l = listen(&none).unwrap();
        assert_eq!((l.ms, l.estimated), (ESTIMATED_MS, true));
        let bad = json(
            r#"{"listened_at": 1767225600, "track_metadata": {"artist_name": "A",
            "track_name": "T", "additional_info": {"duration_ms": -3}}}"#,
        );
        assert!(listen(&bad).unwrap_err().contains("duration_ms"));
        let no_time = json(r#"{"listened_at": "soon", "track_metadata": {}}"#);
        assert!(listen(&no_time).unwrap_err().contains("listened_at"));
    }

    #[test]
    fn the_user_file_names_the_listener() {
        assert_eq!(
            user_name(&json(r#"{"user_id": 7, "username": "rob"}"#)),
            Some("rob")
        );
        assert_eq!(
            user_name(&json(r#"{"listened_at": 1, "username": "x"}"#)),
            None
        );
        // Spotify's Userdata.json has a user name too, but is no ListenBrainz export.
        assert_eq!(
            user_name(&json(r#"{"username": "x", "country": "DE"}"#)),
            None
        );
    }
}
