//! Golden images: the reviewed PNGs in `golden/` that every template must keep matching.
//!
//! One place for what the golden test (`tests/golden.rs`) and the studio's "bless" button
//! share, so both name, compare and write goldens the same way:
//!
//! - which fixture is checked on which template and format ([`cases`]), and where its golden
//!   lives ([`Case::golden`]: `golden/<template>-<format>/<fixture>.png`);
//! - the comparison: decoded pixels, never PNG bytes, with a per-channel tolerance and a
//!   number of pixels allowed to differ beyond it ([`differing_pixels`]);
//! - the pictures of a difference ([`diff_strip`], [`diff_mask`]);
//! - blessing ([`bless`]): the render, compressed with oxipng, written over the golden.

use std::path::{Path, PathBuf};

use crate::card::template::Templates;
use crate::error::{Error, Result};

/// Per-channel difference that still counts as equal (float rounding across CPUs).
pub const CHANNEL_TOLERANCE: u8 = 3;
/// Pixels allowed to differ beyond the tolerance.
pub const MAX_DIFFERING_PIXELS: usize = 16;

/// The bundled templates, for the fixtures checked on all of them.
const ALL: &[&str] = &[
    "minutes",
    "top-artists",
    "top-songs",
    "top-genres",
    "listening-clock",
    "summary",
];

/// Which edge fixtures are checked on which templates (story format): where the edge shows.
/// The `typical` fixture is checked on every template and format.
pub const EDGES: &[(&str, &[&str])] = &[
    ("empty", ALL),
    ("zeros", &["minutes", "top-genres", "listening-clock"]),
    (
        "maximal",
        &["minutes", "top-artists", "top-songs", "summary"],
    ),
    (
        "long-names",
        &[
            "minutes",
            "top-artists",
            "top-songs",
            "top-genres",
            "summary",
        ],
    ),
    ("cjk", &["top-artists", "top-songs", "summary"]),
    (
        "rtl",
        &["top-artists", "top-songs", "top-genres", "summary"],
    ),
    ("indic-thai", &["top-artists", "top-songs", "summary"]),
    ("cyrillic-greek", &["top-artists", "top-songs", "summary"]),
    (
        "emoji",
        &[
            "minutes",
            "top-artists",
            "top-songs",
            "top-genres",
            "summary",
        ],
    ),
    ("mixed", &["top-artists", "summary"]),
    ("missing-image", &["top-artists"]),
    ("corrupt-image", &["top-artists"]),
    ("night-owl", &["listening-clock"]),
    ("early-bird", &["listening-clock"]),
    // `cardfarm stats` on data/generate_listening.py's Spotify export (tests/stats_formats.rs).
    ("generated-listener", &["top-artists", "summary"]),
];

/// The launch locales: the `locales` fixture (names in several scripts) is checked in each of
/// them on the [`LOCALIZED`] templates.
pub const LAUNCH_LOCALES: &[&str] = &[
    "en", "es", "pt-BR", "fr", "de", "it", "nl", "sv", "pl", "tr", "ru", "ar", "he", "hi", "th",
    "ja", "ko", "zh-Hans", "id",
];

/// The templates (story format) checked in every launch locale.
pub const LOCALIZED: &[&str] = &["summary", "top-artists"];

/// One golden case: a fixture (the file stem in `tests/fixtures/`) on a template and format,
/// in the fixture's own locale or in `locale`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub fixture: String,
    pub template: String,
    pub format: String,
    /// Renders the fixture in this locale instead of its own.
    pub locale: Option<String>,
}

impl Case {
    /// The golden's file stem: the fixture, and the locale when one is set.
    pub fn file(&self) -> String {
        match &self.locale {
            Some(locale) => format!("{}-{locale}", self.fixture),
            None => self.fixture.clone(),
        }
    }

    /// The golden's path under the `golden/` folder `dir`.
    pub fn golden(&self, dir: &Path) -> PathBuf {
        dir.join(format!("{}-{}", self.template, self.format))
            .join(format!("{}.png", self.file()))
    }

    /// `template-format/file`, as failures are reported.
    pub fn name(&self) -> String {
        format!("{}-{}/{}", self.template, self.format, self.file())
    }
}

