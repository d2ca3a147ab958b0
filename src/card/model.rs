//! Stats: one listener's year, the input at the head of the pipeline.
//!
//! `stats JSON → [`Stats::from_json`] → Stats → template fill → …`
//!
//! Parsing happens in three steps so every error names its place: `serde_json` checks the
//! syntax (line and column), `serde_path_to_error` checks the types (field path), and
//! [`Stats::validate`] checks the rules the types cannot carry (list lengths, ranges).
//! [`Stats::sanitize`] then strips characters XML forbids, so user strings are safe to
//! escape into SVG.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Most items a top list may hold.
pub const MAX_LIST: usize = 5;
/// Longest user string accepted, in characters; text fitting handles anything up to it.
pub const MAX_STRING_CHARS: usize = 1000;

/// One user's year in music.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Stats {
    /// Stable id; letters, digits, `-` and `_`, at most 64 characters.
    pub user_id: String,
    /// The name printed on the cards.
    pub display_name: String,
    /// The year the stats cover.
    pub year: i32,
    /// Minutes listened in the year.
    pub minutes_listened: Count,
    /// Up to five artists, most listened first.
    #[schemars(length(max = 5))]
    pub top_artists: Vec<Artist>,
    /// Up to five tracks, most played first.
    #[schemars(length(max = 5))]
    pub top_tracks: Vec<Track>,
    /// Up to five genres, largest share first.
    #[schemars(length(max = 5))]
    pub top_genres: Vec<Genre>,
    /// Minutes listened in each hour of the day, hour 0 first: exactly 24 numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 24, max = 24))]
    pub listening_clock: Option<Vec<f64>>,
    /// The user is in the top this-many percent of their top artist's listeners (0.5 = top 0.5%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_artist_percentile: Option<f64>,
    /// Language of the card's words and numbers, a language tag (`en`, `de`, `pt-BR`, `ar`, …);
    /// a language without a catalog gets English words. Default: `en`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// An artist in the top list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Artist {
    pub name: String,
    pub minutes: Count,
    /// A path relative to the stats or dataset file, or a `data:` URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// A track in the top list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Track {
    pub title: String,
    pub artist: String,
    pub plays: Count,
}

/// A genre and its share of listening.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Genre {
    pub name: String,
    /// Share of listening time, 0 to 1.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub share: f64,
}

/// A non-negative integer count. Its own type so a negative number gets a message that says
/// what was expected and what came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, JsonSchema)]
#[schemars(transparent)]
pub struct Count(#[schemars(range(min = 0))] pub u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a non-negative integer")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Count, E> {
                u64::try_from(v)
                    .map(Count)
                    .map_err(|_| E::custom(format!("expected a non-negative integer, got {v}")))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Count, E> {
                // JSON integers past u64 arrive here as floats.
                if v.fract() == 0.0 && v >= u64::MAX as f64 {
                    return Err(E::custom(format!(
                        "expected a non-negative integer of at most {}, got a larger one",
                        u64::MAX
                    )));
                }
                Err(E::custom(format!(
                    "expected a non-negative integer, got {v}"
                )))
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl Stats {
    /// Parses, validates and sanitizes one user's stats. `source` names where the JSON came
    /// from (a file, `line 12 of data.jsonl`, `request body`) for error messages.
    pub fn from_json(json: &str, source: &str) -> Result<Stats> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| Error::MalformedJson {
                location: format!("{source}, line {}, column {}", e.line(), e.column()),
                message: strip_position(&e.to_string()),
            })?;
        Self::from_value(value)
    }

    /// Like [`Stats::from_json`], from an already parsed JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<Stats> {
        let mut stats: Stats = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let path = if path == "." { "(root)".into() } else { path };
            Error::InvalidStats {
                path,
                message: strip_position(&e.into_inner().to_string()),
            }
        })?;
        stats.validate()?;
        stats.sanitize();
        Ok(stats)
    }

    /// Checks the rules the types cannot carry.
    pub fn validate(&self) -> Result<()> {
        let invalid = |path: String, message: String| Err(Error::InvalidStats { path, message });
        if !is_valid_id(&self.user_id) {
            return invalid(
                "user_id".into(),
                format!("expected {ID_RULE}, got {:?}", truncate(&self.user_id)),
            );
        }
        if !(1..=9999).contains(&self.year) {
            return invalid(
                "year".into(),
                format!("expected a year from 1 to 9999, got {}", self.year),
            );
        }
        check_string("display_name", &self.display_name)?;
        check_len("top_artists", self.top_artists.len())?;
        check_len("top_tracks", self.top_tracks.len())?;
        check_len("top_genres", self.top_genres.len())?;
        for (i, a) in self.top_artists.iter().enumerate() {
            check_string(&format!("top_artists[{i}].name"), &a.name)?;
            if let Some(image) = &a.image {
                if image.len() > crate::card::photo::MAX_BYTES * 2 {
                    return invalid(
                        format!("top_artists[{i}].image"),
                        "expected a path or a data: URI under 20 MB".into(),
                    );
                }
            }
        }
        for (i, t) in self.top_tracks.iter().enumerate() {
            check_string(&format!("top_tracks[{i}].title"), &t.title)?;
            check_string(&format!("top_tracks[{i}].artist"), &t.artist)?;
        }
        for (i, g) in self.top_genres.iter().enumerate() {
            check_string(&format!("top_genres[{i}].name"), &g.name)?;
            if !(0.0..=1.0).contains(&g.share) {
                return invalid(
                    format!("top_genres[{i}].share"),
                    format!("expected a number from 0 to 1, got {}", g.share),
                );
            }
        }
        if let Some(clock) = &self.listening_clock {
            if clock.len() != 24 {
                return invalid(
                    "listening_clock".into(),
                    format!("expected exactly 24 numbers, got {}", clock.len()),
                );
            }
            for (i, m) in clock.iter().enumerate() {
                if !(m.is_finite() && *m >= 0.0) {
                    return invalid(
                        format!("listening_clock[{i}]"),
                        format!("expected a non-negative number, got {m}"),
                    );
                }
            }
        }
        if let Some(p) = self.top_artist_percentile {
            if !(p > 0.0 && p <= 100.0) {
                return invalid(
                    "top_artist_percentile".into(),
                    format!("expected a number above 0 and at most 100, got {p}"),
                );
            }
        }
        if let Some(locale) = &self.locale {
            check_locale(locale).map_err(|message| Error::InvalidStats {
                path: "locale".into(),
                message,
            })?;
        }
        Ok(())
    }

    /// Renders these stats in `locale` instead of their own (`render --locale`, `?locale=`):
    /// the tag is checked as the stats' own would be.
    pub fn set_locale(&mut self, locale: &str) -> Result<()> {
        check_locale(locale).map_err(|message| Error::InvalidStats {
            path: "locale".into(),
            message,
        })?;
        self.locale = Some(locale.to_string());
        Ok(())
    }

    /// Removes characters XML 1.0 forbids (controls, noncharacters) and folds line breaks to
    /// spaces, in every user string. What remains can always be escaped into SVG.
    pub fn sanitize(&mut self) {
        clean(&mut self.display_name);
        for a in &mut self.top_artists {
            clean(&mut a.name);
        }
        for t in &mut self.top_tracks {
            clean(&mut t.title);
            clean(&mut t.artist);
        }
        for g in &mut self.top_genres {
            clean(&mut g.name);
        }
    }

    /// The locale for words and numbers, `en` when none is given.
    pub fn locale(&self) -> &str {
        self.locale.as_deref().unwrap_or("en")
    }
}

