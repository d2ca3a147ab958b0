//! Draw: a fitted block → SVG. Outlines become one `<path>` per line, colour emoji an
//! `<image>` each, so usvg needs no font to render user text.

use std::fmt::Write;

use base64::Engine;
use skrifa::bitmap::BitmapData;
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::prelude::{LocationRef, Size};
use skrifa::MetadataProvider;

use super::fit::{Align, Block, VAlign};
use crate::card::fonts::Fonts;

/// Cap height of the Latin faces, in em: lines are centred on capitals, which is what the eye
/// reads as centred.
const CAP_HEIGHT: f32 = 0.72;

impl Block {
    /// Appends the block as SVG elements filled with `fill` (any SVG paint, already escaped).
    pub fn write_svg(&self, fonts: &Fonts, fill: &str, out: &mut String) {
        self.write_svg_marked(fonts, fill, None, out)
    }

    /// [`write_svg`](Self::write_svg), each line in a group `{id}-{line}` when `id` is given,
    /// so the parsed tree can tell where each line's ink landed (see
    /// [`crate::card::layout`]).
    pub fn write_svg_marked(&self, fonts: &Fonts, fill: &str, id: Option<&str>, out: &mut String) {
        let size = self.size;
        let line_box = size * self.style.line_height;
        let block_height = line_box * self.lines.len() as f32;
        let frame_height = self.frame.height.unwrap_or(block_height);
        // Baseline of the first line.
        let first = match self.style.valign {
            VAlign::Baseline => self.frame.y,
            valign => {
                let top = match valign {
                    VAlign::Top => self.frame.y,
                    VAlign::Bottom => self.frame.y + frame_height - block_height,
                    _ => self.frame.y + (frame_height - block_height) / 2.0,
                };
                top + line_box / 2.0 + CAP_HEIGHT * size / 2.0
            }
        };
        for (i, line) in self.lines.iter().enumerate() {
            let width = line.width * size;
            let x = match self.style.align {
                Align::Left => self.frame.x,
                Align::Center => self.frame.x + (self.frame.width - width) / 2.0,
                Align::Right => self.frame.x + self.frame.width - width,
            };
            let baseline = first + i as f32 * line_box;
            if let Some(id) = id {
                let _ = write!(out, r#"<g id="{id}-{i}">"#);
            }
            write_line(fonts, line, x, baseline, size, fill, out);
            if id.is_some() {
                out.push_str("</g>");
            }
        }
    }
}

fn write_line(
    fonts: &Fonts,
    line: &super::Line,
    x: f32,
    baseline: f32,
    size: f32,
    fill: &str,
    out: &mut String,
) {
    let mut path = PathWriter::default();
    let mut images = String::new();
    // A line's glyphs come in runs of one face: its tables are looked up once per run, not
    // once per glyph (a CFF face's outline tables cost more to open than a glyph to draw).
    let mut current: Option<(usize, FaceTables)> = None;
    for glyph in &line.glyphs {
        let face = fonts.face(glyph.face);
        if current.as_ref().map(|(id, _)| *id) != Some(glyph.face.0) {
            current = face
                .font_ref()
                .map(|font| (glyph.face.0, FaceTables::new(font)));
        }
        let Some((_, tables)) = &current else {
            continue;
        };
        let gx = x + glyph.x * size;
        let gy = baseline - glyph.y * size;
        if let Some(bitmap) = tables
            .strikes
            .as_ref()
            .and_then(|s| s.glyph_for_size(Size::unscaled(), glyph.id.into()))
        {
            if let BitmapData::Png(png) = bitmap.data {
                let scale = size / bitmap.ppem_y.max(1.0);
                let _ = write!(
                    images,
                    r#"<image x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" href="data:image/png;base64,{}"/>"#,
                    gx + bitmap.inner_bearing_x * scale,
                    gy - bitmap.inner_bearing_y * scale,
                    bitmap.width as f32 * scale,
                    bitmap.height as f32 * scale,
                    base64::engine::general_purpose::STANDARD.encode(png),
                );
                continue;
            }
        }
        let Some(outline) = tables.outlines.get(glyph.id.into()) else {
            continue;
        };
        path.scale = size / face.units_per_em;
        path.x = gx;
        path.y = gy;
        let settings = DrawSettings::unhinted(Size::unscaled(), LocationRef::default());
        let _ = outline.draw(settings, &mut path);
    }
    if !path.d.is_empty() {
        let _ = write!(out, r#"<path fill="{fill}" d="{}"/>"#, path.d);
    }
    out.push_str(&images);
}

/// The tables of one face that drawing its glyphs reads.
struct FaceTables<'a> {
    /// Colour bitmaps, for a face that has any.
    strikes: Option<skrifa::bitmap::BitmapStrikes<'a>>,
    outlines: skrifa::outline::OutlineGlyphCollection<'a>,
}

impl<'a> FaceTables<'a> {
    fn new(font: skrifa::FontRef<'a>) -> FaceTables<'a> {
        let strikes = font.bitmap_strikes();
        FaceTables {
            strikes: (!strikes.is_empty()).then_some(strikes),
            outlines: font.outline_glyphs(),
        }
    }
}

/// Writes glyph outlines as SVG path data, scaled and placed; y grows downward in SVG.
#[derive(Default)]
struct PathWriter {
    d: String,
    scale: f32,
    x: f32,
    y: f32,
}

impl PathWriter {
    fn point(&mut self, px: f32, py: f32) {
        push_fixed2(&mut self.d, self.x + px * self.scale);
        self.d.push(' ');
        push_fixed2(&mut self.d, self.y - py * self.scale);
    }
}

/// Appends `v` exactly as `write!(out, "{v:.2}")` does, several times faster: a card's layer
/// is mostly these numbers (every point of every glyph outline), and the same text means
/// the same pixels. `v × 100` is exact in `f64` (24 + 7 significant bits), so rounding it
/// half to even is rounding `v`'s exact decimal value as the formatter does.
pub(crate) fn push_fixed2(out: &mut String, v: f32) {
    let hundredths = f64::from(v) * 100.0;
    if !hundredths.is_finite() || hundredths.abs() >= 1e15 {
        let _ = write!(out, "{v:.2}");
        return;
    }
    let n = hundredths.abs().round_ties_even() as u64;
    if v.is_sign_negative() {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut whole = n / 100;
    loop {
        at -= 1;
        digits[at] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
    let cents = (n % 100) as u8;
    out.push('.');
    out.push(char::from(b'0' + cents / 10));
    out.push(char::from(b'0' + cents % 10));
}

impl OutlinePen for PathWriter {
    fn move_to(&mut self, x: f32, y: f32) {
        self.d.push('M');
        self.point(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.d.push('L');
        self.point(x, y);
    }
    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        self.d.push('Q');
        self.point(cx0, cy0);
        self.d.push(' ');
        self.point(x, y);
    }
    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        self.d.push('C');
        self.point(cx0, cy0);
        self.d.push(' ');
        self.point(cx1, cy1);
        self.d.push(' ');
        self.point(x, y);
    }
    fn close(&mut self) {
        self.d.push('Z');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: f32) {
        let mut fast = String::new();
        push_fixed2(&mut fast, v);
        assert_eq!(fast, format!("{v:.2}"), "{v:e} ({:#x})", v.to_bits());
    }

    #[test]
    fn numbers_are_written_as_the_formatter_writes_them() {
        // Ties (x.125, x.375, … are exact in binary), signs, zeros, carries, large values.
        for v in [
            0.0,
            -0.0,
            0.005,
            -0.005,
            0.125,
            0.375,
            -0.625,
            2.675,
            1.005,
            0.995,
            -0.995,
            9.995,
            99.995,
            0.001,
            -0.001,
            1e7,
            -123456.78,
            1080.0,
            1919.99,
            f32::MIN_POSITIVE,
            f32::MAX,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
        ] {
            check(v);
        }
        for k in -200_000..200_000 {
            check(k as f32 / 8.0 / 100.0);
            check(k as f32 * 0.0137);
        }
        // A sweep of bit patterns across the magnitudes a card uses.
        let mut bits: u32 = 0x3000_0000;
        while bits < 0x4a00_0000 {
            check(f32::from_bits(bits));
            check(-f32::from_bits(bits ^ 0x5a5));
            bits += 0x1f3;
        }
    }
}
