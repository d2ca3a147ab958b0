//! The band-spliced PNG encoder against the whole-image one: every golden case, rendered
//! through both, decodes to exactly the same pixels; the spliced PNGs decode alike in three
//! decoders (`png`, `image`, `zune-png`) and pass `pngcheck`.
//!
//! `render` draws, compares and compresses only the rows a card's layer can reach; the whole
//! card's pixels come from `rasterize` (every row drawn over a copy of the whole background).
//! The touched-rows PNG is also byte for byte the one `render_whole` makes (every row
//! compared), and the HTTP route's (changed bands compressed on several threads).
//!
//! `pngcheck` is a system tool (Debian's `pngcheck`, installed by `.ci/run`); without it the
//! test fails and says so.

mod common;

use std::path::PathBuf;
use std::process::Command;

use cardfarm::card::png;
use cardfarm::{Encoding, Renderer, Source};
use common::{fixture, fixtures, TempDir};

/// Every golden case: `(template, format, fixture, locale)`, as the golden test checks them.
fn golden_cases(renderer: &Renderer) -> Vec<(String, String, String, Option<String>)> {
    cardfarm::golden::cases(renderer.templates())
        .into_iter()
        .map(|c| (c.template, c.format, c.fixture, c.locale))
        .collect()
}

/// One card's PNGs.
struct Encodings {
    /// `render`: only the rows the layer can reach drawn and compared.
    spliced: Vec<u8>,
    /// `render_whole`: every row drawn and compared.
    spliced_whole: Vec<u8>,
    /// The HTTP route's: changed bands compressed on three threads.
    threaded: Vec<u8>,
    /// The whole-image encoder's, of the whole card `rasterize` draws.
    whole: Vec<u8>,
}

/// The encodings of one card: (spliced, whole).
fn both(
    renderer: &Renderer,
    template: &str,
    format: &str,
    name: &str,
    locale: Option<&str>,
) -> (Vec<u8>, Vec<u8>) {
    let e = all(renderer, template, format, name, locale);
    (e.spliced, e.whole)
}

fn all(
    renderer: &Renderer,
    template: &str,
    format: &str,
    name: &str,
    locale: Option<&str>,
) -> Encodings {
    let mut stats = fixture(name);
    if let Some(locale) = locale {
        stats.locale = Some(locale.to_string());
    }
    let root = fixtures();
    let source = Source {
        stats: &stats,
        root: Some(&root),
    };
    let spliced = renderer
        .render(source, template, format)
        .unwrap_or_else(|e| panic!("{template}/{format}/{name}: {e}"))
        .png
        .0;
    let (t, f) = renderer.templates().get(template, format).unwrap();
    let filled = renderer.fill(source, t, f).unwrap();
    let tree = renderer.parse(t, &filled).unwrap();
    let pixmap = renderer.rasterize(t, f, stats.locale(), &tree).unwrap();
    let whole = png::encode(&pixmap).unwrap().0;
    let spliced_whole = renderer
        .render_whole(source, template, format)
        .unwrap()
        .png
        .0;
    let threaded = renderer
        .render_as_with_threads(source, template, format, Encoding::Png, 3)
        .unwrap()
        .bytes;
    Encodings {
        spliced,
        spliced_whole,
        threaded,
        whole,
    }
}

/// Pixels, size and colour type by the `png` crate.
fn decode_png(bytes: &[u8]) -> Result<(u32, u32, ::png::ColorType, Vec<u8>), String> {
    let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let mut buf = vec![0; reader.output_buffer_size().ok_or("no buffer size")?];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    buf.truncate(info.buffer_size());
    Ok((info.width, info.height, info.color_type, buf))
}

fn decode_image(bytes: &[u8]) -> Result<Vec<u8>, String> {
    Ok(
        image::load_from_memory_with_format(bytes, image::ImageFormat::Png)
            .map_err(|e| e.to_string())?
            .to_rgb8()
            .into_raw(),
    )
}

fn decode_zune(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut decoder =
        zune_png::PngDecoder::new(zune_png::zune_core::bytestream::ZCursor::new(bytes));
    decoder.decode_raw().map_err(|e| format!("{e:?}"))
}

/// `pngcheck -q FILE`: silent and successful on a valid PNG.
fn pngcheck(file: &std::path::Path) -> Result<(), String> {
    let out = Command::new("pngcheck")
        .arg("-q")
        .arg(file)
        .output()
        .map_err(|e| {
            format!("cannot run `pngcheck` ({e}): install it (Debian: apt-get install pngcheck)")
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "pngcheck: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[test]
fn every_golden_case_spliced_decodes_to_the_whole_encoders_pixels_everywhere() {
    let renderer: &Renderer = common::renderer();
    let cases = golden_cases(renderer);
    assert!(cases.len() >= 40, "only {} golden cases found", cases.len());
    common::warm_golden_cases(renderer);
    let dir = TempDir::new("encoding");
    let mut failures = Vec::new();
    for (template, format, name, locale) in &cases {
        let case = match locale {
            Some(locale) => format!("{template}-{format}/{name}-{locale}"),
            None => format!("{template}-{format}/{name}"),
        };
        let Encodings {
            spliced,
            spliced_whole,
            threaded,
            whole,
        } = all(renderer, template, format, name, locale.as_deref());
        let check = || -> Result<(), String> {
            if threaded != spliced {
                return Err("compressed on three threads, it made other bytes".into());
            }
            if spliced != spliced_whole {
                return Err(format!(
                    "touched rows made other bytes than the whole card ({} against {})",
                    spliced.len(),
                    spliced_whole.len()
                ));
            }
            let (w, h, color, pixels) = decode_png(&spliced).map_err(|e| format!("png: {e}"))?;
            let (ww, wh, wcolor, expected) =
                decode_png(&whole).map_err(|e| format!("whole: {e}"))?;
            if (w, h, color) != (ww, wh, wcolor) {
                return Err(format!(
                    "{w}×{h} {color:?}, whole encoder {ww}×{wh} {wcolor:?}"
                ));
            }
            if pixels != expected {
                let first = pixels.iter().zip(&expected).position(|(a, b)| a != b);
                return Err(format!(
                    "pixels differ from the whole encoder's (first byte {first:?})"
                ));
            }
            if decode_image(&spliced).map_err(|e| format!("image: {e}"))? != expected {
                return Err("the `image` decoder reads other pixels".into());
            }
            if decode_zune(&spliced).map_err(|e| format!("zune-png: {e}"))? != expected {
                return Err("the `zune-png` decoder reads other pixels".into());
            }

            let file: PathBuf = dir.join(format!("{}.png", case.replace('/', "--")));
            std::fs::write(&file, &spliced).map_err(|e| e.to_string())?;
            pngcheck(&file)
        };
        if let Err(e) = check() {
            failures.push(format!("{case}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn spliced_cards_are_no_larger_than_whole_ones() {
    // The background's bands are compressed harder than the fast whole-image encoder does.
    let renderer: &Renderer = common::renderer();
    for template in common::TEMPLATES {
        let (spliced, whole) = both(renderer, template, "story", "typical", None);
        assert!(
            spliced.len() <= whole.len(),
            "{template}: spliced {} bytes, whole {}",
            spliced.len(),
            whole.len()
        );
    }
}
