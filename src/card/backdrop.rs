//! Backdrop: a format's background, rasterized once, and what is prepared from it for every
//! card drawn over it (its PNG [`Bands`]). Whatever selects a background selects its bands:
//! they are one object, cached in one place ([`crate::card::template`]'s `Background`), and
//! kept on disk across processes by the [`cache`].
//!
//! A card is its background with a layer drawn over it, and most of a story card's rows are
//! the background's byte for byte. [`touched_rows`] tells from the layer's parsed tree which
//! rows its drawing can reach, so that a render copies, draws, compares and compresses only
//! those ([`Backdrop::spans`], [`Backdrop::encode_spans`]); the other rows are the
//! background's compressed bands as they are.

pub mod cache;
mod glow;
pub mod snapshots;

use std::ops::Range;

pub use cache::Cache;
pub use snapshots::Snapshots;

use crate::card::png::{self, Bands, Png};
use crate::error::Result;

/// A rasterized background and its PNG bands.
#[derive(Debug)]
pub struct Backdrop {
    pub pixmap: tiny_skia::Pixmap,
    /// `None` for a translucent background, or one drawn for the studio: its cards are
    /// encoded whole.
    pub bands: Option<Bands>,
}

impl Backdrop {
    /// Prepares the bands of a rasterized background.
    pub fn new(pixmap: tiny_skia::Pixmap) -> Result<Backdrop> {
        let bands = Bands::prepare(&pixmap)?;
        Ok(Backdrop { pixmap, bands })
    }

    /// Encodes a card drawn over this background: only the bands its layer changed are
    /// compressed; a card the bands cannot make (a translucent pixel) is encoded whole.
    pub fn encode(&self, card: &tiny_skia::Pixmap) -> Result<Png> {
        if let Some(bands) = &self.bands {
            if let Some(png) = bands.encode(card, &self.pixmap)? {
                return Ok(png);
            }
        }
        png::encode(card)
    }

    /// Codes every band's tiles now ([`Bands::code_tiles`]), so that the first cards over
    /// this background are as quick as the later ones.
    pub fn code_tiles(&self) -> Result<()> {
        match &self.bands {
            Some(bands) => bands.code_tiles(&self.pixmap),
            None => Ok(()),
        }
    }

    /// The rows of a card over this background that must hold the card's pixels for
    /// [`encode_spans`](Self::encode_spans) when its layer can change only `touched`
    /// ([`Bands::spans`]); `None` without bands (a translucent background).
    pub fn spans(&self, touched: &[Range<usize>]) -> Option<Vec<Range<usize>>> {
        Some(self.bands.as_ref()?.spans(touched))
    }

    /// Encodes a card whose rows hold its pixels only in `spans` (the other rows are not
    /// read: they are taken to be the background's), compressing its changed bands on up to
    /// `threads` threads. `None` when the bands cannot make it (no bands, a translucent
    /// pixel): the caller then draws the whole card and encodes it with
    /// [`encode`](Self::encode).
    pub fn encode_spans(
        &self,
        card: &tiny_skia::Pixmap,
        spans: &[Range<usize>],
        threads: usize,
    ) -> Result<Option<Png>> {
        match &self.bands {
            Some(bands) => bands.encode_spans(card, &self.pixmap, spans, threads),
            None => Ok(None),
        }
    }
}

/// Rows beyond a node's box that drawing it may still change: resvg draws an isolated group
/// (opacity, clip, mask, blend mode) through a layer 2 px larger than its box on each side,
/// anti-aliasing reaches the pixel a box edge falls in, and the boxes are computed in `f32`.
const MARGIN: f32 = 4.0;

