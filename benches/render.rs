//! End-to-end card rendering (stats → PNG bytes) per template and format, and the four stages
//! of the story cards: fill, parse, rasterize, encode.
//!
//! `cargo bench --bench render` (add `-- end_to_end`, `-- stages`, `-- encodings` or
//! `-- localized` to pick a group).
//!
//! Each card is measured four ways in the same run, so they compare on the same load:
//! `<template>/<format>` is the card as the renderer makes it (only the rows its layer can
//! reach drawn and compared, only its changed bands compressed); `<template>/<format>/full_raster`
//! the same bytes by the path before touched rows (`Renderer::render_whole`: the whole
//! background copied, every row compared); `<template>/<format>/whole` the same stages ending
//! in the whole-image encoder ([`png::encode`], the encoder before bands); and
//! `<template>/<format>/threads2` the HTTP route's render, its changed bands compressed on two
//! threads (a card's latency: it uses more than one core).

use std::path::Path;

use cardfarm::card::png;
use cardfarm::{Encoding, Renderer, Source, Stats};
use criterion::{criterion_group, criterion_main, Criterion};

// The allocator the `cardfarm` binary uses, so these figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn setup() -> (Renderer, Stats) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let renderer = Renderer::load(&root.join("templates"), &root.join("fonts"))
        .expect("templates and fonts load");
    let json = std::fs::read_to_string(root.join("tests/fixtures/typical.json")).expect("fixture");
    let stats = Stats::from_json(&json, "typical.json").expect("valid fixture");
    (renderer, stats)
}

fn end_to_end(c: &mut Criterion) {
    let (renderer, stats) = setup();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = Source {
        stats: &stats,
        root: Some(&root),
    };
    let mut group = c.benchmark_group("end_to_end");
    for t in renderer.templates().iter() {
        for f in t.formats.keys() {
            // Warm: the background is rasterized once per process, as in production.
            renderer.render(source, &t.name, f).expect("renders");
            group.bench_function(format!("{}/{f}", t.name), |b| {
                b.iter(|| renderer.render(source, &t.name, f).expect("renders"))
            });
            group.bench_function(format!("{}/{f}/full_raster", t.name), |b| {
                b.iter(|| renderer.render_whole(source, &t.name, f).expect("renders"))
            });
            group.bench_function(format!("{}/{f}/threads2", t.name), |b| {
                b.iter(|| {
                    renderer
                        .render_as_with_threads(source, &t.name, f, Encoding::Png, 2)
                        .expect("renders")
                })
            });
            let format = &t.formats[f];
            let spliced = renderer.render(source, &t.name, f).expect("renders").png.0;
            let full_raster = renderer.render_whole(source, &t.name, f).expect("renders");
            assert_eq!(spliced, full_raster.png.0, "{}/{f}: touched rows", t.name);
            let filled = renderer.fill(source, t, format).expect("fills");
            let tree = renderer.parse(t, &filled).expect("parses");
            let pixmap = renderer
                .rasterize(t, format, stats.locale(), &tree)
                .expect("rasterizes");
            let whole = png::encode(&pixmap).expect("encodes").0;
            let scale = tiny_skia::Transform::from_scale(
                format.width as f32 / tree.size().width(),
                format.height as f32 / tree.size().height(),
            );
            let touched = cardfarm::card::backdrop::touched_rows(&tree, scale, format.height)
                .map_or(format.height as usize, |rows| {
                    rows.iter().map(|r| r.len()).sum()
                });
            eprintln!(
                "rows {}/{f}: {touched} of {} touched",
                t.name, format.height
            );
            eprintln!(
                "bytes {}/{f}: {} spliced, {} whole",
                t.name,
                spliced.len(),
                whole.len()
            );
            group.bench_function(format!("{}/{f}/whole", t.name), |b| {
                b.iter(|| {
                    let filled = renderer.fill(source, t, format).expect("fills");
                    let tree = renderer.parse(t, &filled).expect("parses");
                    let pixmap = renderer
                        .rasterize(t, format, stats.locale(), &tree)
                        .expect("rasterizes");
                    png::encode(&pixmap).expect("encodes")
                })
            });
        }
    }
    group.finish();
}

fn stages(c: &mut Criterion) {
    let (renderer, stats) = setup();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = Source {
        stats: &stats,
        root: Some(&root),
    };
    let mut group = c.benchmark_group("stages");
    for t in renderer.templates().iter() {
        let Some(f) = t.formats.get("story") else {
            continue;
        };
        let filled = renderer.fill(source, t, f).expect("fills");
        let tree = renderer.parse(t, &filled).expect("parses");
        let pixmap = renderer
            .rasterize(t, f, stats.locale(), &tree)
            .expect("rasterizes");
        group.bench_function(format!("{}/fill", t.name), |b| {
            b.iter(|| renderer.fill(source, t, f).expect("fills"))
        });
        group.bench_function(format!("{}/parse", t.name), |b| {
            b.iter(|| renderer.parse(t, &filled).expect("parses"))
        });
        group.bench_function(format!("{}/rasterize", t.name), |b| {
            b.iter(|| {
                renderer
                    .rasterize(t, f, stats.locale(), &tree)
                    .expect("rasterizes")
            })
        });
        group.bench_function(format!("{}/encode", t.name), |b| {
            b.iter(|| {
                renderer
                    .encode(t, f, stats.locale(), &pixmap)
                    .expect("encodes")
            })
        });
        group.bench_function(format!("{}/encode_whole", t.name), |b| {
            b.iter(|| png::encode(&pixmap).expect("encodes"))
        });
    }
    group.finish();
}

