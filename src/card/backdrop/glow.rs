//! A glow's layer, drawn as resvg 0.49 draws it, with a faster box blur.
//!
//! A glow is an isolated group whose one filter is one `feGaussianBlur` of its own graphic.
//! resvg draws its children into a layer, converts the layer to linearRGB, blurs it (for a
//! deviation of 2 px or more, five rounds of a vertical then a horizontal running average,
//! each rounded to a byte) and converts it back. Most of a large glow's time is the
//! vertical passes, which walk each column of a 1,300 px square image down in turn. Here
//! they walk rows, carrying one sum per column, and every average is rounded with the same
//! f32 arithmetic: the pixels are resvg's to the bit, and a background of glows draws in
//! about half the time (docs/performance.md). The colour conversions become one table lookup
//! per channel.
//!
//! Only that case is drawn here; anything else (other primitives, a small deviation that
//! resvg blurs another way, a clip, a mask, nested groups, pattern paints) is left to resvg.
//! The code follows resvg's `render::render_layer` and `filter::apply` (MIT OR Apache-2.0)
//! step by step; tests compare its layers with `resvg::render`'s pixels.

use std::sync::OnceLock;

use tiny_skia::{IntRect, Pixmap, Transform};
use usvg::ApproxEqUlps;

/// A group's layer as resvg composites it: its pixels and its box on the canvas.
pub struct Layer {
    pub pixels: Pixmap,
    pub rect: IntRect,
}

/// The group could not be drawn here exactly: resvg must draw it.
#[derive(Debug, PartialEq)]
pub struct NotAGlow;

/// The layer resvg makes for the isolated group `g` drawn with `transform` (its parents')
/// on a canvas of `width` × `height`; `Ok(None)` where resvg draws nothing. The caller has
/// checked that resvg composites the layer with opacity 1 and normal blending.
pub fn layer(
    g: &usvg::Group,
    transform: Transform,
    width: u32,
    height: u32,
) -> Result<Option<Layer>, NotAGlow> {
    let [filter] = g.filters() else {
        return Err(NotAGlow);
    };
    let [primitive] = filter.primitives() else {
        return Err(NotAGlow);
    };
    let usvg::filter::Kind::GaussianBlur(blur) = primitive.kind() else {
        return Err(NotAGlow);
    };
    if *blur.input() != usvg::filter::Input::SourceGraphic
        || g.clip_path().is_some()
        || g.mask().is_some()
        || !g.children().iter().all(drawn_without_context)
    {
        return Err(NotAGlow);
    }

    // resvg's `render_group`: the layer is drawn through the transform without its
    // rotation, and composited through the rotation; only an unrotated one is handled.
    let transform = transform.pre_concat(g.transform());
    let (sx, sy) = (
        transform.sx.hypot(transform.ky),
        transform.kx.hypot(transform.sy),
    );
    let rest = Transform::from_row(
        transform.sx / sx,
        transform.ky / sx,
        transform.kx / sy,
        transform.sy / sy,
        0.0,
        0.0,
    );
    if !rest.is_identity() {
        return Err(NotAGlow);
    }
    let Some(max_bbox) = max_filter_bbox(width, height)
        .to_rect()
        .transform(rest)
        .and_then(|r| r.round_out())
    else {
        return Ok(None);
    };

    // resvg's `render_layer`.
    let Some(bbox) = g.layer_bounding_box().transform(transform) else {
        return Ok(None);
    };
    let Some(ibbox) = IntRect::from_xywh(
        bbox.x().floor() as i32,
        bbox.y().floor() as i32,
        bbox.width().ceil().max(1.0) as u32,
        bbox.height().ceil().max(1.0) as u32,
    )
    .and_then(|r| fit_to_rect(r, max_bbox)) else {
        return Ok(None);
    };
    let shift = Transform::from_translate(
        -(bbox.x() - (bbox.x() - ibbox.x() as f32)),
        -(bbox.y() - (bbox.y() - ibbox.y() as f32)),
    );
    let transform = shift.pre_concat(transform);
    let Some(mut pixels) = Pixmap::new(ibbox.width(), ibbox.height()) else {
        return Ok(None);
    };
    for child in g.children() {
        // `render_node` draws at the child's box corner; it is given the transform shifted
        // back, where the two shifts cancel to the bit.
        let Some(cb) = child.abs_layer_bounding_box() else {
            return Err(NotAGlow);
        };
        let shifted = transform.pre_translate(cb.x(), cb.y());
        if shifted.pre_translate(-cb.x(), -cb.y()) != transform {
            return Err(NotAGlow);
        }
        resvg::render_node(child, shifted, &mut pixels.as_mut());
    }

    apply_blur(filter, primitive, blur, transform, &mut pixels)?;
    Ok(Some(Layer {
        pixels,
        rect: ibbox,
    }))
}

