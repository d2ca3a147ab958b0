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
    for glyph in &line.glyphs {
        let face = fonts.face(glyph.face);
        let Some(font) = face.font_ref() else {
            continue;
        };
        let gx = x + glyph.x * size;
        let gy = baseline - glyph.y * size;
        let strikes = font.bitmap_strikes();
        if let Some(bitmap) = strikes.glyph_for_size(Size::unscaled(), glyph.id.into()) {
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
        let Some(outline) = font.outline_glyphs().get(glyph.id.into()) else {
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
        let _ = write!(
            self.d,
            "{:.2} {:.2}",
            self.x + px * self.scale,
            self.y - py * self.scale
        );
    }
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