/// The rows of a `height`-row card that drawing `layer` with `transform` (as `resvg::render`
/// does) can change, as sorted, disjoint, non-adjacent ranges; `None` when that cannot be told,
/// and the caller must take every row.
///
/// The rows come from the boxes usvg computed for the nodes resvg draws one by one: a path's
/// box with its stroke, an image's box, and for an isolated group (one resvg draws through a
/// layer: opacity, clip, mask, filters, blend mode) its layer box, which is its filters'
/// region when it has filters (a blur's reach included) and is clipped by its clip path.
/// Groups that are not isolated and text (drawn as the group of its glyph outlines) are
/// looked into, so a layer of separate blocks touches only their rows. Each box is widened by
/// [`MARGIN`] rows. A nested SVG image, or a box that is not finite, makes it `None`.
pub fn touched_rows(
    layer: &usvg::Tree,
    transform: tiny_skia::Transform,
    height: u32,
) -> Option<Vec<Range<usize>>> {
    let mut rows = Vec::new();
    reach(layer.root(), transform, height, &mut rows)?;
    rows.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(rows.len());
    for r in rows {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    Some(merged)
}

/// Adds the rows each of `group`'s children can change to `rows`, as resvg draws them.
fn reach(
    group: &usvg::Group,
    transform: tiny_skia::Transform,
    height: u32,
    rows: &mut Vec<Range<usize>>,
) -> Option<()> {
    for node in group.children() {
        let bounds = match node {
            usvg::Node::Group(g) if !g.should_isolate() => {
                reach(g, transform, height, rows)?;
                continue;
            }
            usvg::Node::Text(text) if !text.flattened().should_isolate() => {
                reach(text.flattened(), transform, height, rows)?;
                continue;
            }
            usvg::Node::Group(g) => g.abs_layer_bounding_box().to_rect(),
            usvg::Node::Text(text) => text.flattened().abs_layer_bounding_box().to_rect(),
            usvg::Node::Path(path) => path.abs_stroke_bounding_box(),
            usvg::Node::Image(image) => match image.kind() {
                // Drawn through a canvas-sized layer of its own: not worth following.
                usvg::ImageKind::SVG(_) => return None,
                _ => image.abs_bounding_box(),
            },
        };
        let (top, bottom) = device_rows(bounds, transform)?;
        let top = (top - MARGIN).floor().max(0.0);
        let bottom = (bottom + MARGIN).ceil().min(height as f32);
        if top < bottom {
            rows.push(top as usize..bottom as usize);
        }
    }
    Some(())
}

/// The top and bottom of `rect` on the pixmap, after `transform`; `None` when not finite.
fn device_rows(rect: tiny_skia::Rect, transform: tiny_skia::Transform) -> Option<(f32, f32)> {
    let corners = [
        (rect.left(), rect.top()),
        (rect.right(), rect.top()),
        (rect.left(), rect.bottom()),
        (rect.right(), rect.bottom()),
    ];
    let mut top = f32::INFINITY;
    let mut bottom = f32::NEG_INFINITY;
    for (x, y) in corners {
        let mut point = tiny_skia::Point::from_xy(x, y);
        transform.map_point(&mut point);
        top = top.min(point.y);
        bottom = bottom.max(point.y);
    }
    (top.is_finite() && bottom.is_finite()).then_some((top, bottom))
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: u32 = 64;
    const H: u32 = 400;

    /// The rows `touched_rows` gives for a `W`×`H` layer, and the rows that drawing it over an
    /// opaque background actually changes.
    fn touched_and_changed(body: &str) -> (Vec<Range<usize>>, Vec<usize>) {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}">{body}</svg>"#
        );
        let tree = usvg::Tree::from_str(&svg, &usvg::Options::default()).expect("parses");
        let transform = tiny_skia::Transform::identity();
        let touched = touched_rows(&tree, transform, H).expect("rows can be told");
        let mut background = tiny_skia::Pixmap::new(W, H).unwrap();
        background.fill(tiny_skia::Color::from_rgba8(30, 60, 90, 255));
        let mut card = background.clone();
        resvg::render(&tree, transform, &mut card.as_mut());
        let stride = W as usize * 4;
        let changed = (0..H as usize)
            .filter(|&r| {
                let row = r * stride..(r + 1) * stride;
                card.data()[row.clone()] != background.data()[row]
            })
            .collect();
        (touched, changed)
    }

    fn assert_covers(touched: &[Range<usize>], changed: &[usize]) {
        assert!(!changed.is_empty(), "the layer changes no row");
        for row in changed {
            assert!(
                touched.iter().any(|r| r.contains(row)),
                "row {row} changed, outside the touched rows {touched:?}"
            );
        }
        for pair in touched.windows(2) {
            assert!(
                pair[0].end < pair[1].start,
                "not sorted and apart: {touched:?}"
            );
        }
    }

    #[test]
    fn shapes_at_the_top_and_bottom_edges_touch_their_rows_clamped_to_the_card() {
        // A circle half above the card, a stroked line along its last row, and an
        // anti-aliased rectangle between: three separate runs of rows.
        let (touched, changed) = touched_and_changed(
            r##"<circle cx="30" cy="0" r="6.5" fill="#fff"/>
                <rect x="3" y="200.4" width="20" height="10.2" fill="#f80"/>
                <line x1="0" y1="399.5" x2="64" y2="399.5" stroke="#0f0" stroke-width="3"/>"##,
        );
        assert_covers(&touched, &changed);
        assert_eq!(changed.first(), Some(&0));
        assert_eq!(changed.last(), Some(&(H as usize - 1)));
        assert_eq!(touched.len(), 3, "{touched:?}");
        assert_eq!(touched[0].start, 0);
        assert_eq!(touched[2].end, H as usize);
        // Only the margin beyond each shape: the rows between are left alone.
        let rows: usize = touched.iter().map(|r| r.len()).sum();
        assert!(rows < 60, "{touched:?}");
    }

    #[test]
    fn a_blurred_shape_touches_the_rows_its_blur_reaches() {
        // The blur spreads the 40-row rectangle over its filter region, 40 rows beyond it on
        // each side; the rectangle's own box would miss them.
        let (touched, changed) = touched_and_changed(
            r##"<filter id="soft" x="-1" y="-1" width="3" height="3">
                  <feGaussianBlur stdDeviation="12"/>
                </filter>
                <rect x="12" y="180" width="40" height="40" fill="#fff" filter="url(#soft)"/>"##,
        );
        assert_covers(&touched, &changed);
        assert!(
            *changed.first().unwrap() < 170 && *changed.last().unwrap() > 230,
            "the blur reaches past the rectangle: {changed:?}"
        );
        assert_eq!(touched, vec![136..264]);
    }

    #[test]
    fn an_isolated_group_touches_its_layer_and_a_plain_group_its_children() {
        let (touched, changed) = touched_and_changed(
            r##"<g opacity="0.5"><rect x="0" y="40" width="10" height="10" fill="#fff"/></g>
                <g transform="translate(0 100)">
                  <rect x="0" y="0" width="10" height="10" fill="#fff"/>
                  <rect x="0" y="200" width="10" height="10" stroke="#fff" stroke-width="8"/>
                </g>"##,
        );
        assert_covers(&touched, &changed);
        assert_eq!(touched, vec![36..54, 96..114, 292..318]);
    }
}
