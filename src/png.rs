//! PNG: the pixmap → bytes step. Fast deflate (fdeflate) and the `Paeth` filter: a story card
//! encodes in milliseconds, not the hundreds a best-compression encoder takes. Opaque cards
//! are written as RGB, a quarter smaller than RGBA. On the bundled story cards, `Paeth` encodes
//! about 5% slower than `Up` and its files are 15% smaller (891 KB against 1048 KB on average);
//! `Adaptive` is no smaller and slower (`examples/png_filters.rs` measures them).

use ::png::{BitDepth, ColorType, DeflateCompression, Encoder, Filter};

use crate::error::{Error, Result};

thread_local! {
    /// Each thread's RGB buffer, reused card after card like the pixmap's (see `render`).
    static RGB: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Encoded PNG bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Png(pub Vec<u8>);

impl Png {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Encodes a pixmap: RGB when every pixel is opaque, RGBA (demultiplied) otherwise.
pub fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Png> {
    let (w, h) = (pixmap.width(), pixmap.height());
    let encoded = RGB.with_borrow_mut(|rgb| {
        // The same size as the last card: no allocation, no zeroing.
        rgb.resize(w as usize * h as usize * 3, 0);
        // One pass: drop alpha while checking it is opaque everywhere (premultiplied =
        // straight when alpha is 255).
        let mut opaque = true;
        for (src, dst) in pixmap.data().chunks_exact(4).zip(rgb.chunks_exact_mut(3)) {
            dst.copy_from_slice(&src[..3]);
            opaque &= src[3] == 255;
        }
        opaque.then(|| encode_raw(rgb, w, h, ColorType::Rgb))
    });
    if let Some(png) = encoded {
        return Ok(Png(png?));
    }
    let mut rgba = Vec::with_capacity(w as usize * h as usize * 4);
    for px in pixmap.pixels() {
        let c = px.demultiply();
        rgba.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    Ok(Png(encode_raw(&rgba, w, h, ColorType::Rgba)?))
}

/// Encodes 8-bit RGB rows.
pub fn encode_rgb(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
    encode_raw(rgb, width, height, ColorType::Rgb)
}

/// Encodes 8-bit RGBA rows (straight alpha).
pub fn encode_rgba(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>> {
    encode_raw(rgba, width, height, ColorType::Rgba)
}

fn encode_raw(data: &[u8], width: u32, height: u32, color: ColorType) -> Result<Vec<u8>> {
    encode_with(
        data,
        width,
        height,
        color,
        DeflateCompression::FdeflateUltraFast,
        Filter::Paeth,
    )
}

/// Encodes 8-bit rows with a chosen deflate setting and filter. Cards use fdeflate and
/// `Paeth`; this is public so `examples/png_filters.rs` can compare the other choices.
pub fn encode_with(
    data: &[u8],
    width: u32,
    height: u32,
    color: ColorType,
    deflate: DeflateCompression,
    filter: Filter,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 3);
    let err = |e: ::png::EncodingError| Error::Encode(e.to_string());
    let mut encoder = Encoder::new(&mut out, width, height);
    encoder.set_color(color);
    encoder.set_depth(BitDepth::Eight);
    encoder.set_deflate_compression(deflate);
    encoder.set_filter(filter);
    let mut writer = encoder.write_header().map_err(err)?;
    writer.write_image_data(data).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}