/// A localized card against today's English one: the same user (names in several scripts)
/// in English, German (long words), Arabic (right to left) and Japanese, each with its
/// background already cached, as in a long-running process.
fn localized(c: &mut Criterion) {
    let (renderer, _) = setup();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let json = std::fs::read_to_string(root.join("locales.json")).expect("fixture");
    let mut group = c.benchmark_group("localized");
    for template in ["top-artists", "summary"] {
        for locale in ["en", "de", "ar", "ja"] {
            let mut stats = Stats::from_json(&json, "locales.json").expect("valid fixture");
            stats.locale = Some(locale.to_string());
            let source = Source {
                stats: &stats,
                root: Some(&root),
            };
            renderer.render(source, template, "story").expect("renders");
            group.bench_function(format!("{template}/{locale}"), |b| {
                b.iter(|| renderer.render(source, template, "story").expect("renders"))
            });
        }
    }
    // What the other design would add to every card: the heading drawn in the per-user layer
    // instead of the cached background (fitted, written as outlines, parsed and drawn).
    let fonts = renderer.fonts().clone();
    let mut options = usvg::Options {
        fontdb: fonts.database(),
        ..usvg::Options::default()
    };
    options.resources_dir = None;
    let mut pixmap = tiny_skia::Pixmap::new(1080, 1920).expect("size");
    for (locale, heading) in [
        ("en", "YOUR TOP ARTISTS"),
        ("de", "DEINE MEISTGEHÖRTEN ARTISTS"),
        ("ar", "فنانوك الأكثر استماعًا"),
    ] {
        group.bench_function(format!("heading-in-layer/{locale}"), |b| {
            b.iter(|| {
                let style = cardfarm::card::text::Style {
                    size: 32.0,
                    weight: 700,
                    align: cardfarm::card::text::Align::Center,
                    ..Default::default()
                };
                let frame = cardfarm::card::text::Frame {
                    x: 70.0,
                    y: 290.0,
                    width: 940.0,
                    height: Some(40.0),
                };
                let block = cardfarm::card::text::fit(&fonts, heading, &style, frame);
                let mut svg = String::from(
                    r#"<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="1920">"#,
                );
                block.write_svg(&fonts, "#fff", &mut svg);
                svg.push_str("</svg>");
                let tree = usvg::Tree::from_str(&svg, &options).expect("parses");
                resvg::render(
                    &tree,
                    tiny_skia::Transform::identity(),
                    &mut pixmap.as_mut(),
                );
            })
        });
    }
}

/// Each story card in every encoding, end to end: time here, bytes printed once per card
/// (`cargo bench --bench render -- encodings`).
fn encodings(c: &mut Criterion) {
    let (renderer, stats) = setup();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = Source {
        stats: &stats,
        root: Some(&root),
    };
    let all = [
        Encoding::Png,
        Encoding::Webp,
        Encoding::Jpeg { quality: 90 },
        Encoding::Jpeg { quality: 80 },
    ];
    let mut group = c.benchmark_group("encodings");
    for t in renderer.templates().iter() {
        if !t.formats.contains_key("story") {
            continue;
        }
        for encoding in all {
            let card = renderer
                .render_as(source, &t.name, "story", encoding)
                .expect("renders");
            eprintln!("bytes {}/story/{encoding}: {}", t.name, card.bytes.len());
            group.bench_function(format!("{}/{encoding}", t.name), |b| {
                b.iter(|| {
                    renderer
                        .render_as(source, &t.name, "story", encoding)
                        .expect("renders")
                })
            });
        }
    }
    group.finish();
}

/// The reference: the same card as one plain SVG (background and layer together) parsed,
/// rendered and encoded from scratch each time, as a straightforward resvg service would.
fn reference(c: &mut Criterion) {
    let (renderer, stats) = setup();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = Source {
        stats: &stats,
        root: Some(&root),
    };
    let mut options = usvg::Options {
        fontdb: renderer.fonts().database(),
        ..usvg::Options::default()
    };
    options.resources_dir = None;
    let mut group = c.benchmark_group("reference_plain_resvg");
    for t in renderer.templates().iter() {
        let Some(f) = t.formats.get("story") else {
            continue;
        };
        let (svg, _) = renderer
            .compose_svg(source, &t.name, "story")
            .expect("composes");
        group.bench_function(t.name.clone(), |b| {
            b.iter(|| {
                let tree = usvg::Tree::from_str(&svg, &options).expect("parses");
                let mut pixmap = tiny_skia::Pixmap::new(f.width, f.height).expect("size");
                resvg::render(
                    &tree,
                    tiny_skia::Transform::identity(),
                    &mut pixmap.as_mut(),
                );
                png::encode(&pixmap).expect("encodes")
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = end_to_end, stages, encodings, localized, reference
}
criterion_main!(benches);
