//! Encoding: the file format a card is delivered in, the last step after the pixmap.
//!
//! - **PNG** (the default): lossless; over a cached background only the changed rows are
//!   compressed ([`crate::card::png`]).
//! - **WebP**, lossless: the same pixels, fewer bytes, more time to encode.
//! - **JPEG** at a quality (1–100, default [`DEFAULT_JPEG_QUALITY`]): the fewest bytes, lossy.
//!   Chroma is never subsampled (4:4:4), so thin coloured text keeps sharp edges.
//!
//! An encoding is written `png`, `webp`, `jpeg` or `jpeg:<quality>` (jobs, keys, logs). It is
//! part of what identifies a card: its file extension, content type, and the fingerprint its
//! ETag and stamp are made from ([`Encoding::fingerprint`]).

use sha2::{Digest, Sha256};

use crate::card::fingerprint::Fingerprint;
use crate::card::png::{self, Png};
use crate::error::{Error, Result};

/// JPEG quality when none is given: text stays clean at full size.
pub const DEFAULT_JPEG_QUALITY: u8 = 90;

/// A card's file format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Encoding {
    #[default]
    Png,
    /// Lossless WebP.
    Webp,
    /// Baseline JPEG, 4:4:4, at a quality of 1 to 100.
    Jpeg { quality: u8 },
}

impl Encoding {
    /// The encoding named `name` (`png`, `webp`, `jpeg`), with a JPEG `quality` (1–100)
    /// that only `jpeg` takes.
    pub fn new(name: &str, quality: Option<u8>) -> Result<Encoding> {
        let encoding = match name {
            "png" => Encoding::Png,
            "webp" => Encoding::Webp,
            "jpeg" | "jpg" => Encoding::Jpeg {
                quality: quality.unwrap_or(DEFAULT_JPEG_QUALITY),
            },
            other => {
                return Err(Error::BadEncoding(format!(
                    "unknown encoding `{other}`; expected png, webp or jpeg"
                )))
            }
        };
        match (encoding, quality) {
            (Encoding::Jpeg { quality: 1..=100 }, _) => Ok(encoding),
            (Encoding::Jpeg { quality }, _) => Err(Error::BadEncoding(format!(
                "JPEG quality {quality} is not 1 to 100"
            ))),
            (_, Some(_)) => Err(Error::BadEncoding(format!(
                "a quality applies to jpeg only, not to {name}"
            ))),
            (_, None) => Ok(encoding),
        }
    }

    pub fn is_png(&self) -> bool {
        *self == Encoding::Png
    }

    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Encoding::Png => "png",
            Encoding::Webp => "webp",
            Encoding::Jpeg { .. } => "jpg",
        }
    }

    /// MIME type.
    pub fn content_type(self) -> &'static str {
        match self {
            Encoding::Png => "image/png",
            Encoding::Webp => "image/webp",
            Encoding::Jpeg { .. } => "image/jpeg",
        }
    }

    /// The fingerprint of the card in this encoding: a PNG's is the card's own (so stored
    /// PNGs and their ETags stay valid); another encoding's mixes in its name and quality.
    pub fn fingerprint(self, card: Fingerprint) -> Fingerprint {
        if self.is_png() {
            return card;
        }
        let mut hash = Sha256::new();
        hash.update(card.0);
        hash.update(b"encoding:");
        hash.update(self.to_string().as_bytes());
        Fingerprint(hash.finalize().into())
    }

    /// Encodes a rasterized card. PNG goes through [`crate::card::render`], which knows the
    /// background's bands; this is the whole-image encoder for each format.
    pub fn encode(self, pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>> {
        match self {
            Encoding::Png => png::encode(pixmap).map(|Png(bytes)| bytes),
            Encoding::Webp => webp(pixmap),
            Encoding::Jpeg { quality } => jpeg(pixmap, quality),
        }
    }
}

impl std::fmt::Display for Encoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Encoding::Png => f.write_str("png"),
            Encoding::Webp => f.write_str("webp"),
            Encoding::Jpeg { quality } => write!(f, "jpeg:{quality}"),
        }
    }
}

impl std::str::FromStr for Encoding {
    type Err = Error;

    /// `png`, `webp`, `jpeg` or `jpeg:<quality>`.
    fn from_str(s: &str) -> Result<Encoding> {
        match s.split_once(':') {
            Some((name, quality)) => {
                let quality = quality.parse().map_err(|_| {
                    Error::BadEncoding(format!("JPEG quality `{quality}` is not 1 to 100"))
                })?;
                Encoding::new(name, Some(quality))
            }
            None => Encoding::new(s, None),
        }
    }
}