/// The JSON Schema of [`Stats`], generated from the types.
pub fn json_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Stats)).expect("a schema is always JSON")
}

fn check_len(path: &str, len: usize) -> Result<()> {
    if len > MAX_LIST {
        return Err(Error::InvalidStats {
            path: path.into(),
            message: format!("expected at most {MAX_LIST} items, got {len}"),
        });
    }
    Ok(())
}

fn check_string(path: &str, s: &str) -> Result<()> {
    let chars = s.chars().count();
    if chars > MAX_STRING_CHARS {
        return Err(Error::InvalidStats {
            path: path.into(),
            message: format!("expected at most {MAX_STRING_CHARS} characters, got {chars}"),
        });
    }
    Ok(())
}

/// Keeps only what XML 1.0 allows (`#x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
/// [#x10000-#x10FFFF]`), with tabs and line breaks folded to single spaces, trimmed.
fn clean(s: &mut String) {
    let allowed = |c: char| {
        matches!(c as u32, 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
            && !matches!(c as u32, 0x7F..=0x9F)
    };
    if s.chars().all(allowed) && s.trim() == s {
        return;
    }
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|&c| allowed(c))
        .collect();
    *s = cleaned.trim().to_string();
}

/// A language tag's shape: 1 to 35 ASCII letters, digits, `-` and `_`. Anything of that
/// shape renders (an unknown language falls back to English); anything else is refused.
pub fn check_locale(tag: &str) -> std::result::Result<(), String> {
    if tag.is_empty()
        || tag.len() > 35
        || !tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(format!(
            "expected a language tag such as `en` or `pt-BR`, got {:?}",
            truncate(tag)
        ));
    }
    Ok(())
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// serde_json appends " at line L column C" to its messages; we report the position ourselves.
pub(crate) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// What an id may be, as error messages say it.
pub const ID_RULE: &str = "1 to 64 letters, digits, `-` or `_`";

/// A user id (and a template name in a path): ASCII letters, digits, `-` and `_`, 1 to 64
/// bytes. Ids become object keys, file names and URL path segments, so anything else (`..`,
/// slashes, odd Unicode) is refused wherever an id comes in.
pub fn is_valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_past_u64_are_named_errors() {
        let mut v: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/typical.json")).unwrap();
        v["minutes_listened"] = serde_json::from_str("18446744073709551616").unwrap();
        match Stats::from_value(v.clone()) {
            Err(Error::InvalidStats { path, message }) => {
                assert_eq!(path, "minutes_listened");
                assert!(
                    message.contains("at most 18446744073709551615"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        v["minutes_listened"] = serde_json::json!(u64::MAX);
        assert_eq!(
            Stats::from_value(v).unwrap().minutes_listened,
            Count(u64::MAX)
        );
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("demo") && is_valid_id("u-1_2"));
        for bad in ["", "..", "a/b", "a%2Fb", "é", &"x".repeat(65)] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }
}
