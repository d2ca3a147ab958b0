//! Shape: runs → positioned glyphs, at font size 1 (all lengths in em).

use harfrust::{Direction, ShapeOptions, UnicodeBuffer};

use super::itemize::{itemize, Run};
use crate::card::fonts::{FaceId, Fonts};

/// One glyph, placed on a line drawn at size 1 from x = 0 on the baseline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    pub face: FaceId,
    pub id: u32,
    /// Left edge of the glyph's origin, em.
    pub x: f32,
    /// Offset above the baseline, em.
    pub y: f32,
}

/// A shaped line: glyphs in visual order and the line's advance width, in em.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Line {
    pub(crate) glyphs: Vec<Glyph>,
    /// Advance width in em; multiply by the font size for pixels.
    pub width: f32,
    /// The text the line shows (after any ellipsis).
    pub text: String,
}

impl Line {
    /// Each glyph's face family and glyph id, left to right. Glyph id 0 is `.notdef`: a box.
    pub fn glyphs<'a>(&'a self, fonts: &'a Fonts) -> impl Iterator<Item = (&'a str, u32)> + 'a {
        self.glyphs
            .iter()
            .map(|g| (fonts.face(g.face).family.as_str(), g.id))
    }
}

/// Shapes one line of text (no line breaks) at `weight`.
pub(crate) fn shape_line(fonts: &Fonts, text: &str, weight: u16) -> Line {
    let mut line = Line {
        text: text.to_string(),
        ..Line::default()
    };
    for run in itemize(fonts, text, weight) {
        shape_run(fonts, text, &run, &mut line);
    }
    line
}

fn shape_run(fonts: &Fonts, text: &str, run: &Run, line: &mut Line) {
    let face = fonts.face(run.face);
    let Ok(font) = harfrust::FontRef::from_index(&face.data, face.index) else {
        return;
    };
    let data = face.take_shaper(&font);
    let shaper = data.shaper(&font).build();
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(&text[run.range.clone()]);
    buffer.set_direction(if run.rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    buffer.guess_segment_properties();
    let output = shaper.shape(buffer, ShapeOptions::new());
    let scale = 1.0 / face.units_per_em;
    // harfrust returns right-to-left runs in visual order already: left to right on the page.
    for (info, pos) in output.glyph_infos().iter().zip(output.glyph_positions()) {
        line.glyphs.push(Glyph {
            face: run.face,
            id: info.glyph_id,
            x: line.width + pos.x_offset as f32 * scale,
            y: pos.y_offset as f32 * scale,
        });
        line.width += pos.x_advance as f32 * scale;
    }
    face.give_back_shaper(data);
}
