//! Text: user strings of any script, laid out with the bundled fonts and drawn as outlines.
//!
//! usvg's own text layout re-shapes a whole chunk with one fallback font, so mixed scripts
//! and emoji come out as boxes (resvg issues 861, 732). We lay text out ourselves and hand
//! usvg plain paths and images, which it cannot get wrong:
//!
//! 1. `itemize`: split a line into bidi runs (visual order), then into runs of one face
//!    each: a face per script class and weight, colour emoji per grapheme cluster.
//! 2. [`shape`]: shape each run with harfrust; positions are in em at size 1.
//! 3. [`fit`]: choose a size and line breaks so the text fits its box: shrink, then wrap,
//!    then ellipsis.
//! 4. `draw`: write the glyph outlines as `<path>` and emoji bitmaps as `<image>`.
//!
//! Static headings in backgrounds stay `<text>` for usvg; [`fit_label`] only sizes them.
//!
//! Because shaping is done at size 1 and scales linearly, one shaping pass measures a line at
//! every size.

mod draw;
mod fit;
mod itemize;
mod label;
mod shape;

pub use fit::{fit, Align, Block, Frame, Style, VAlign};
pub use label::{fit_label, FittedLabel, LabelStyle};
pub use shape::Line;

use crate::card::fonts::Fonts;

/// Shapes one line of text (no wrapping, no fitting): for measuring and for inspecting which
/// face drew what.
pub fn shape(fonts: &Fonts, text: &str, weight: u16) -> Line {
    shape::shape_line(fonts, text, weight)
}

/// The characters of `lines` that were drawn as `.notdef` because no bundled face covers
/// them (tofu), in order, each once. Empty when every glyph was found.
pub fn tofu(fonts: &Fonts, lines: &[Line]) -> Vec<char> {
    if !lines.iter().any(|l| l.glyphs.iter().any(|g| g.id == 0)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in lines.iter().flat_map(|l| l.text.chars()) {
        let invisible = c.is_whitespace()
            || c.is_control()
            || matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0xFE00..=0xFE0F | 0xE0000..=0xE007F);
        if !invisible && !out.contains(&c) && !fonts.faces().iter().any(|f| f.covers(c)) {
            out.push(c);
        }
    }
    out
}

/// Width of `text` in em (multiply by the font size for pixels), on one line.
pub fn measure(fonts: &Fonts, text: &str, weight: u16) -> f32 {
    shape::shape_line(fonts, text, weight).width
}