/// Every golden case over `templates`: `typical` on every template and format, then the
/// [`EDGES`], then the `locales` fixture in every launch locale.
pub fn cases(templates: &Templates) -> Vec<Case> {
    let mut cases = Vec::new();
    for t in templates.iter() {
        for f in t.formats.keys() {
            cases.push(Case {
                fixture: "typical".into(),
                template: t.name.clone(),
                format: f.clone(),
                locale: None,
            });
        }
    }
    for (fixture, templates) in EDGES {
        for t in *templates {
            cases.push(Case {
                fixture: fixture.to_string(),
                template: t.to_string(),
                format: "story".into(),
                locale: None,
            });
        }
    }
    for t in LOCALIZED {
        for locale in LAUNCH_LOCALES {
            cases.push(Case {
                fixture: "locales".into(),
                template: t.to_string(),
                format: "story".into(),
                locale: Some(locale.to_string()),
            });
        }
    }
    cases
}

/// Whether a golden case exists for this fixture, template and format.
pub fn is_case(fixture: &str, template: &str, format: &str) -> bool {
    (fixture == "typical")
        || (format == "story"
            && EDGES
                .iter()
                .any(|(f, ts)| *f == fixture && ts.contains(&template)))
}

/// Decoded RGBA pixels.
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

/// Decodes a PNG (or any format the `image` crate reads) to RGBA.
pub fn decode(png: &[u8]) -> std::result::Result<Image, String> {
    let img = image::load_from_memory(png)
        .map_err(|e| e.to_string())?
        .to_rgba8();
    Ok(Image {
        width: img.width(),
        height: img.height(),
        rgba: img.into_raw(),
    })
}

/// Number of pixels whose channels differ by more than the tolerance, or a size mismatch.
pub fn differing_pixels(expected: &Image, actual: &Image) -> std::result::Result<usize, String> {
    if (expected.width, expected.height) != (actual.width, actual.height) {
        return Err(format!(
            "size {}×{} expected, got {}×{}",
            expected.width, expected.height, actual.width, actual.height
        ));
    }
    Ok(expected
        .rgba
        .chunks_exact(4)
        .zip(actual.rgba.chunks_exact(4))
        .filter(|(e, a)| differs(e, a))
        .count())
}

/// Whether a pixel differs beyond the tolerance.
fn differs(expected: &[u8], actual: &[u8]) -> bool {
    expected
        .iter()
        .zip(actual)
        .any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE)
}

/// `expected | diff | actual` side by side; differing pixels are red in the middle, the rest
/// a dim grey of the actual card.
pub fn diff_strip(expected: &Image, actual: &Image) -> image::RgbaImage {
    let (w, h) = (actual.width, actual.height);
    let mut strip = image::RgbaImage::new(w * 3, h);
    for y in 0..h {
        for x in 0..w {
            let i = ((y * w + x) * 4) as usize;
            let a = &actual.rgba[i..i + 4];
            let e = expected.rgba.get(i..i + 4).unwrap_or(&[0, 0, 0, 255]);
            strip.put_pixel(x, y, image::Rgba([e[0], e[1], e[2], 255]));
            strip.put_pixel(2 * w + x, y, image::Rgba([a[0], a[1], a[2], 255]));
            let grey = ((u16::from(a[0]) + u16::from(a[1]) + u16::from(a[2])) / 9) as u8;
            let px = if differs(e, a) {
                [255, 0, 0, 255]
            } else {
                [grey, grey, grey, 255]
            };
            strip.put_pixel(w + x, y, image::Rgba(px));
        }
    }
    strip
}

/// The actual card's size, transparent where it matches the golden and opaque red where it
/// differs beyond the tolerance (outside the golden counts as different): an overlay to lay
/// over the card.
pub fn diff_mask(expected: &Image, actual: &Image) -> image::RgbaImage {
    let (w, h) = (actual.width, actual.height);
    let mut mask = image::RgbaImage::new(w, h);
    for y in 0..h {
        for x in 0..w {
            let i = ((y * w + x) * 4) as usize;
            let a = &actual.rgba[i..i + 4];
            let inside = x < expected.width && y < expected.height;
            let j = ((y * expected.width + x) * 4) as usize;
            let red = !inside || differs(&expected.rgba[j..j + 4], a);
            if red {
                mask.put_pixel(x, y, image::Rgba([255, 0, 0, 255]));
            }
        }
    }
    mask
}

/// Writes `png` as the golden at `path`, compressed with oxipng (goldens are committed, so
/// they are kept small); creates the folder.
pub fn bless(path: &Path, png: &[u8]) -> Result<()> {
    let options = oxipng::Options::from_preset(3);
    let small = oxipng::optimize_from_memory(png, &options)
        .map_err(|e| Error::Encode(format!("oxipng: {e}")))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::write(path, small).map_err(|e| Error::io(path, e))
}