/// Whether resvg draws `node` the same from `resvg::render_node` as inside a group: a path
/// without pattern paints, a raster image, or a plain group of those.
fn drawn_without_context(node: &usvg::Node) -> bool {
    let plain = |paint: &usvg::Paint| !matches!(paint, usvg::Paint::Pattern(_));
    match node {
        usvg::Node::Path(p) => {
            p.fill().is_none_or(|f| plain(f.paint())) && p.stroke().is_none_or(|s| plain(s.paint()))
        }
        usvg::Node::Image(i) => !matches!(i.kind(), usvg::ImageKind::SVG(_)),
        // A plain group only passes its transform on (usvg puts an image in one).
        usvg::Node::Group(g) => {
            !g.should_isolate() && g.children().iter().all(drawn_without_context)
        }
        usvg::Node::Text(_) => false,
    }
}

/// resvg's `filter::apply` for one `feGaussianBlur` of the source graphic.
fn apply_blur(
    filter: &usvg::filter::Filter,
    primitive: &usvg::filter::Primitive,
    blur: &usvg::filter::GaussianBlur,
    ts: Transform,
    source: &mut Pixmap,
) -> Result<(), NotAGlow> {
    let whole = IntRect::from_xywh(0, 0, source.width(), source.height()).ok_or(NotAGlow)?;
    let Some(region) = filter
        .rect()
        .transform(ts)
        .map(|r| r.to_int_rect())
        .and_then(|r| fit_to_rect(r, whole))
    else {
        // resvg clears the layer on an invalid region.
        source.fill(tiny_skia::Color::TRANSPARENT);
        return Ok(());
    };
    let mut image = if region == whole {
        source.clone()
    } else {
        source.clone_rect(region).ok_or(NotAGlow)?
    };
    let ts = ts.post_translate(-region.x() as f32, -region.y() as f32);
    let local = region.translate_to(0, 0).ok_or(NotAGlow)?;
    let subregion = primitive
        .rect()
        .transform(ts)
        .map(|r| r.to_int_rect())
        .ok_or(NotAGlow)?;

    let linear = primitive.color_interpolation() == usvg::filter::ColorInterpolation::LinearRGB;
    if let Some((dx, dy)) = std_dev(blur, ts)? {
        if linear {
            convert(&mut image, to_linear());
        }
        let width = image.width() as usize;
        box_blur(dx, dy, image.data_mut(), width);
        if local != subregion {
            clear_outside(&mut image, subregion.translate(-local.x(), -local.y()));
        }
        if linear {
            convert(&mut image, to_srgb());
        }
    } else if local != subregion {
        // No blur: the source graphic, in sRGB, clipped to the subregion.
        clear_outside(&mut image, subregion.translate(-local.x(), -local.y()));
    }

    source.fill(tiny_skia::Color::TRANSPARENT);
    source.draw_pixmap(
        region.x(),
        region.y(),
        image.as_ref(),
        &tiny_skia::PixmapPaint::default(),
        Transform::identity(),
        None,
    );
    Ok(())
}