impl serde::Serialize for Encoding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Encoding {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Encoding, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The card's pixels as straight 8-bit RGB, or RGBA when one is translucent.
fn pixels(pixmap: &tiny_skia::Pixmap) -> (Vec<u8>, bool) {
    let opaque = pixmap.pixels().iter().all(|p| p.alpha() == 255);
    let channels = if opaque { 3 } else { 4 };
    let mut out = Vec::with_capacity(pixmap.pixels().len() * channels);
    for px in pixmap.pixels() {
        let c = px.demultiply();
        out.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()][..channels]);
    }
    (out, opaque)
}

fn webp(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>> {
    use image::ImageEncoder;
    let (data, opaque) = pixels(pixmap);
    let color = if opaque {
        image::ExtendedColorType::Rgb8
    } else {
        image::ExtendedColorType::Rgba8
    };
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .write_image(&data, pixmap.width(), pixmap.height(), color)
        .map_err(|e| Error::Encode(format!("WebP: {e}")))?;
    Ok(out)
}

fn jpeg(pixmap: &tiny_skia::Pixmap, quality: u8) -> Result<Vec<u8>> {
    let (width, height) = (pixmap.width(), pixmap.height());
    let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
        return Err(Error::Encode(format!(
            "JPEG: a {width}×{height} card is larger than JPEG allows"
        )));
    };
    // JPEG has no alpha: a translucent pixel is drawn over black (its premultiplied colour).
    let mut rgb = vec![0; pixmap.pixels().len() * 3];
    for (px, out) in pixmap.pixels().iter().zip(rgb.chunks_exact_mut(3)) {
        out.copy_from_slice(&[px.red(), px.green(), px.blue()]);
    }
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_1_1);
    encoder
        .encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| Error::Encode(format!("JPEG: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_bad_ones_say_what_is_wrong() {
        for (text, encoding) in [
            ("png", Encoding::Png),
            ("webp", Encoding::Webp),
            ("jpeg", Encoding::Jpeg { quality: 90 }),
            ("jpeg:75", Encoding::Jpeg { quality: 75 }),
        ] {
            let parsed: Encoding = text.parse().unwrap();
            assert_eq!(parsed, encoding);
            assert_eq!(parsed.to_string().parse::<Encoding>().unwrap(), encoding);
        }
        for (text, message) in [
            ("gif", "unknown encoding `gif`"),
            ("jpeg:0", "JPEG quality 0 is not 1 to 100"),
            ("jpeg:101", "JPEG quality 101 is not 1 to 100"),
            ("jpeg:high", "JPEG quality `high` is not 1 to 100"),
            ("png:80", "a quality applies to jpeg only"),
        ] {
            let e = text.parse::<Encoding>().unwrap_err().to_string();
            assert!(e.contains(message), "{text}: {e}");
        }
    }

    #[test]
    fn only_png_keeps_the_cards_fingerprint() {
        let card = Fingerprint([7; 32]);
        assert_eq!(Encoding::Png.fingerprint(card), card);
        let webp = Encoding::Webp.fingerprint(card);
        let jpeg = Encoding::Jpeg { quality: 90 }.fingerprint(card);
        let jpeg80 = Encoding::Jpeg { quality: 80 }.fingerprint(card);
        assert!(webp != card && jpeg != card && jpeg != webp && jpeg80 != jpeg);
    }

    #[test]
    fn webp_is_lossless_and_jpeg_close() {
        let mut pixmap = tiny_skia::Pixmap::new(40, 24).unwrap();
        for (i, px) in pixmap.pixels_mut().iter_mut().enumerate() {
            let v = (i % 40 * 6) as u8;
            *px = tiny_skia::ColorU8::from_rgba(v, 255 - v, 128, 255).premultiply();
        }
        let (rgb, _) = pixels(&pixmap);
        let webp = Encoding::Webp.encode(&pixmap).unwrap();
        let decoded = image::load_from_memory_with_format(&webp, image::ImageFormat::WebP)
            .unwrap()
            .to_rgb8();
        assert_eq!(decoded.as_raw(), &rgb);
        let jpeg = Encoding::Jpeg { quality: 95 }.encode(&pixmap).unwrap();
        let decoded = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg)
            .unwrap()
            .to_rgb8();
        let worst = decoded
            .as_raw()
            .iter()
            .zip(&rgb)
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap();
        assert!(worst <= 12, "JPEG at quality 95 is off by {worst}");
    }
}
