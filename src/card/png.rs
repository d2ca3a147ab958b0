//! PNG: the pixmap → bytes step. Fast deflate (fdeflate) and the `Paeth` filter: a story card
//! encodes in milliseconds, not the hundreds a best-compression encoder takes. Opaque cards
//! are written as RGB, a quarter smaller than RGBA. On the bundled story cards, `Paeth` encodes
//! about 5% slower than `Up` and its files are 15% smaller (891 KB against 1048 KB on average);
//! `Adaptive` is no smaller and slower (`examples/png_filters.rs` measures them).
//!
//! A card drawn over a cached background is encoded by [`Bands`] instead: the background's
//! rows are compressed once, and only the bands the layer changed at render time
//! ([`bands`]), mostly from the background's tiles coded beforehand ([`tiles`]). [`encode`] is the whole-image encoder for everything else.

mod bands;
mod filter;
mod huffman;
mod tiles;
mod zlib;

pub(crate) use bands::BACKGROUND_LEVEL;
pub use bands::{Bands, BAND_ROWS};

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
        // Premultiplied is straight when alpha is 255.
        let opaque = drop_alpha(pixmap.data(), rgb);
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

/// Copies RGBA pixels to RGB in one pass, and says whether every alpha is 255. The copy runs
/// over every pixel of every card, so it moves four pixels at a time, as words, rather than
/// byte by byte (docs/performance.md has its measured share of a card).
fn drop_alpha(rgba: &[u8], rgb: &mut [u8]) -> bool {
    let word = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let mut alpha = u32::MAX;
    let mut src = rgba.chunks_exact(16);
    let mut dst = rgb.chunks_exact_mut(12);
    for (s, d) in (&mut src).zip(&mut dst) {
        let (p0, p1, p2, p3) = (word(&s[0..]), word(&s[4..]), word(&s[8..]), word(&s[12..]));
        alpha &= p0 & p1 & p2 & p3;
        // Little endian: a pixel's R, G, B are its word's low three bytes.
        let low = u64::from(p0 & 0xFF_FFFF)
            | u64::from(p1 & 0xFF_FFFF) << 24
            | u64::from(p2 & 0xFFFF) << 48;
        let high = (p2 >> 16) & 0xFF | (p3 & 0xFF_FFFF) << 8;
        d[..8].copy_from_slice(&low.to_le_bytes());
        d[8..].copy_from_slice(&high.to_le_bytes());
    }
    let mut opaque = alpha >> 24 == 0xFF;
    let rest = src.remainder().chunks_exact(4);
    for (s, d) in rest.zip(dst.into_remainder().chunks_exact_mut(3)) {
        d.copy_from_slice(&s[..3]);
        opaque &= s[3] == 0xFF;
    }
    opaque
}

/// The bytes PNG compresses for 8-bit RGB rows: each row behind its filter byte, `Paeth`
/// filtered. Public so `examples/deflate_compare.rs` can compress what cards compress.
pub fn paeth_filtered(rgb: &[u8], width: u32) -> Vec<u8> {
    let stride = width as usize * 3;
    let mut out = Vec::with_capacity(rgb.len() + rgb.len() / stride.max(1));
    filter::paeth(rgb, None, stride, &mut out);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain byte-at-a-time copy: the reference `drop_alpha` must match.
    fn plain(rgba: &[u8]) -> (Vec<u8>, bool) {
        let rgb = rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        (rgb, rgba.chunks_exact(4).all(|p| p[3] == 255))
    }

    #[test]
    fn drop_alpha_matches_the_plain_copy_for_any_length_and_any_translucent_pixel() {
        // Pixel counts with every remainder by 4; bytes that differ at every position.
        for pixels in [1, 2, 3, 4, 5, 7, 8, 13, 270] {
            let opaque: Vec<u8> = (0..pixels * 4)
                .map(|i| {
                    if i % 4 == 3 {
                        255
                    } else {
                        (i * 37 % 251) as u8
                    }
                })
                .collect();
            // One translucent pixel at each position in turn: in the word loop or the tail.
            for translucent in std::iter::once(None).chain((0..pixels).map(Some)) {
                let mut rgba = opaque.clone();
                if let Some(p) = translucent {
                    rgba[p * 4 + 3] = 254;
                }
                let mut rgb = vec![0; pixels * 3];
                let is_opaque = drop_alpha(&rgba, &mut rgb);
                assert_eq!(
                    (rgb, is_opaque),
                    plain(&rgba),
                    "{pixels} px, {translucent:?}"
                );
            }
        }
    }

    fn decode(png: &Png) -> (ColorType, Vec<u8>) {
        let decoder = ::png::Decoder::new(std::io::Cursor::new(png.as_bytes()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info.color_type, buf)
    }

    #[test]
    fn an_opaque_pixmap_is_rgb_and_a_translucent_one_rgba_with_the_same_pixels() {
        let mut pixmap = tiny_skia::Pixmap::new(7, 3).unwrap();
        pixmap.fill(tiny_skia::Color::from_rgba8(10, 200, 30, 255));
        pixmap.pixels_mut()[5] = tiny_skia::ColorU8::from_rgba(1, 2, 3, 255).premultiply();
        let (color, rgb) = decode(&encode(&pixmap).unwrap());
        assert_eq!(color, ColorType::Rgb);
        assert_eq!(rgb, plain(pixmap.data()).0);

        pixmap.pixels_mut()[20] = tiny_skia::ColorU8::from_rgba(200, 100, 50, 128).premultiply();
        let (color, rgba) = decode(&encode(&pixmap).unwrap());
        assert_eq!(color, ColorType::Rgba);
        assert_eq!(&rgba[..4], &[10, 200, 30, 255]);
        // Demultiplied: within rounding of the straight colour.
        let last = &rgba[20 * 4..];
        assert!(
            last[0].abs_diff(200) <= 1 && last[1].abs_diff(100) <= 1,
            "{last:?}"
        );
        assert_eq!(last[3], 128);
    }
}