/// resvg's `resolve_std_dev`: the deviations in pixels, `None` for no blur, and `NotAGlow`
/// when resvg would use its IIR blur (a deviation under 2 px).
fn std_dev(
    blur: &usvg::filter::GaussianBlur,
    ts: Transform,
) -> Result<Option<(f64, f64)>, NotAGlow> {
    let (sx, sy) = ts.get_scale();
    let (mut dx, mut dy) = (blur.std_dev_x().get() * sx, blur.std_dev_y().get() * sy);
    if dx.approx_eq_ulps(&0.0, 4) && dy.approx_eq_ulps(&0.0, 4) {
        return Ok(None);
    }
    if dx < 0.05 {
        dx = 0.0;
    }
    if dy < 0.05 {
        dy = 0.0;
    }
    if dx >= 2.0 || dy >= 2.0 {
        Ok(Some((dx as f64, dy as f64)))
    } else {
        Err(NotAGlow)
    }
}

/// Clears the pixels outside `keep` as resvg clips a primitive's result to its subregion.
fn clear_outside(pixmap: &mut Pixmap, keep: Option<IntRect>) {
    let Some(keep) = keep else { return };
    let mut paint = tiny_skia::Paint::default();
    paint.set_color(tiny_skia::Color::BLACK);
    paint.blend_mode = tiny_skia::BlendMode::Clear;
    let (w, h) = (pixmap.width() as f32, pixmap.height() as f32);
    let id = Transform::identity();
    let rects = [
        tiny_skia::Rect::from_xywh(0.0, 0.0, w, keep.y() as f32),
        tiny_skia::Rect::from_xywh(0.0, 0.0, keep.x() as f32, h),
        tiny_skia::Rect::from_xywh(keep.right() as f32, 0.0, w, h),
        tiny_skia::Rect::from_xywh(0.0, keep.bottom() as f32, w, h),
    ];
    for rect in rects.into_iter().flatten() {
        pixmap.fill_rect(rect, &paint, id, None);
    }
}

/// resvg's bound for filter regions: the canvas grown twice its size on every side.
fn max_filter_bbox(width: u32, height: u32) -> IntRect {
    IntRect::from_xywh(
        i32::try_from(width).unwrap_or(i32::MAX).saturating_mul(-2),
        i32::try_from(height).unwrap_or(i32::MAX).saturating_mul(-2),
        width.saturating_mul(5),
        height.saturating_mul(5),
    )
    .unwrap_or_else(|| {
        IntRect::from_ltrb(i32::MIN / 2, i32::MIN / 2, i32::MAX / 2, i32::MAX / 2)
            .expect("a valid rect")
    })
}

/// resvg's `geom::fit_to_rect`.
fn fit_to_rect(r: IntRect, bounds: IntRect) -> Option<IntRect> {
    IntRect::from_ltrb(
        r.left().max(bounds.left()),
        r.top().max(bounds.top()),
        r.right().min(bounds.right()),
        r.bottom().min(bounds.bottom()),
    )
}

/// A premultiplied pixel's colour channel, by alpha and value, after resvg's colour space
/// conversion: demultiply, look up, multiply again, each rounded as resvg rounds it.
type Conversion = [[u8; 256]; 256];

fn convert(pixmap: &mut Pixmap, table: &Conversion) {
    for p in pixmap.data_mut().chunks_exact_mut(4) {
        let row = &table[p[3] as usize];
        p[0] = row[p[0] as usize];
        p[1] = row[p[1] as usize];
        p[2] = row[p[2] as usize];
    }
}

fn to_linear() -> &'static Conversion {
    static TABLE: OnceLock<Box<Conversion>> = OnceLock::new();
    TABLE.get_or_init(|| conversion(&SRGB_TO_LINEAR_RGB_TABLE))
}

