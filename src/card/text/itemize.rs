//! Itemize: one line of text → runs that each have one direction and one face, in visual
//! order.

use std::ops::Range;

use unicode_bidi::BidiInfo;
use unicode_script::{Script, UnicodeScript};
use unicode_segmentation::UnicodeSegmentation;

use crate::card::fonts::{CjkLang, Class, FaceId, Fonts};

/// A piece of the line with one face and one direction. `range` is in bytes of the line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Run {
    pub range: Range<usize>,
    pub face: FaceId,
    pub rtl: bool,
}

/// Splits `line` (no line breaks) into runs, left to right as they will be drawn.
pub(crate) fn itemize(fonts: &Fonts, line: &str, weight: u16) -> Vec<Run> {
    if line.is_empty() {
        return Vec::new();
    }
    let lang = cjk_lang(line);
    let bidi = BidiInfo::new(line, None);
    let mut out = Vec::new();
    for paragraph in &bidi.paragraphs {
        let (levels, runs) = bidi.visual_runs(paragraph, paragraph.range.clone());
        for range in runs {
            let rtl = levels[range.start].is_rtl();
            let mut pieces = by_face(fonts, line, range, weight, lang);
            if rtl {
                // Within a right-to-left run the logically first piece is drawn rightmost.
                pieces.reverse();
            }
            out.extend(
                pieces
                    .into_iter()
                    .map(|(range, face)| Run { range, face, rtl }),
            );
        }
    }
    out
}

/// Splits one bidi run into pieces of one face, in logical order.
fn by_face(
    fonts: &Fonts,
    line: &str,
    range: Range<usize>,
    weight: u16,
    lang: CjkLang,
) -> Vec<(Range<usize>, FaceId)> {
    let base = range.start;
    let clusters: Vec<(usize, &str)> = line[range]
        .grapheme_indices(true)
        .map(|(i, g)| (base + i, g))
        .collect();

    // Each cluster's class; `None` for spaces, digits and punctuation, which take the class of
    // their neighbours so "宇多田 & Beyoncé" keeps " & " in the CJK face.
    let mut classes: Vec<Option<Class>> = clusters
        .iter()
        .map(|(_, g)| class_of(fonts, g, lang))
        .collect();
    let mut previous = None;
    for class in classes.iter_mut() {
        match class {
            Some(c) if *c != Class::Emoji => previous = Some(*c),
            Some(_) => {}
            None => *class = previous,
        }
    }
    let first = classes
        .iter()
        .flatten()
        .find(|c| **c != Class::Emoji)
        .copied()
        .unwrap_or(Class::Alphabetic);
    let mut pieces: Vec<(Range<usize>, FaceId)> = Vec::new();
    for ((start, cluster), class) in clusters.iter().zip(classes) {
        let face = fonts.pick(class.unwrap_or(first), weight, cluster);
        let end = start + cluster.len();
        match pieces.last_mut() {
            Some((r, f)) if *f == face && r.end == *start => r.end = end,
            _ => pieces.push((*start..end, face)),
        }
    }
    pieces
}

/// The class of one grapheme cluster, or `None` when its script is shared (Common,
/// Inherited).
fn class_of(fonts: &Fonts, cluster: &str, lang: CjkLang) -> Option<Class> {
    if fonts.has_emoji() && is_emoji(fonts, cluster) {
        return Some(Class::Emoji);
    }
    cluster.chars().find_map(|c| match c.script() {
        Script::Common | Script::Inherited | Script::Unknown => None,
        Script::Arabic | Script::Syriac => Some(Class::Arabic),
        Script::Hebrew => Some(Class::Hebrew),
        Script::Devanagari => Some(Class::Devanagari),
        Script::Thai => Some(Class::Thai),
        Script::Han | Script::Bopomofo => Some(Class::Cjk(lang)),
        Script::Hiragana | Script::Katakana => Some(Class::Cjk(CjkLang::Japanese)),
        Script::Hangul => Some(Class::Cjk(CjkLang::Korean)),
        _ => Some(Class::Alphabetic),
    })
}

/// Whether a grapheme cluster is an emoji: emoji presentation asked for, a flag, a skin tone,
/// a keycap, anything in the emoji planes, or a symbol only the emoji face has.
fn is_emoji(fonts: &Fonts, cluster: &str) -> bool {
    let Some(first) = cluster.chars().next() else {
        return false;
    };
    if cluster.contains('\u{FE0E}') {
        return false; // text presentation asked for
    }
    if cluster.contains('\u{FE0F}') || cluster.contains('\u{20E3}') {
        return true;
    }
    let cp = first as u32;
    if (0x1F1E6..=0x1F1FF).contains(&cp)
        || (0x1F000..=0x1FAFF).contains(&cp)
        || cluster
            .chars()
            .any(|c| (0x1F3FB..=0x1F3FF).contains(&(c as u32)))
    {
        return true;
    }
    cp >= 0x2000 && !fonts.text_covers(first)
}

/// Which regional CJK face suits the line: kana means Japanese, hangul Korean, otherwise
/// Simplified Chinese.
fn cjk_lang(line: &str) -> CjkLang {
    let mut lang = CjkLang::SimplifiedChinese;
    for c in line.chars() {
        match c.script() {
            Script::Hiragana | Script::Katakana => return CjkLang::Japanese,
            Script::Hangul => lang = CjkLang::Korean,
            _ => {}
        }
    }
    lang
}
