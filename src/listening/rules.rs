//! One year's figures from a listener's plays, in their time zone. The rules, word for word in
//! the README ("Your own year: cardfarm stats"):
//!
//! - music only: a play without a title or an artist (podcasts, audiobooks) is counted apart;
//! - a stream belongs to the local year and hour in which it *started* (end − ms played);
//! - minutes are milliseconds / 60,000 rounded down; a *play* is a stream of ≥ 30,000 ms;
//! - top artists by ms (then plays, then name); top tracks by plays (then ms, then title,
//!   then artist); names compare exactly and order by Unicode code points;
//! - genres: an artist's ms split evenly among its genres, each share over the ms of the
//!   artists that have any genre.

use std::collections::HashMap;

use jiff::tz::TimeZone;

use super::genre::Genres;
use super::{Error, Play};
use crate::card::model::{Artist, Count, Genre, Stats, Track, MAX_LIST};

/// The shortest stream that counts as a play.
pub const PLAY_MS: u64 = 30_000;
const MINUTE_MS: u64 = 60_000;

/// Who the stats are for and how to read the clock.
#[derive(Debug, Clone)]
pub struct Options {
    pub user_id: String,
    pub display_name: String,
    /// The listener's time zone. Default: UTC.
    pub tz: TimeZone,
    /// The year to sum. Default: the latest local year with music.
    pub year: Option<i32>,
}

/// A year's stats and what was left out of them.
#[derive(Debug, Clone)]
pub struct Year {
    /// Validated and sanitized.
    pub stats: Stats,
    /// Music streams in the year.
    pub music_streams: u64,
    /// Streams in the year that are not music (podcast episodes, audiobooks).
    pub other_streams: u64,
    /// Their milliseconds.
    pub other_ms: u64,
}

/// The latest local year in which a music stream started.
pub fn latest_year(plays: &[Play], tz: &TimeZone) -> Option<i32> {
    plays
        .iter()
        .filter(|p| p.music().is_some())
        .filter_map(|p| Some(i32::from(tz.to_datetime(p.start()?).year())))
        .max()
}

/// Sums one year. [`Error::NoMusic`] if no music stream started in it.
pub fn year(plays: &[Play], genres: Option<&Genres>, options: &Options) -> Result<Year, Error> {
    let tz = &options.tz;
    let year = match options.year {
        Some(y) => y,
        None => latest_year(plays, tz).ok_or(Error::Empty)?,
    };
    let mut music_ms = 0u64;
    let mut music_streams = 0u64;
    let mut other_streams = 0u64;
    let mut other_ms = 0u64;
    let mut clock = [0u64; 24];
    let mut artists: HashMap<&str, (u64, u64)> = HashMap::new();
    let mut tracks: HashMap<(&str, &str), (u64, u64)> = HashMap::new();
    for play in plays {
        let Some(start) = play.start() else { continue };
        let local = tz.to_datetime(start);
        if i32::from(local.year()) != year {
            continue;
        }
        let Some((title, artist)) = play.music() else {
            other_streams += 1;
            other_ms = other_ms.saturating_add(play.ms);
            continue;
        };
        let counted = u64::from(play.ms >= PLAY_MS);
        music_streams += 1;
        music_ms = music_ms.saturating_add(play.ms);
        let hour = usize::try_from(local.hour()).unwrap_or(0);
        clock[hour] = clock[hour].saturating_add(play.ms);
        let a = artists.entry(artist).or_default();
        a.0 = a.0.saturating_add(play.ms);
        a.1 += counted;
        let t = tracks.entry((title, artist)).or_default();
        t.0 += counted;
        t.1 = t.1.saturating_add(play.ms);
    }
    if music_streams == 0 {
        return Err(Error::NoMusic { year });
    }

    let mut artist_list: Vec<(&str, u64, u64)> = artists
        .iter()
        .map(|(&name, &(ms, plays))| (name, ms, plays))
        .collect();
    artist_list.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)).then(a.0.cmp(b.0)));
    let top_artists = artist_list
        .iter()
        .take(MAX_LIST)
        .map(|&(name, ms, _)| Artist {
            name: name.to_string(),
            minutes: Count(ms / MINUTE_MS),
            image: None,
        })
        .collect();

    let mut track_list: Vec<(&str, &str, u64, u64)> = tracks
        .iter()
        .filter(|(_, &(plays, _))| plays > 0)
        .map(|(&(title, artist), &(plays, ms))| (title, artist, plays, ms))
        .collect();
    track_list.sort_by(|a, b| {
        b.2.cmp(&a.2)
            .then(b.3.cmp(&a.3))
            .then(a.0.cmp(b.0))
            .then(a.1.cmp(b.1))
    });
    let top_tracks = track_list
        .iter()
        .take(MAX_LIST)
        .map(|&(title, artist, plays, _)| Track {
            title: title.to_string(),
            artist: artist.to_string(),
            plays: Count(plays),
        })
        .collect();

    let top_genres = genres
        .map(|g| genre_shares(&artist_list, g))
        .unwrap_or_default();

    let mut stats = Stats {
        user_id: options.user_id.clone(),
        display_name: options.display_name.clone(),
        year,
        minutes_listened: Count(music_ms / MINUTE_MS),
        top_artists,
        top_tracks,
        top_genres,
        listening_clock: Some(clock.iter().map(|ms| (ms / MINUTE_MS) as f64).collect()),
        top_artist_percentile: None,
        locale: None,
    };
    stats
        .validate()
        .map_err(|e| Error::Invalid(e.to_string()))?;
    stats.sanitize();
    Ok(Year {
        stats,
        music_streams,
        other_streams,
        other_ms,
    })
}

/// The top genres: each artist's ms split evenly among its genres, shares of the ms of the
/// artists that have a genre, largest first (then name).
fn genre_shares(artists: &[(&str, u64, u64)], genres: &Genres) -> Vec<Genre> {
    let mut by_genre: HashMap<&str, f64> = HashMap::new();
    let mut total = 0u64;
    for &(artist, ms, _) in artists {
        let Some(list) = genres.of(artist).filter(|l| !l.is_empty()) else {
            continue;
        };
        total = total.saturating_add(ms);
        let each = ms as f64 / list.len() as f64;
        for genre in list {
            *by_genre.entry(genre.as_str()).or_default() += each;
        }
    }
    if total == 0 {
        return Vec::new();
    }
    let mut list: Vec<(&str, f64)> = by_genre
        .into_iter()
        .map(|(name, ms)| (name, (ms / total as f64).clamp(0.0, 1.0)))
        .collect();
    list.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    list.into_iter()
        .take(MAX_LIST)
        .map(|(name, share)| Genre {
            name: name.to_string(),
            share,
        })
        .collect()
}
