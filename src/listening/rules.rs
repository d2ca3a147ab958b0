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
use super::{Error, History};
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

/// One artist's year: what the top list ranks by, for every artist with music in the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtistTotal {
    pub name: String,
    /// Music milliseconds in the year.
    pub ms: u64,
    /// Streams of at least [`PLAY_MS`].
    pub plays: u64,
}

/// A year's stats and what was left out of them.
#[derive(Debug, Clone)]
pub struct Year {
    /// Validated and sanitized.
    pub stats: Stats,
    /// Every artist with music in the year, unsanitized, in the order of the top list (most
    /// ms, then plays, then name), so `artists[0]` is the #1 artist: what a population needs
    /// for the percentile badge.
    pub artists: Vec<ArtistTotal>,
    /// Music streams in the year.
    pub music_streams: u64,
    /// Of those, streams whose duration was estimated (the export gave none).
    pub estimated: u64,
    /// Streams in the year that are not music (podcast episodes, audiobooks).
    pub other_streams: u64,
    /// Their milliseconds.
    pub other_ms: u64,
}

/// The latest local year in which a music stream started.
pub fn latest_year(history: &History, tz: &TimeZone) -> Option<i32> {
    history
        .plays
        .iter()
        .filter(|p| p.track.is_some())
        .map(|p| i32::from(tz.to_datetime(p.start()).year()))
        .max()
}