fn to_srgb() -> &'static Conversion {
    static TABLE: OnceLock<Box<Conversion>> = OnceLock::new();
    TABLE.get_or_init(|| conversion(&LINEAR_RGB_TO_SRGB_TABLE))
}

fn conversion(lookup: &[u8; 256]) -> Box<Conversion> {
    let mut table = Box::new([[0u8; 256]; 256]);
    for (alpha, row) in table.iter_mut().enumerate() {
        let a = alpha as f32 / 255.0;
        for (value, out) in row.iter_mut().enumerate() {
            let straight = (value as f32 / a + 0.5) as u8;
            *out = (lookup[straight as usize] as f32 * a + 0.5) as u8;
        }
    }
    table
}

/// The number of running averages resvg's box blur applies per axis.
const STEPS: usize = 5;

/// resvg's `box_blur::apply` on premultiplied RGBA bytes, `width` pixels a row: the same
/// box sizes and roundings, with the vertical passes walking rows.
fn box_blur(sigma_x: f64, sigma_y: f64, data: &mut [u8], width: usize) {
    let height = data.len() / 4 / width.max(1);
    let mut back = vec![0u8; data.len()];
    for (h, v) in box_sizes(sigma_x as f32)
        .iter()
        .zip(box_sizes(sigma_y as f32).iter())
    {
        let (rh, rv) = (((h - 1) / 2) as usize, ((v - 1) / 2) as usize);
        vertical(rv, data, &mut back, width, height);
        horizontal(rh, &back, data, width, height);
    }
}

/// resvg's `create_box_gauss`: five box widths whose passes approximate the Gaussian.
fn box_sizes(sigma: f32) -> [i32; STEPS] {
    if sigma <= 0.0 {
        return [1; STEPS];
    }
    let n = STEPS as f32;
    let w_ideal = (12.0 * sigma * sigma / n).sqrt() + 1.0;
    let mut wl = w_ideal.floor() as i32;
    if wl % 2 == 0 {
        wl -= 1;
    }
    let wu = wl + 2;
    let wlf = wl as f32;
    let m_ideal =
        (12.0 * sigma * sigma - n * wlf * wlf - 4.0 * n * wlf - 3.0 * n) / (-4.0 * wlf - 4.0);
    let m = m_ideal.round() as usize;
    std::array::from_fn(|i| if i < m { wl } else { wu })
}

/// `x + 1.5 × 2^23` in f32 holds `x` rounded (ties to even) in its low mantissa bits: the
/// value resvg's add-and-subtract rounding gives, read without converting back.
const ROUNDER: f32 = 12582912.0;

/// A window's sum averaged and rounded to a byte as resvg does (`sum as f32 * (1 / n)`).
#[inline(always)]
fn average(sum: u32, inverse: f32) -> u8 {
    ((sum as f32 * inverse + ROUNDER)
        .to_bits()
        .wrapping_sub(ROUNDER.to_bits())) as u8
}

/// One vertical running average of radius `r`; pixels beyond the edges count as
/// transparent black, as in resvg.
fn vertical(r: usize, src: &[u8], dst: &mut [u8], width: usize, height: usize) {
    if r == 0 {
        dst.copy_from_slice(src);
        return;
    }
    let lanes = width * 4;
    let row = |y: usize| &src[y * lanes..(y + 1) * lanes];
    let inverse = 1.0 / (2 * r + 1) as f32;
    let mut sums = vec![0u32; lanes];
    for y in 0..r.min(height) {
        for (s, &p) in sums.iter_mut().zip(row(y)) {
            *s += p as u32;
        }
    }
    for (y, out) in dst.chunks_exact_mut(lanes).enumerate() {
        let entering = (y + r < height).then(|| row(y + r));
        let leaving = (y > r).then(|| row(y - r - 1));
        // One loop per case, so that each vectorises without branches.
        match (entering, leaving) {
            (Some(a), Some(b)) => {
                for (((s, &a), &b), o) in sums.iter_mut().zip(a).zip(b).zip(out) {
                    *s = *s + a as u32 - b as u32;
                    *o = average(*s, inverse);
                }
            }
            (Some(a), None) => {
                for ((s, &a), o) in sums.iter_mut().zip(a).zip(out) {
                    *s += a as u32;
                    *o = average(*s, inverse);
                }
            }
            (None, Some(b)) => {
                for ((s, &b), o) in sums.iter_mut().zip(b).zip(out) {
                    *s -= b as u32;
                    *o = average(*s, inverse);
                }
            }
            (None, None) => {
                for (&s, o) in sums.iter().zip(out) {
                    *o = average(s, inverse);
                }
            }
        }
    }
}

