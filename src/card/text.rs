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

/// Width of `text` in em (multiply by the font size for pixels), on one line.
pub fn measure(fonts: &Fonts, text: &str, weight: u16) -> f32 {
    shape::shape_line(fonts, text, weight).width
}
