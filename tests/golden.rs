//! Golden images: every template renders the fixture users in `tests/fixtures/` and must match
//! the reviewed PNGs in `golden/`, pixel by pixel within a small tolerance.
//!
//! All cases run and every failure is reported together. A mismatch writes
//! `expected | diff | actual` to `target/golden-diff/` and prints the path. A missing golden
//! fails. To accept new output, run `CARDFARM_BLESS=1 cargo test --test golden`: it rewrites the
//! goldens (compressed with oxipng) and still fails, so blessing is always deliberate; look at
//! every rewritten PNG, then run the tests again.

mod common;

use std::path::{Path, PathBuf};

use cardfarm::{Renderer, Source, Stats};
use common::{fixture, fixtures, repo};

/// Per-channel difference that still counts as equal (float rounding across CPUs).
const CHANNEL_TOLERANCE: u8 = 3;
/// Pixels allowed to differ beyond the tolerance.
const MAX_DIFFERING_PIXELS: usize = 16;

/// Which edge fixtures are checked on which templates: where the edge shows.
const EDGES: &[(&str, &[&str])] = &[
    ("empty", common::TEMPLATES),
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

struct Case {
    fixture: String,
    template: String,
    format: String,
}

impl Case {
    fn golden(&self) -> PathBuf {
        repo()
            .join("golden")
            .join(format!("{}-{}", self.template, self.format))
            .join(format!("{}.png", self.fixture))
    }
    fn name(&self) -> String {
        format!("{}-{}/{}", self.template, self.format, self.fixture)
    }
}

fn cases(renderer: &Renderer) -> Vec<Case> {
    let mut cases = Vec::new();
    for t in renderer.templates().iter() {
        for f in t.formats.keys() {
            cases.push(Case {
                fixture: "typical".into(),
                template: t.name.clone(),
                format: f.clone(),
            });
        }
    }
    for (fixture, templates) in EDGES {
        for t in *templates {
            cases.push(Case {
                fixture: fixture.to_string(),
                template: t.to_string(),
                format: "story".into(),
            });
        }
    }
    cases
}

fn render(renderer: &Renderer, stats: &Stats, template: &str, format: &str) -> Vec<u8> {
    let fixtures = fixtures();
    let source = Source {
        stats,
        root: Some(&fixtures),
    };
    renderer
        .render(source, template, format)
        .unwrap_or_else(|e| panic!("{template}/{format}: {e}"))
        .png
        .0
}

/// Decoded RGBA pixels.
struct Image {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

fn decode(png: &[u8]) -> Result<Image, String> {
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
fn differing_pixels(expected: &Image, actual: &Image) -> Result<usize, String> {
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
        .filter(|(e, a)| {
            e.iter()
                .zip(a.iter())
                .any(|(x, y)| x.abs_diff(*y) > CHANNEL_TOLERANCE)
        })
        .count())
}

/// Writes `expected | diff | actual` side by side; differing pixels are red in the middle.
fn write_diff(name: &str, expected: &Image, actual: &Image) -> PathBuf {
    let (w, h) = (actual.width, actual.height);
    let mut strip = image::RgbaImage::new(w * 3, h);
    for y in 0..h {
        for x in 0..w {
            let i = ((y * w + x) * 4) as usize;
            let a = &actual.rgba[i..i + 4];
            let e = expected.rgba.get(i..i + 4).unwrap_or(&[0, 0, 0, 255]);
            strip.put_pixel(x, y, image::Rgba([e[0], e[1], e[2], 255]));
            strip.put_pixel(2 * w + x, y, image::Rgba([a[0], a[1], a[2], 255]));
            let differs = e
                .iter()
                .zip(a)
                .any(|(p, q)| p.abs_diff(*q) > CHANNEL_TOLERANCE);
            let grey = (u16::from(a[0]) + u16::from(a[1]) + u16::from(a[2])) / 9;
            let g = grey as u8;
            let px = if differs {
                [255, 0, 0, 255]
            } else {
                [g, g, g, 255]
            };
            strip.put_pixel(w + x, y, image::Rgba(px));
        }
    }
    let out = repo()
        .join("target/golden-diff")
        .join(format!("{}.png", name.replace('/', "--")));
    std::fs::create_dir_all(out.parent().unwrap()).unwrap();
    strip.save(&out).unwrap();
    out
}

fn bless(path: &Path, png: &[u8]) {
    let options = oxipng::Options::from_preset(3);
    let small = oxipng::optimize_from_memory(png, &options).expect("oxipng compresses a valid PNG");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, small).unwrap();
}

#[test]
fn goldens_match() {
    let renderer: &Renderer = common::renderer();
    let blessing = std::env::var_os("CARDFARM_BLESS").is_some();
    let mut failures = Vec::new();
    let mut blessed = 0;
    let cases = cases(renderer);
    for case in &cases {
        let stats = fixture(&case.fixture);
        let png = render(renderer, &stats, &case.template, &case.format);
        let golden = case.golden();
        let expected = std::fs::read(&golden).ok().map(|b| decode(&b));
        let actual = decode(&png).expect("our own PNG decodes");
        let verdict = match &expected {
            None => Err("no golden (bless to create it)".to_string()),
            Some(Err(e)) => Err(format!("golden does not decode: {e}")),
            Some(Ok(expected)) => match differing_pixels(expected, &actual) {
                Ok(n) if n <= MAX_DIFFERING_PIXELS => Ok(()),
                Ok(n) => Err(format!(
                    "{n} pixels differ; see {}",
                    write_diff(&case.name(), expected, &actual).display()
                )),
                Err(e) => Err(e),
            },
        };
        if let Err(why) = verdict {
            if blessing {
                bless(&golden, &png);
                blessed += 1;
            } else {
                failures.push(format!("{}: {why}", case.name()));
            }
        }
    }
    if blessing && blessed > 0 {
        panic!(
            "blessed {blessed} golden(s) under golden/. Look at each one at full size, then run again without CARDFARM_BLESS."
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden cases failed:\n  {}",
        failures.len(),
        cases.len(),
        failures.join("\n  ")
    );
}

/// Goldens with no case behind them are stale: a renamed template or fixture.
#[test]
fn no_orphan_goldens() {
    let renderer: &Renderer = common::renderer();
    let expected: Vec<PathBuf> = cases(renderer).iter().map(Case::golden).collect();
    let mut orphans = Vec::new();
    for dir in std::fs::read_dir(repo().join("golden"))
        .expect("golden/ exists")
        .flatten()
    {
        for file in std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if !expected.contains(&file.path()) {
                orphans.push(file.path().display().to_string());
            }
        }
    }
    assert!(orphans.is_empty(), "goldens without a case: {orphans:?}");
}

/// The comparison is not blind: one changed digit in the minutes must fail it.
#[test]
fn comparison_catches_a_changed_digit() {
    let renderer: &Renderer = common::renderer();
    let mut stats = fixture("typical");
    let golden = Case {
        fixture: "typical".into(),
        template: "minutes".into(),
        format: "story".into(),
    }
    .golden();
    let expected = decode(&std::fs::read(&golden).expect("typical minutes golden exists")).unwrap();
    let same = decode(&render(renderer, &stats, "minutes", "story")).unwrap();
    assert!(differing_pixels(&expected, &same).unwrap() <= MAX_DIFFERING_PIXELS);

    stats.minutes_listened.0 += 1; // 48213 → 48214: one digit
    let changed = decode(&render(renderer, &stats, "minutes", "story")).unwrap();
    let n = differing_pixels(&expected, &changed).unwrap();
    assert!(
        n > MAX_DIFFERING_PIXELS * 10,
        "a changed digit moved only {n} pixels"
    );
}