/// Sums one year. [`Error::NoMusic`] if no music stream started in it.
pub fn year(history: &History, genres: Option<&Genres>, options: &Options) -> Result<Year, Error> {
    let tz = &options.tz;
    let year = match options.year {
        Some(y) => y,
        None => latest_year(history, tz).ok_or(Error::Empty)?,
    };
    let mut music_ms = 0u64;
    let mut music_streams = 0u64;
    let mut estimated = 0u64;
    let mut other_streams = 0u64;
    let mut other_ms = 0u64;
    let mut clock = [0u64; 24];
    // (ms, plays, streams) by artist index; (plays, ms) by track index.
    let mut artists = vec![(0u64, 0u64, 0u64); history.artist_count()];
    let mut tracks = vec![(0u64, 0u64); history.track_count()];
    for play in &history.plays {
        let local = tz.to_datetime(play.start());
        if i32::from(local.year()) != year {
            continue;
        }
        let Some(track) = play.track else {
            other_streams += 1;
            other_ms = other_ms.saturating_add(play.ms);
            continue;
        };
        let counted = u64::from(play.ms >= PLAY_MS);
        music_streams += 1;
        estimated += u64::from(play.estimated);
        music_ms = music_ms.saturating_add(play.ms);
        let hour = usize::try_from(local.hour()).unwrap_or(0);
        clock[hour] = clock[hour].saturating_add(play.ms);
        let (_, artist) = history.track(track);
        let a = &mut artists[artist.index()];
        a.0 = a.0.saturating_add(play.ms);
        a.1 += counted;
        a.2 += 1;
        let t = &mut tracks[track.index()];
        t.0 += counted;
        t.1 = t.1.saturating_add(play.ms);
    }
    if music_streams == 0 {
        return Err(Error::NoMusic { year });
    }

    let mut artist_list: Vec<(&str, u64, u64)> = history
        .artist_ids()
        .zip(&artists)
        .filter(|(_, &(_, _, streams))| streams > 0)
        .map(|(id, &(ms, plays, _))| (history.artist(id), ms, plays))
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

    let mut track_list: Vec<(&str, &str, u64, u64)> = history
        .track_ids()
        .zip(&tracks)
        .filter(|(_, &(plays, _))| plays > 0)
        .map(|(id, &(plays, ms))| {
            let (title, artist) = history.track(id);
            (title, history.artist(artist), plays, ms)
        })
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
        artists: artist_list
            .iter()
            .map(|&(name, ms, plays)| ArtistTotal {
                name: name.to_string(),
                ms,
                plays,
            })
            .collect(),
        music_streams,
        estimated,
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    use crate::listening::Listen;

    /// A stream as the tests write it: text owned, the end time as the exports give it.
    struct Stream {
        track: Option<String>,
        artist: Option<String>,
        end: Timestamp,
        ms: u64,
    }

    fn play(title: &str, artist: &str, end: &str, ms: u64) -> Stream {
        Stream {
            track: Some(title.into()),
            artist: Some(artist.into()),
            end: end.parse::<Timestamp>().unwrap(),
            ms,
        }
    }

    fn sum(streams: &[Stream], genres: Option<&Genres>, options: &Options) -> Result<Year, Error> {
        let mut history = History::default();
        for s in streams {
            let listen =
                Listen::ended(s.end, s.ms, s.track.as_deref(), s.artist.as_deref()).unwrap();
            history.add(&listen);
        }
        year(&history, genres, options)
    }

    fn options(tz: &str, year: Option<i32>) -> Options {
        Options {
            user_id: "u".into(),
            display_name: "U".into(),
            tz: TimeZone::get(tz).unwrap(),
            year,
        }
    }

    fn clock(y: &Year) -> Vec<f64> {
        y.stats.listening_clock.clone().unwrap()
    }

    #[test]
    fn a_stream_belongs_to_the_local_year_and_hour_it_started() {
        // Ends 2027-01-01 00:20 UTC after 30 minutes: started 2026-12-31 23:50 UTC, which is
        // 2027-01-01 00:50 in Berlin (UTC+1 in winter).
        let plays = [play("T", "A", "2027-01-01T00:20:00Z", 1_800_000)];
        let berlin = sum(&plays, None, &options("Europe/Berlin", None)).unwrap();
        assert_eq!(berlin.stats.year, 2027);
        assert_eq!(clock(&berlin)[0], 30.0);
        let utc = sum(&plays, None, &options("UTC", None)).unwrap();
        assert_eq!(utc.stats.year, 2026);
        assert_eq!(clock(&utc)[23], 30.0);
        assert!(matches!(
            sum(&plays, None, &options("Europe/Berlin", Some(2026))),
            Err(Error::NoMusic { year: 2026 })
        ));
    }

    #[test]
    fn daylight_saving_time_in_berlin() {
        // 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST. 2026-10-25 01:00 UTC: 03:00
        // CEST becomes 02:00 CET, so both autumn streams start at 02:30 local.
        let plays = [
            play("a", "A", "2026-03-29T00:31:00Z", 60_000), // starts 00:30Z = 01:30 CET
            play("b", "A", "2026-03-29T01:32:00Z", 120_000), // starts 01:30Z = 03:30 CEST
            play("c", "A", "2026-10-25T00:33:00Z", 180_000), // starts 00:30Z = 02:30 CEST
            play("d", "A", "2026-10-25T01:34:00Z", 240_000), // starts 01:30Z = 02:30 CET
        ];
        let y = sum(&plays, None, &options("Europe/Berlin", None)).unwrap();
        let mut expected = vec![0.0; 24];
        expected[1] = 1.0;
        expected[3] = 2.0;
        expected[2] = 3.0 + 4.0;
        assert_eq!(clock(&y), expected);
        assert_eq!(y.stats.minutes_listened, Count(10));
    }

    #[test]
    fn short_streams_count_in_minutes_but_not_plays() {
        let plays = [
            play("Long", "A", "2026-05-01T12:00:00Z", 30_000),
            play("Short", "A", "2026-05-01T13:00:00Z", 29_999),
            play("Short", "A", "2026-05-01T14:00:00Z", 29_999),
            play("Short", "A", "2026-05-01T15:00:00Z", 29_999),
        ];
        let y = sum(&plays, None, &options("UTC", None)).unwrap();
        // 30,000 + 3 × 29,999 = 119,997 ms: one minute, rounded down.
        assert_eq!(y.stats.minutes_listened, Count(1));
        assert_eq!(y.stats.top_artists[0].minutes, Count(1));
        assert_eq!(
            y.stats.top_tracks.len(),
            1,
            "a track never played 30 s is no top track"
        );
        assert_eq!(y.stats.top_tracks[0].title, "Long");
        assert_eq!(y.stats.top_tracks[0].plays, Count(1));
    }

    #[test]
    fn ties_are_ordered_by_the_rules() {
        let at = "2026-05-01T12:00:00Z";
        let plays = [
            play("a1", "A", at, 60_000),
            play("b1", "B", at, 30_000),
            play("b2", "B", at, 30_000),
            play("e", "É", at, 45_000),
            play("a", "a", at, 45_000),
            play("z", "Z", at, 45_000),
            play("q", "q", at, 1_000),
        ];
        let y = sum(&plays, None, &options("UTC", None)).unwrap();
        let names: Vec<&str> = y
            .stats
            .top_artists
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        // Equal ms: more plays first (B). Equal ms and plays: code points, Z < a < É, top 5.
        assert_eq!(names, ["B", "A", "Z", "a", "É"]);

        let plays = [
            play("Few", "X", at, 90_000),
            play("Few", "X", at, 30_000),
            play("More", "Y", at, 30_000),
            play("More", "Y", at, 30_000),
            play("Beta", "Y", at, 40_000),
            play("Alpha", "Z", at, 40_000),
        ];
        let y = sum(&plays, None, &options("UTC", None)).unwrap();
        let titles: Vec<(&str, u64)> = y
            .stats
            .top_tracks
            .iter()
            .map(|t| (t.title.as_str(), t.plays.0))
            .collect();
        // Two plays each: more ms first (Few). One play and equal ms: title (Alpha < Beta).
        assert_eq!(titles, [("Few", 2), ("More", 2), ("Alpha", 1), ("Beta", 1)]);
    }

    #[test]
    fn genres_split_an_artists_time_evenly() {
        let at = "2026-05-01T12:00:00Z";
        let plays = [
            play("x", "X", at, 120_000),
            play("y", "Y", at, 60_000),
            play("z", "Z", at, 600_000),
        ];
        let genres = Genres::parse("X,pop\nX,rock\nY,pop\nY,pop\n").unwrap();
        let y = sum(&plays, Some(&genres), &options("UTC", None)).unwrap();
        // X's 120,000 ms: 60,000 pop, 60,000 rock; Y's 60,000 pop; Z has no genre and is out.
        let g: Vec<(&str, f64)> = y
            .stats
            .top_genres
            .iter()
            .map(|g| (g.name.as_str(), g.share))
            .collect();
        assert_eq!(
            g,
            [
                ("pop", 120_000.0 / 180_000.0),
                ("rock", 60_000.0 / 180_000.0)
            ]
        );
        let none = sum(&plays, None, &options("UTC", None)).unwrap();
        assert!(none.stats.top_genres.is_empty());
    }

    #[test]
    fn podcasts_are_counted_apart() {
        let mut episode = play("x", "x", "2026-05-01T12:00:00Z", 180_000);
        episode.track = None;
        episode.artist = None;
        let plays = [episode, play("t", "A", "2026-05-01T13:00:00Z", 60_000)];
        let y = sum(&plays, None, &options("UTC", None)).unwrap();
        assert_eq!((y.other_streams, y.other_ms), (1, 180_000));
        assert_eq!(y.stats.minutes_listened, Count(1));
        assert_eq!(y.music_streams, 1);
    }
}