/// One horizontal running average of radius `r`, each row on its own.
fn horizontal(r: usize, src: &[u8], dst: &mut [u8], width: usize, height: usize) {
    if r == 0 {
        dst.copy_from_slice(src);
        return;
    }
    let lanes = width * 4;
    let inverse = 1.0 / (2 * r + 1) as f32;
    for (row, out) in src
        .chunks_exact(lanes)
        .zip(dst.chunks_exact_mut(lanes))
        .take(height)
    {
        let pixel = |x: usize| -> [u32; 4] { std::array::from_fn(|c| row[x * 4 + c] as u32) };
        let mut sums = [0u32; 4];
        for x in 0..r.min(width) {
            let p = pixel(x);
            sums = std::array::from_fn(|c| sums[c] + p[c]);
        }
        for (x, o) in out.chunks_exact_mut(4).enumerate() {
            if x + r < width {
                let p = pixel(x + r);
                sums = std::array::from_fn(|c| sums[c] + p[c]);
            }
            if x > r {
                let p = pixel(x - r - 1);
                sums = std::array::from_fn(|c| sums[c] - p[c]);
            }
            for (o, &s) in o.iter_mut().zip(&sums) {
                *o = average(s, inverse);
            }
        }
    }
}

/// resvg's sRGB to linearRGB table (from librsvg).
#[rustfmt::skip]
const SRGB_TO_LINEAR_RGB_TABLE: [u8; 256] = [
    0,   0,   0,   0,   0,   0,  0,    1,   1,   1,   1,   1,   1,   1,   1,   1,
    1,   1,   2,   2,   2,   2,  2,    2,   2,   2,   3,   3,   3,   3,   3,   3,
    4,   4,   4,   4,   4,   5,  5,    5,   5,   6,   6,   6,   6,   7,   7,   7,
    8,   8,   8,   8,   9,   9,  9,   10,  10,  10,  11,  11,  12,  12,  12,  13,
    13,  13,  14,  14,  15,  15,  16,  16,  17,  17,  17,  18,  18,  19,  19,  20,
    20,  21,  22,  22,  23,  23,  24,  24,  25,  25,  26,  27,  27,  28,  29,  29,
    30,  30,  31,  32,  32,  33,  34,  35,  35,  36,  37,  37,  38,  39,  40,  41,
    41,  42,  43,  44,  45,  45,  46,  47,  48,  49,  50,  51,  51,  52,  53,  54,
    55,  56,  57,  58,  59,  60,  61,  62,  63,  64,  65,  66,  67,  68,  69,  70,
    71,  72,  73,  74,  76,  77,  78,  79,  80,  81,  82,  84,  85,  86,  87,  88,
    90,  91,  92,  93,  95,  96,  97,  99, 100, 101, 103, 104, 105, 107, 108, 109,
    111, 112, 114, 115, 116, 118, 119, 121, 122, 124, 125, 127, 128, 130, 131, 133,
    134, 136, 138, 139, 141, 142, 144, 146, 147, 149, 151, 152, 154, 156, 157, 159,
    161, 163, 164, 166, 168, 170, 171, 173, 175, 177, 179, 181, 183, 184, 186, 188,
    190, 192, 194, 196, 198, 200, 202, 204, 206, 208, 210, 212, 214, 216, 218, 220,
    222, 224, 226, 229, 231, 233, 235, 237, 239, 242, 244, 246, 248, 250, 253, 255,
];

