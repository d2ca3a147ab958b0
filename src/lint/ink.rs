//! Ink: the rules that look at one card as drawn: the fit step's facts (sizes, cuts, tofu)
//! and where each element's ink landed in the parsed tree (safe zones, overflow,
//! collisions).
//!
//! Ink boxes are the bounding boxes usvg computes from the real glyph outlines of each line,
//! so a line reaches as far up and down as its script's marks do: Arabic dots and Thai tone
//! marks count where they land, not where a Latin line's ascent would put them. Two boxes
//! that meet are then checked pixel by pixel: both elements are drawn alone into the region
//! they share, and they collide when ink of one lies within the clearance of ink of the
//! other.

use unicode_segmentation::UnicodeSegmentation;
use usvg::{Node, Rect};

use super::{At, Config, Finding, Rule, SAFE_ZONE};
use crate::card::layout::{Place, TextFact};
use crate::card::render::Inspection;

/// Alpha from which a pixel counts as ink (a quarter covered).
const INK: u8 = 64;

pub(super) fn check(at: &At, card: &Inspection, story: bool, config: &Config) -> Vec<Finding> {
    let mut out = Vec::new();
    fit(at, card, config, &mut out);
    if story {
        safe_zone(at, card, &mut out);
    }
    overflow(at, card, config, &mut out);
    collisions(at, card, config, &mut out);
    out
}

/// Small text, cut text and tofu: what the fit step noted.
fn fit(at: &At, card: &Inspection, config: &Config, out: &mut Vec<Finding>) {
    let mut strings = Vec::new();
    user_strings(&card.view, &mut strings);
    for t in &card.facts.texts {
        let name = quote(&t.value);
        if t.size + 0.01 < t.min_size {
            out.push(at.finding(
                Rule::SmallText,
                &t.value,
                format!(
                    "{name} is drawn at {:.1} px, below the template's minimum of {:.1} px (design size {:.0})",
                    t.size, t.min_size, t.design_size
                ),
            ));
        } else if t.size + 0.01 < config.min_text_px {
            out.push(at.finding(
                Rule::SmallText,
                &t.value,
                format!(
                    "{name} is drawn at {:.1} px, below the smallest legible size of {:.0} px",
                    t.size, config.min_text_px
                ),
            ));
        }
        let user = strings.iter().any(|s| t.value.contains(s.as_str()));
        let long = t.value.graphemes(true).count() > config.user_text_chars;
        if t.cut && !(user && long) {
            out.push(at.finding(
                Rule::CutText,
                &t.value,
                format!(
                    "{name} is cut with an ellipsis: {}",
                    quote(&t.lines.join(" / "))
                ),
            ));
        }
        if !t.tofu.is_empty() {
            let chars: Vec<String> = t
                .tofu
                .iter()
                .map(|c| format!("U+{:04X} {c}", *c as u32))
                .collect();
            out.push(at.finding(
                Rule::Tofu,
                &t.value,
                format!(
                    "{name}: no bundled font covers {} (drawn as boxes)",
                    chars.join(", ")
                ),
            ));
        }
    }
}

/// The strings of a view that came from the user's stats: names, titles, genres.
fn user_strings(view: &serde_json::Value, out: &mut Vec<String>) {
    const OURS: &[&str] = &[
        "user_id",
        "locale",
        "dir",
        "photo",
        "initials",
        "personality",
    ];
    match view {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if !OURS.contains(&key.as_str()) {
                    user_strings(value, out);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| user_strings(v, out)),
        serde_json::Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
        _ => {}
    }
}

