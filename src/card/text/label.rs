//! Label: a one-line static heading for a background, fitted by size, then cut.
//!
//! Backgrounds keep their headings as SVG `<text>` that usvg draws once per locale; this only
//! decides the size, the letter spacing and the text that fit, and which face draws it.

use unicode_script::{Script, UnicodeScript};
use unicode_segmentation::UnicodeSegmentation;

use super::shape::shape_line;
use crate::card::fonts::{Class, Fonts};

/// How a label wants to look. Sizes in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelStyle {
    pub weight: u16,
    /// The design size.
    pub size: f32,
    /// The smallest size shrinking may reach.
    pub min_size: f32,
    /// Letter spacing at the design size; it shrinks with the size.
    pub spacing: f32,
}

/// A fitted label.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedLabel {
    pub text: String,
    pub size: f32,
    pub spacing: f32,
    /// Font families for `font-family`, the one drawing most of the text first.
    pub families: Vec<String>,
}

/// Fits `text` on one line of `width` pixels: the design size if it fits, else smaller (down
/// to the minimum), else cut with "…" at the minimum.
pub fn fit_label(fonts: &Fonts, text: &str, mut style: LabelStyle, width: f32) -> FittedLabel {
    // Tracked capitals are a convention of the cased scripts. Elsewhere tracking harms: it
    // pulls apart the stacked vowels and tone marks of Thai and its neighbours, breaks the
    // headline of Devanagari and its relatives and the joins of Arabic, and spreads Hebrew
    // (which has no capitals to track) into single letters.
    if text.chars().any(|c| {
        matches!(
            c.script(),
            Script::Thai
                | Script::Lao
                | Script::Khmer
                | Script::Myanmar
                | Script::Devanagari
                | Script::Bengali
                | Script::Gurmukhi
                | Script::Gujarati
                | Script::Oriya
                | Script::Tamil
                | Script::Telugu
                | Script::Kannada
                | Script::Malayalam
                | Script::Arabic
                | Script::Syriac
                | Script::Hebrew
        )
    }) {
        style.spacing = 0.0;
    }
    let clusters = |s: &str| s.graphemes(true).count() as f32;
    let width_at = |s: &str, size: f32, spacing: f32| {
        shape_line(fonts, s, style.weight).width * size + spacing * clusters(s)
    };
    let min_size = style.min_size.clamp(1.0, style.size.max(1.0));
    let natural = width_at(text, style.size, style.spacing);
    let (text, size) = if natural <= width {
        (text.to_string(), style.size)
    } else {
        let shrunk = style.size * width / natural;
        if shrunk >= min_size {
            (text.to_string(), round(shrunk))
        } else {
            let spacing = style.spacing * min_size / style.size;
            let bounds: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).collect();
            let cut = |k: usize| format!("{}…", text[..bounds[k]].trim_end());
            let (mut lo, mut hi) = (0usize, bounds.len().saturating_sub(1));
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                if width_at(&cut(mid), min_size, spacing) <= width {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            (cut(lo), round(min_size))
        }
    };
    let spacing = round(style.spacing * size / style.size);
    FittedLabel {
        families: families(fonts, &text, style.weight),
        text,
        size,
        spacing,
    }
}

fn round(v: f32) -> f32 {
    (v * 100.0).floor() / 100.0
}

/// The families that draw `text`, most glyphs first; the Latin face when there are none.
fn families(fonts: &Fonts, text: &str, weight: u16) -> Vec<String> {
    let line = shape_line(fonts, text, weight);
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (family, _) in line.glyphs(fonts) {
        match counts.iter_mut().find(|(f, _)| f == family) {
            Some((_, n)) => *n += 1,
            None => counts.push((family.to_string(), 1)),
        }
    }
    // Stable: among equal counts the family met first (leftmost) stays first.
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let mut out: Vec<String> = counts.into_iter().map(|(f, _)| f).collect();
    if out.is_empty() {
        let latin = fonts.pick(Class::Alphabetic, weight, "");
        out.push(fonts.face(latin).family.clone());
    }
    out
}