/// resvg's linearRGB to sRGB table (from librsvg).
#[rustfmt::skip]
const LINEAR_RGB_TO_SRGB_TABLE: [u8; 256] = [
    0,  13,  22,  28,  34,  38,  42,  46,  50,  53,  56,  59,  61,  64,  66,  69,
    71,  73,  75,  77,  79,  81,  83,  85,  86,  88,  90,  92,  93,  95,  96,  98,
    99, 101, 102, 104, 105, 106, 108, 109, 110, 112, 113, 114, 115, 117, 118, 119,
    120, 121, 122, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136,
    137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 148, 149, 150, 151,
    152, 153, 154, 155, 155, 156, 157, 158, 159, 159, 160, 161, 162, 163, 163, 164,
    165, 166, 167, 167, 168, 169, 170, 170, 171, 172, 173, 173, 174, 175, 175, 176,
    177, 178, 178, 179, 180, 180, 181, 182, 182, 183, 184, 185, 185, 186, 187, 187,
    188, 189, 189, 190, 190, 191, 192, 192, 193, 194, 194, 195, 196, 196, 197, 197,
    198, 199, 199, 200, 200, 201, 202, 202, 203, 203, 204, 205, 205, 206, 206, 207,
    208, 208, 209, 209, 210, 210, 211, 212, 212, 213, 213, 214, 214, 215, 215, 216,
    216, 217, 218, 218, 219, 219, 220, 220, 221, 221, 222, 222, 223, 223, 224, 224,
    225, 226, 226, 227, 227, 228, 228, 229, 229, 230, 230, 231, 231, 232, 232, 233,
    233, 234, 234, 235, 235, 236, 236, 237, 237, 238, 238, 238, 239, 239, 240, 240,
    241, 241, 242, 242, 243, 243, 244, 244, 245, 245, 246, 246, 246, 247, 247, 248,
    248, 249, 249, 250, 250, 251, 251, 251, 252, 252, 253, 253, 254, 254, 255, 255,
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    const W: u32 = 400;
    const H: u32 = 300;

    fn tree(body: &str) -> usvg::Tree {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}">{body}</svg>"#
        );
        usvg::Tree::from_str(&svg, &usvg::Options::default()).expect("a valid test SVG")
    }

    /// The first glow's layer drawn here, checked against resvg drawing the tree (which
    /// holds only that glow) with `transform`: the same pixels on the canvas, none outside
    /// the layer's box. `Err` where it is not drawn here.
    fn check(body: &str, transform: Transform) -> Result<(), NotAGlow> {
        let tree = tree(body);
        let usvg::Node::Group(g) = &tree.root().children()[0] else {
            panic!("the test's first node is a group");
        };
        let layer = layer(g, transform, W, H)?;
        let mut whole = Pixmap::new(W, H).unwrap();
        resvg::render(&tree, transform, &mut whole.as_mut());
        let mut here = Pixmap::new(W, H).unwrap();
        if let Some(layer) = layer {
            here.draw_pixmap(
                layer.rect.x(),
                layer.rect.y(),
                layer.pixels.as_ref(),
                &tiny_skia::PixmapPaint::default(),
                Transform::identity(),
                None,
            );
        }
        let differing = whole
            .pixels()
            .iter()
            .zip(here.pixels())
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(differing, 0, "pixels differ from resvg's for {body}");
        assert!(
            whole.pixels().iter().any(|p| p.alpha() > 0),
            "the test draws something: {body}"
        );
        Ok(())
    }

    fn glow(filter: &str, blur: &str, shape: &str) -> String {
        format!(
            r#"<filter id="f" {filter}><feGaussianBlur {blur}/></filter><g filter="url(#f)">{shape}</g>"#
        )
    }

    const DISC: &str = r##"<circle cx="330" cy="60" r="80" fill="#7b2cbf"/>"##;

    #[test]
    fn glows_blurred_here_have_resvgs_pixels() {
        let wide = r#"x="-60%" y="-60%" width="220%" height="220%""#;
        let id = Transform::identity();
        for (filter, blur, shape, transform) in [
            (wide, r#"stdDeviation="25""#, DISC, id),
            (wide, r#"stdDeviation="30 6""#, DISC, id),
            (wide, r#"stdDeviation="12 0""#, DISC, id),
            ("", r#"stdDeviation="9""#, DISC, id),
            (
                r#"color-interpolation-filters="sRGB""#,
                r#"stdDeviation="9""#,
                DISC,
                id,
            ),
            (
                wide,
                r#"stdDeviation="20" x="300" y="10" width="90" height="120""#,
                DISC,
                id,
            ),
            (
                wide,
                r#"stdDeviation="25""#,
                DISC,
                Transform::from_scale(0.5, 0.75),
            ),
            (
                wide,
                r#"stdDeviation="8""#,
                r##"<rect x="20.5" y="30.25" width="90" height="40" fill="#ff4fa3" fill-opacity="0.6"/><path d="M40 200 L160 120" stroke="#00b4d8" stroke-width="14"/>"##,
                Transform::from_row(1.3, 0.0, 0.0, 1.3, 10.5, 3.25),
            ),
            // A glow far larger than the canvas: its region is bounded as resvg bounds it.
            (
                wide,
                r#"stdDeviation="60""#,
                r##"<circle cx="200" cy="150" r="900" fill="#ffd166"/>"##,
                id,
            ),
        ] {
            let body = glow(filter, blur, shape);
            check(&body, transform).unwrap_or_else(|_| panic!("drawn here: {body}"));
        }
    }

    /// Noise in every channel and alpha, at sizes under, near and over the box radii.
    #[test]
    fn noise_of_every_size_blurs_to_resvgs_pixels() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for (w, h, sigma, scale) in [
            (3, 2, "2.5", 1),
            (7, 5, "10", 1),
            (5, 40, "2 14", 1),
            (60, 3, "5", 1),
            (23, 31, "4.5", 6),
            (80, 50, "16 3", 4),
        ] {
            let noise = image::RgbaImage::from_fn(w, h, |_, _| {
                let v = next().to_le_bytes();
                image::Rgba([v[0], v[1], v[2], v[3]])
            });
            let mut png = Vec::new();
            noise
                .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
                .unwrap();
            let href = format!(
                "data:image/png;base64,{}",
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &png)
            );
            let shape = format!(
                r#"<image x="13" y="17" width="{}" height="{}" image-rendering="optimizeSpeed" href="{href}"/>"#,
                w * scale,
                h * scale
            );
            let wide = r#"x="-100%" y="-100%" width="300%" height="300%""#;
            check(
                &glow(wide, &format!(r#"stdDeviation="{sigma}""#), &shape),
                Transform::identity(),
            )
            .unwrap_or_else(|_| panic!("drawn here: {w}×{h}, {sigma}"));
        }
    }

    #[test]
    fn what_resvg_draws_another_way_is_left_to_it() {
        let id = Transform::identity();
        // A small deviation: resvg blurs it with its IIR filter.
        assert_eq!(
            check(&glow("", r#"stdDeviation="1.5""#, DISC), id),
            Err(NotAGlow)
        );
        // Two primitives, a clip, a group inside.
        let two = format!(
            r#"<filter id="f"><feGaussianBlur stdDeviation="9"/><feOffset dx="4"/></filter><g filter="url(#f)">{DISC}</g>"#
        );
        assert_eq!(check(&two, id), Err(NotAGlow));
        let clipped = format!(
            r#"<clipPath id="c"><rect width="300" height="100"/></clipPath><filter id="f"><feGaussianBlur stdDeviation="9"/></filter><g filter="url(#f)" clip-path="url(#c)">{DISC}</g>"#
        );
        assert_eq!(check(&clipped, id), Err(NotAGlow));
        let nested = glow(
            "",
            r#"stdDeviation="9""#,
            &format!("<g opacity=\"0.5\">{DISC}</g>"),
        );
        assert_eq!(check(&nested, id), Err(NotAGlow));
    }

    /// Every glow the shipped designs have is blurred here (its pixels are checked with the
    /// whole backgrounds' in `tests/background_snapshots.rs`).
    #[test]
    fn every_shipped_glow_is_blurred_here() {
        let templates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut glows = 0;
        for entry in std::fs::read_dir(&templates).unwrap() {
            for file in std::fs::read_dir(entry.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                if !path.to_string_lossy().ends_with("-bg.svg") {
                    continue;
                }
                let svg = std::fs::read_to_string(&path).unwrap();
                let tree = usvg::Tree::from_str(&svg, &usvg::Options::default()).unwrap();
                let size = tree.size().to_int_size();
                for node in tree.root().children() {
                    let usvg::Node::Group(g) = node else { continue };
                    // A glow, or a group that only fades one.
                    let (glow, transform) = match g.children() {
                        [usvg::Node::Group(inner)] if g.filters().is_empty() => {
                            (inner, g.transform())
                        }
                        _ => (g, Transform::identity()),
                    };
                    if glow.filters().is_empty() {
                        continue;
                    }
                    let drawn = layer(glow, transform, size.width(), size.height());
                    assert!(
                        matches!(drawn, Ok(Some(_))),
                        "{}: glow {:?} is not blurred here",
                        path.display(),
                        glow.id()
                    );
                    glows += 1;
                }
            }
        }
        assert!(glows >= 40, "{glows} glows");
    }

    /// resvg's running averages, as its loops add and drop pixels: each output the rounded
    /// average of the window around it, the pixels beyond the edges transparent black.
    #[test]
    fn running_averages_are_the_rounded_window_averages() {
        let mut seed = 7_u32;
        for (width, height, r) in [(1, 1, 1), (3, 2, 5), (6, 9, 2), (9, 4, 4), (17, 13, 3)] {
            let src: Vec<u8> = (0..width * height * 4)
                .map(|_| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (seed >> 24) as u8
                })
                .collect();
            let window = |along: usize, at: usize, value: &dyn Fn(usize) -> u8| {
                let from = at.saturating_sub(r);
                let to = (at + r).min(along - 1);
                let sum: u32 = (from..=to).map(|i| value(i) as u32).sum();
                let mut x = sum as f32 * (1.0 / (2 * r + 1) as f32);
                x += 12582912.0;
                x -= 12582912.0;
                x as u8
            };
            let (mut down, mut across) = (vec![0; src.len()], vec![0; src.len()]);
            vertical(r, &src, &mut down, width, height);
            horizontal(r, &src, &mut across, width, height);
            for y in 0..height {
                for x in 0..width {
                    for c in 0..4 {
                        let at = (y * width + x) * 4 + c;
                        let column = |i: usize| src[(i * width + x) * 4 + c];
                        let row = |i: usize| src[(y * width + i) * 4 + c];
                        assert_eq!(
                            down[at],
                            window(height, y, &column),
                            "{width}×{height} r {r}"
                        );
                        assert_eq!(across[at], window(width, x, &row), "{width}×{height} r {r}");
                    }
                }
            }
        }
    }

    #[test]
    fn box_sizes_follow_resvgs_gaussian_approximation() {
        assert_eq!(box_sizes(0.0), [1; STEPS]);
        // 12·90²/5 = 19440: an ideal width of 140.4 between 139 and 141; four of 139 and
        // one of 141 come nearest the Gaussian's variance.
        assert_eq!(box_sizes(90.0), [139, 139, 139, 139, 141]);
    }
}
