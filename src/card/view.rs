//! View: the stats as a template sees them. The user's fields plus everything derived in
//! Rust (ranks, genre slices, hours, personality, initials, prepared photos), so templates
//! only place things. Image paths never reach a template; prepared photos do.

pub mod chart;
pub mod locale;
pub mod personality;

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::card::catalog::Direction;
use crate::card::model::Stats;
use crate::card::template::Canvas;
use personality::Personality;

/// The data a template is filled with.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    pub display_name: String,
    pub year: i32,
    pub locale: String,
    /// `ltr`, or `rtl` when the card's words are in a right-to-left language: the `text`,
    /// `avatar` and `x` helpers then mirror positions.
    pub dir: &'static str,
    /// The card's size in pixels.
    pub canvas: Canvas,
    pub minutes_listened: u64,
    pub hours_listened: u64,
    pub days_listened: f64,
    /// `days_listened` rounded, for "That's 33 days of music".
    pub whole_days: u64,
    pub top_artists: Vec<ArtistView>,
    pub top_tracks: Vec<TrackView>,
    pub top_genres: Vec<GenreView>,
    /// The first of each list, or null, so cards can feature it without index tricks.
    pub top_artist: Option<ArtistView>,
    pub top_track: Option<TrackView>,
    pub top_genre: Option<GenreView>,
    /// The lists without their first item: the runners-up under a featured #1.
    pub other_artists: Vec<ArtistView>,
    pub other_tracks: Vec<TrackView>,
    pub listening_clock: Option<Vec<f64>>,
    pub top_artist_percentile: Option<f64>,
    pub personality: Personality,
}

/// Paths that show the same kind of item: a field of one is a field of all (the featured #1,
/// the whole list, the runners-up).
pub const SAME_ITEMS: &[&[&str]] = &[
    &["top_artist", "top_artists[]", "other_artists[]"],
    &["top_track", "top_tracks[]", "other_tracks[]"],
    &["top_genre", "top_genres[]"],
];

#[derive(Debug, Clone, Serialize)]
pub struct ArtistView {
    pub rank: usize,
    pub name: String,
    pub minutes: u64,
    /// The prepared photo's `href` (`photo:N` for a render, a `data:` URI in emitted SVG), or
    /// null: the template draws the placeholder.
    pub photo: Option<String>,
    /// One or two letters for the placeholder.
    pub initials: String,
    /// A hue (0–359) stable per name, for placeholder colour.
    pub hue: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrackView {
    pub rank: usize,
    pub title: String,
    pub artist: String,
    pub plays: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GenreView {
    pub name: String,
    pub share: f64,
    /// Where this genre's slice starts and ends on a 0–1 dial (shares laid end to end).
    pub start: f64,
    pub end: f64,
}

impl View {
    /// Builds the view; `photos[i]` is the `href` of artist `i`'s prepared photo, if any.
    pub fn new(stats: &Stats, photos: &[Option<String>]) -> View {
        let top_artists: Vec<ArtistView> = stats
            .top_artists
            .iter()
            .enumerate()
            .map(|(i, a)| ArtistView {
                rank: i + 1,
                name: a.name.clone(),
                minutes: a.minutes.0,
                photo: photos.get(i).cloned().flatten(),
                initials: initials(&a.name),
                hue: hue(&a.name),
            })
            .collect();
        let top_tracks: Vec<TrackView> = stats
            .top_tracks
            .iter()
            .enumerate()
            .map(|(i, t)| TrackView {
                rank: i + 1,
                title: t.title.clone(),
                artist: t.artist.clone(),
                plays: t.plays.0,
            })
            .collect();
        let mut start = 0.0;
        let top_genres: Vec<GenreView> = stats
            .top_genres
            .iter()
            .map(|g| {
                let end = (start + g.share).min(1.0);
                let view = GenreView {
                    name: g.name.clone(),
                    share: g.share,
                    start,
                    end,
                };
                start = end;
                view
            })
            .collect();
        let minutes = stats.minutes_listened.0;
        View {
            display_name: stats.display_name.clone(),
            year: stats.year,
            locale: stats.locale().to_string(),
            dir: Direction::Ltr.as_str(),
            canvas: Canvas::default(),
            minutes_listened: minutes,
            hours_listened: minutes / 60,
            days_listened: minutes as f64 / 1440.0,
            whole_days: (minutes as f64 / 1440.0).round() as u64,
            top_artist: top_artists.first().cloned(),
            top_track: top_tracks.first().cloned(),
            top_genre: top_genres.first().cloned(),
            other_artists: top_artists.iter().skip(1).cloned().collect(),
            other_tracks: top_tracks.iter().skip(1).cloned().collect(),
            top_artists,
            top_tracks,
            top_genres,
            listening_clock: stats.listening_clock.clone(),
            top_artist_percentile: stats.top_artist_percentile,
            personality: personality::of_clock(stats.listening_clock.as_deref()),
        }
    }
}

impl View {
    /// The view for a card of `width`×`height` reading in `direction`.
    pub fn laid_out(mut self, direction: Direction, width: u32, height: u32) -> View {
        self.dir = direction.as_str();
        self.canvas = Canvas { width, height };
        self
    }
}

/// First letters of the first and last words ("Zoë Åkerlund" → "ZÅ"); one cluster for a
/// single word or a name without spaces (most CJK names).
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let first_cluster = |w: &str| -> String {
        w.graphemes(true)
            .find(|g| g.chars().any(char::is_alphanumeric))
            .unwrap_or("")
            .to_uppercase()
    };
    match words.as_slice() {
        [] => name.graphemes(true).next().unwrap_or("♪").to_string(),
        [only] => first_cluster(only),
        // Two letters only when both words share a script: "Aس" reads as noise.
        [first, .., last] if script_of(first) == script_of(last) => {
            format!("{}{}", first_cluster(first), first_cluster(last))
        }
        [first, ..] => first_cluster(first),
    }
}

fn script_of(word: &str) -> Option<unicode_script::Script> {
    use unicode_script::UnicodeScript;
    word.chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.script())
}

/// A stable hue for a name (FNV-1a), so a placeholder keeps its colour everywhere.
pub fn hue(name: &str) -> u32 {
    let mut h: u32 = 0x811c9dc5;
    for b in name.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x01000193);
    }
    h % 360
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_by_word() {
        assert_eq!(initials("Zoë Åkerlund"), "ZÅ");
        assert_eq!(initials("aurora"), "A");
        assert_eq!(initials("宇多田ヒカル"), "宇");
        assert_eq!(initials("The Midnight Choir Club"), "TC");
        assert_eq!(initials("🐰🔥"), "🐰");
        assert_eq!(initials("Arijit अरिजीत سلام"), "A");
    }
}
