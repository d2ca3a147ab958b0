//! Fit: choose a size and line breaks so a string fits its frame.
//!
//! The order is the designers' rule: keep the design size if it fits on one line; else
//! shrink, down to the minimum size; else wrap (up to `max_lines`, largest size first); else
//! cut the last line with an ellipsis at the minimum size. Any string, any length, fits.

use unicode_linebreak::{linebreaks, BreakOpportunity};
use unicode_segmentation::UnicodeSegmentation;

use super::shape::{shape_line, Line};
use crate::card::fonts::Fonts;

/// Horizontal placement of each line in the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// Vertical placement of the block in the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VAlign {
    Top,
    #[default]
    Middle,
    Bottom,
    /// The frame's `y` is the first line's baseline.
    Baseline,
}

/// How the text wants to look. Sizes in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    /// The design size. Default: 48.
    pub size: f32,
    /// The smallest size shrinking may reach. Default: half of `size`.
    pub min_size: f32,
    /// CSS weight, 100 to 900. Default: 400.
    pub weight: u16,
    /// Lines wrapping may use. Default: 1.
    pub max_lines: usize,
    /// Distance between baselines, as a multiple of the size. Default: 1.15.
    pub line_height: f32,
    pub align: Align,
    pub valign: VAlign,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            size: 48.0,
            min_size: 24.0,
            weight: 400,
            max_lines: 1,
            line_height: 1.15,
            align: Align::Left,
            valign: VAlign::Middle,
        }
    }
}

/// The box the text must fit, in pixels. `height` bounds the lines; `None` allows
/// `max_lines` lines at the chosen size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: Option<f32>,
}

/// A fitted block: the lines and the size they are drawn at.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub lines: Vec<Line>,
    pub size: f32,
    pub frame: Frame,
    pub style: Style,
}

const ELLIPSIS: &str = "…";

/// Fits `text` into `frame`.
pub fn fit(fonts: &Fonts, text: &str, style: &Style, frame: Frame) -> Block {
    let style = Style {
        min_size: style.min_size.min(style.size).max(1.0),
        max_lines: style.max_lines.max(1),
        ..style.clone()
    };
    let width = frame.width.max(1.0);
    let block = |lines: Vec<Line>, size: f32| Block {
        lines,
        size,
        frame,
        style: style.clone(),
    };
    // Largest size at which `n` lines fit the frame's height.
    let height_cap = |n: usize| {
        frame
            .height
            .map_or(f32::INFINITY, |h| h / (n as f32 * style.line_height))
    };

    let whole = shape_line(fonts, text, style.weight);
    if whole.glyphs.is_empty() {
        return block(Vec::new(), style.size);
    }
    let one_line = (width / whole.width).min(style.size).min(height_cap(1));
    if one_line >= style.min_size {
        return block(vec![whole], one_line);
    }

    if style.max_lines > 1 {
        let segments = segments(fonts, text, style.weight);
        // Largest size first, in steps of 4%, down to the minimum.
        let mut size = style.size;
        loop {
            let lines = wrap(&segments, width / size);
            let n = lines.len();
            if n <= style.max_lines && size <= height_cap(n) {
                let shaped: Vec<Line> = lines
                    .iter()
                    .map(|l| shape_line(fonts, l, style.weight))
                    .collect();
                // Joining segments can kern a hair wider than their sum; shrink to match.
                let widest = shaped.iter().map(|l| l.width).fold(0.0, f32::max);
                return block(shaped, size.min(width / widest));
            }
            if size <= style.min_size {
                break;
            }
            size = (size * 0.96).max(style.min_size);
        }
        // At the minimum size it still overflows: keep the first lines, cut the last.
        let size = style.min_size;
        let lines = wrap(&segments, width / size);
        let keep = style.max_lines.min(lines.len());
        let mut shaped: Vec<Line> = lines[..keep - 1]
            .iter()
            .map(|l| shape_line(fonts, l, style.weight))
            .collect();
        let rest = lines[keep - 1..].join(" ");
        shaped.push(ellipsize(fonts, &rest, style.weight, width / size));
        return block(shaped, size);
    }

    let size = style.min_size.min(height_cap(1));
    block(
        vec![ellipsize(fonts, text, style.weight, width / size)],
        size,
    )
}

/// A piece of text between two break opportunities, with its width in em (without trailing
/// spaces) and whether a line must break after it.
struct Segment {
    text: String,
    width: f32,
    trailing: f32,
    mandatory: bool,
}

fn segments(fonts: &Fonts, text: &str, weight: u16) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut start = 0;
    for (end, opportunity) in linebreaks(text) {
        let piece = &text[start..end];
        start = end;
        let trimmed = piece.trim_end();
        let width = shape_line(fonts, trimmed, weight).width;
        let full = if trimmed.len() == piece.len() {
            width
        } else {
            shape_line(fonts, piece, weight).width
        };
        out.push(Segment {
            text: piece.to_string(),
            width,
            trailing: full - width,
            mandatory: opportunity == BreakOpportunity::Mandatory,
        });
    }
    out
}

/// Greedy line filling: each line takes segments while they fit `max_em`. A segment wider
/// than a line on its own is split between grapheme clusters.
fn wrap(segments: &[Segment], max_em: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut width = 0.0;
    for (i, segment) in segments.iter().enumerate() {
        if !current.is_empty() && width + segment.width > max_em {
            lines.push(current.trim_end().to_string());
            current.clear();
            width = 0.0;
        }
        if current.is_empty() && segment.width > max_em {
            // One overlong word: split it by clusters, by width share.
            let clusters: Vec<&str> = segment.text.graphemes(true).collect();
            let per_cluster = segment.width / clusters.len().max(1) as f32;
            let per_line = ((max_em / per_cluster).floor() as usize).max(1);
            let chunks: Vec<String> = clusters.chunks(per_line).map(|c| c.concat()).collect();
            let (last, whole) = chunks.split_last().expect("a segment is never empty");
            lines.extend(whole.iter().map(|c| c.trim_end().to_string()));
            current = last.clone();
            width = per_cluster * last.graphemes(true).count() as f32;
        } else {
            current.push_str(&segment.text);
            width += segment.width + segment.trailing;
        }
        if segment.mandatory && i + 1 < segments.len() {
            lines.push(current.trim_end().to_string());
            current.clear();
            width = 0.0;
        }
    }
    if !current.trim_end().is_empty() || lines.is_empty() {
        lines.push(current.trim_end().to_string());
    }
    lines
}

/// The longest start of `text` that fits `max_em` with an ellipsis after it.
fn ellipsize(fonts: &Fonts, text: &str, weight: u16, max_em: f32) -> Line {
    let whole = shape_line(fonts, text, weight);
    if whole.width <= max_em {
        return whole;
    }
    let bounds: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).collect();
    let candidate = |k: usize| {
        let head = text[..bounds[k]].trim_end();
        shape_line(fonts, &format!("{head}{ELLIPSIS}"), weight)
    };
    // Binary search for the largest number of clusters that fits.
    let (mut lo, mut hi) = (0usize, bounds.len() - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if candidate(mid).width <= max_em {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    candidate(lo)
}