/// Layer text and photos must stay out of a story's top and bottom bands.
fn safe_zone(at: &At, card: &Inspection, out: &mut Vec<Finding>) {
    let scale = card.height as f32 / SAFE_ZONE.height as f32;
    let top = SAFE_ZONE.top as f32 * scale;
    let bottom = card.height as f32 - SAFE_ZONE.bottom as f32 * scale;
    let mut check = |id: &str, subject: &str, name: String| {
        let Some(ink) = card.layer.node_by_id(id).and_then(ink_of) else {
            return;
        };
        let problem = if ink.top() < top - 0.5 {
            Some(format!(
                "{name} reaches y = {:.0}, inside the top safe zone (y < {top:.0})",
                ink.top()
            ))
        } else if ink.bottom() > bottom + 0.5 {
            Some(format!(
                "{name} reaches y = {:.0}, inside the bottom safe zone (y > {bottom:.0})",
                ink.bottom()
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            out.push(at.finding(Rule::SafeZone, subject, message));
        }
    };
    for t in card.facts.texts.iter().filter(|t| t.place == Place::Layer) {
        check(&t.id, &t.value, quote(&t.value));
    }
    for p in &card.facts.photos {
        check(&p.id, &p.name, format!("the photo of {}", quote(&p.name)));
    }
}

/// Nothing of the layer may be drawn outside the content box (the card less its margin).
fn overflow(at: &At, card: &Inspection, config: &Config, out: &mut Vec<Finding>) {
    let m = config.content_margin;
    let (w, h) = (card.width as f32, card.height as f32);
    for node in card.layer.root().children() {
        let Some(ink) = ink_of(node) else { continue };
        let outside = [
            m - ink.left(),
            m - ink.top(),
            ink.right() - (w - m),
            ink.bottom() - (h - m),
        ]
        .into_iter()
        .fold(0.0f32, f32::max);
        if outside > 0.5 {
            let name = describe(node, card);
            out.push(at.finding(
                Rule::Overflow,
                name.clone(),
                format!(
                    "{name} draws {outside:.0} px outside the content box ({m:.0} px inside the card's edges)"
                ),
            ));
        }
    }
}

/// One line of text or one piece of art, with its ink box.
struct Piece<'a> {
    node: &'a Node,
    ink: Rect,
    /// The text it belongs to; `None` for art.
    text: Option<&'a TextFact>,
}

fn collisions(at: &At, card: &Inspection, config: &Config, out: &mut Vec<Finding>) {
    let mut texts: Vec<Piece> = Vec::new();
    for t in &card.facts.texts {
        let tree = match t.place {
            Place::Layer => &card.layer,
            Place::Background => match &card.background {
                Some(tree) => tree,
                None => continue,
            },
        };
        let lines: Vec<&Node> = match t.place {
            Place::Layer => (0..t.lines.len())
                .filter_map(|i| tree.node_by_id(&format!("{}-{i}", t.id)))
                .collect(),
            Place::Background => tree.node_by_id(&t.id).into_iter().collect(),
        };
        for node in lines {
            if let Some(ink) = ink_of(node) {
                texts.push(Piece {
                    node,
                    ink,
                    text: Some(t),
                });
            }
        }
    }
    let recorded = |id: &str| {
        card.facts
            .texts
            .iter()
            .any(|t| t.place == Place::Layer && t.id == id)
    };
    let art: Vec<Piece> = card
        .layer
        .root()
        .children()
        .iter()
        .filter(|n| !recorded(n.id()))
        .filter_map(|node| {
            Some(Piece {
                node,
                ink: ink_of(node)?,
                text: None,
            })
        })
        .collect();

    let mut seen: Vec<(String, String)> = Vec::new();
    let c = config.clearance as f32;
    for (i, a) in texts.iter().enumerate() {
        let ta = a.text.expect("text pieces have their fact");
        let others = texts[i + 1..].iter().chain(art.iter());
        for b in others {
            if b.text.is_some_and(|tb| tb.id == ta.id) {
                continue;
            }
            if !meets(a.ink, b.ink, c) {
                continue;
            }
            // Text laid on a plate (a badge, a bar) sits inside it on purpose.
            if b.text.is_none() && contains(b.ink, a.ink) {
                continue;
            }
            let key = (
                ta.id.clone(),
                match b.text {
                    Some(tb) => tb.id.clone(),
                    None => format!("art {:?}", b.ink),
                },
            );
            if seen.contains(&key) || !touching(a, b, config.clearance, card) {
                continue;
            }
            seen.push(key);
            let other = match b.text {
                Some(tb) => quote(&tb.value),
                None => describe(b.node, card),
            };
            out.push(at.finding(
                Rule::Collision,
                &ta.value,
                format!("the ink of {} touches {other}", quote(&ta.value)),
            ));
        }
    }
}

/// Whether two boxes come within `clearance` of each other.
fn meets(a: Rect, b: Rect, clearance: f32) -> bool {
    a.left() < b.right() + clearance
        && b.left() < a.right() + clearance
        && a.top() < b.bottom() + clearance
        && b.top() < a.bottom() + clearance
}

fn contains(outer: Rect, inner: Rect) -> bool {
    outer.left() <= inner.left() + 0.5
        && outer.top() <= inner.top() + 0.5
        && outer.right() >= inner.right() - 0.5
        && outer.bottom() >= inner.bottom() - 0.5
}

/// Draws both pieces alone into the region where their boxes meet and looks for ink of one
/// within `clearance` pixels of ink of the other.
fn touching(a: &Piece, b: &Piece, clearance: u32, card: &Inspection) -> bool {
    let c = clearance as f32;
    let left = (a.ink.left().max(b.ink.left()) - c).floor().max(0.0);
    let top = (a.ink.top().max(b.ink.top()) - c).floor().max(0.0);
    let right = (a.ink.right().min(b.ink.right()) + c)
        .ceil()
        .min(card.width as f32);
    let bottom = (a.ink.bottom().min(b.ink.bottom()) + c)
        .ceil()
        .min(card.height as f32);
    if right <= left || bottom <= top {
        return false;
    }
    let (w, h) = ((right - left) as u32, (bottom - top) as u32);
    let (Some(ma), Some(mb)) = (
        coverage(a.node, left, top, w, h),
        coverage(b.node, left, top, w, h),
    ) else {
        return false;
    };
    let r = clearance as i64;
    for y in 0..h as i64 {
        for x in 0..w as i64 {
            if mb[(y * w as i64 + x) as usize] < INK {
                continue;
            }
            for dy in -r..=r {
                for dx in -r..=r {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx >= 0
                        && ny >= 0
                        && nx < w as i64
                        && ny < h as i64
                        && ma[(ny * w as i64 + nx) as usize] >= INK
                    {
                        return true;
                    }
                }
            }
        }
    }
    false
}

/// The alpha of `node` drawn alone into the `w`×`h` region at (`left`, `top`) of the card.
fn coverage(node: &Node, left: f32, top: f32, w: u32, h: u32) -> Option<Vec<u8>> {
    let mut pixmap = tiny_skia::Pixmap::new(w, h)?;
    let bbox = node.abs_layer_bounding_box()?;
    let transform = tiny_skia::Transform::from_translate(bbox.x() - left, bbox.y() - top);
    resvg::render_node(node, transform, &mut pixmap.as_mut())?;
    Some(pixmap.pixels().iter().map(|p| p.alpha()).collect())
}

/// The box of what a node draws (strokes included), or `None` when it draws nothing.
fn ink_of(node: &Node) -> Option<Rect> {
    let b = node.abs_stroke_bounding_box();
    (b.width() > 0.0 || b.height() > 0.0).then_some(b)
}

/// A node in words: the text or photo it draws, else its kind and box.
fn describe(node: &Node, card: &Inspection) -> String {
    let id = node.id();
    if let Some(t) = card.facts.texts.iter().find(|t| t.id == id) {
        return quote(&t.value);
    }
    if let Some(p) = card.facts.photos.iter().find(|p| p.id == id) {
        return format!("the photo of {}", quote(&p.name));
    }
    let kind = match node {
        Node::Group(_) => "a group",
        Node::Path(_) => "a path",
        Node::Image(_) => "an image",
        Node::Text(_) => "a text",
    };
    let b = node.abs_stroke_bounding_box();
    format!(
        "{kind} at ({:.0}, {:.0}) {:.0}×{:.0}",
        b.x(),
        b.y(),
        b.width(),
        b.height()
    )
}

fn quote(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| !matches!(*c as u32, 0x200E | 0x200F | 0x2066..=0x2069))
        .collect();
    format!("“{s}”")
}
