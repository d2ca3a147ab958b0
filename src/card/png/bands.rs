//! Band-spliced PNG: compress the background once, and at render time only what the layer
//! changed.
//!
//! Most rows of a card are its background's rows byte for byte. A background's rows are
//! filtered and compressed once, in bands of [`BAND_ROWS`] rows, each band a zlib piece that
//! joins any other ([`super::zlib`]). A card's encoder then finds the rows that differ from the
//! background, compresses the bands they fall in with the fast compressor, and copies every
//! other band's piece as it is. `Paeth` filters a row against the one above it, so a band is
//! the background's only when its rows *and the row above it* are.
//!
//! The decoded pixels are the card's exactly, whatever the split: the background's bands are
//! the background's rows, and the rest are the card's rows, filtered and compressed.

use tiny_skia::Pixmap;

use super::zlib::{self, Stream, Sum};
use super::{drop_alpha, filter, Png};
use crate::error::Result;

/// Rows per band. Smaller bands follow the layer's outline more closely (fewer background
/// rows compressed again); larger ones cost fewer piece headers.
pub const BAND_ROWS: usize = 16;
/// zlib level of the background's bands: compressed once per format, sent with every card.
pub(crate) const BACKGROUND_LEVEL: u32 = 6;

/// A background's rows, filtered and compressed in bands.
pub struct Bands {
    width: u32,
    height: u32,
    /// Each band's piece: where it lies in `pieces`, and the sum of its filtered bytes.
    bands: Vec<(std::ops::Range<usize>, Sum)>,
    pieces: Vec<u8>,
}

impl std::fmt::Debug for Bands {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bands")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bands", &self.bands.len())
            .field("bytes", &self.pieces.len())
            .finish()
    }
}

/// One thread's buffers, reused card after card.
#[derive(Default)]
struct Scratch {
    rgb: Vec<u8>,
    filtered: Vec<u8>,
    deflate: Vec<u8>,
    differs: Vec<bool>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

impl Bands {
    /// Filters and compresses an opaque background. `None` when it has a translucent pixel:
    /// its cards may need RGBA, and the plain encoder handles them.
    pub fn prepare(background: &Pixmap) -> Result<Option<Bands>> {
        let (w, h) = (background.width() as usize, background.height() as usize);
        let mut rgb = vec![0; w * h * 3];
        if !drop_alpha(background.data(), &mut rgb) {
            return Ok(None);
        }
        let stride = w * 3;
        let mut bands = Vec::with_capacity(h.div_ceil(BAND_ROWS));
        let mut pieces = Vec::new();
        let mut filtered = Vec::new();
        for start in (0..h).step_by(BAND_ROWS) {
            let end = (start + BAND_ROWS).min(h);
            let above = start
                .checked_sub(1)
                .map(|r| &rgb[r * stride..start * stride]);
            filtered.clear();
            filter::paeth(
                &rgb[start * stride..end * stride],
                above,
                stride,
                &mut filtered,
            );
            let (piece, sum) = zlib::strong(&filtered, BACKGROUND_LEVEL)?;
            bands.push((pieces.len()..pieces.len() + piece.len(), sum));
            pieces.extend_from_slice(&piece);
        }
        Ok(Some(Bands {
            width: background.width(),
            height: background.height(),
            bands,
            pieces,
        }))
    }

    /// Compressed bytes of all the background's bands.
    pub fn compressed_len(&self) -> usize {
        self.pieces.len()
    }

    /// The background these bands were made from, as a PNG: every band's piece as it is.
    pub fn png(&self) -> Png {
        let mut out = Vec::with_capacity(self.pieces.len() + 64);
        out.extend_from_slice(&SIGNATURE);
        self.ihdr(&mut out);
        chunk(&mut out, b"IDAT", |out| {
            let mut stream = Stream::new(out);
            for (range, sum) in &self.bands {
                stream.push(&self.pieces[range.clone()], *sum);
            }
            stream.finish();
        });
        chunk(&mut out, b"IEND", |_| {});
        Png(out)
    }

    /// The pixels of the background these bands were made from (opaque, so premultiplied
    /// RGBA is the RGB rows with alpha 255): the bands are a lossless copy of it. `None` when
    /// the bands do not decode to a `width`×`height` image.
    pub fn decode(&self) -> Option<Pixmap> {
        let png = self.png();
        let mut decoder = ::png::Decoder::new(std::io::Cursor::new(png.as_bytes()));
        // Every chunk and the stream's Adler-32 are checked: a piece that does not hold what
        // its sum says is no background.
        decoder.ignore_checksums(false);
        let mut reader = decoder.read_info().ok()?;
        let mut rgb = vec![0; reader.output_buffer_size()?];
        let info = reader.next_frame(&mut rgb).ok()?;
        let sized = (info.width, info.height) == (self.width, self.height);
        if !sized
            || info.color_type != ::png::ColorType::Rgb
            || info.bit_depth != ::png::BitDepth::Eight
        {
            return None;
        }
        let rgb = rgb.get(..info.buffer_size())?;
        let mut rgba = vec![255; rgb.len() / 3 * 4];
        for (to, from) in rgba.chunks_exact_mut(4).zip(rgb.chunks_exact(3)) {
            to[..3].copy_from_slice(from);
        }
        Pixmap::from_vec(rgba, tiny_skia::IntSize::from_wh(self.width, self.height)?)
    }

    /// The bands as bytes, for [`read`](Self::read): each band's compressed length, Adler-32
    /// and uncompressed length, then the pieces.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&(self.bands.len() as u32).to_le_bytes());
        for (range, sum) in &self.bands {
            out.extend_from_slice(&(range.len() as u64).to_le_bytes());
            out.extend_from_slice(&sum.adler.to_le_bytes());
            out.extend_from_slice(&sum.len.to_le_bytes());
        }
        out.extend_from_slice(&self.pieces);
    }

    /// Bands [`write`](Self::write) wrote for a `width`×`height` background, or `None` when
    /// `bytes` cannot be them: another number of bands, a band that does not hold its rows, or
    /// pieces that do not add up.
    pub(crate) fn read(bytes: &[u8], width: u32, height: u32) -> Option<Bands> {
        let (w, h) = (width as usize, height as usize);
        let mut rest = bytes;
        let mut take = |n: usize| -> Option<&[u8]> {
            let (head, tail) = rest.split_at_checked(n)?;
            rest = tail;
            Some(head)
        };
        let count = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
        if count != h.div_ceil(BAND_ROWS) {
            return None;
        }
        let mut bands = Vec::with_capacity(count);
        let mut start = 0usize;
        for band in 0..count {
            let len = usize::try_from(u64::from_le_bytes(take(8)?.try_into().ok()?)).ok()?;
            let adler = u32::from_le_bytes(take(4)?.try_into().ok()?);
            let raw = u64::from_le_bytes(take(8)?.try_into().ok()?);
            let rows = (h - band * BAND_ROWS).min(BAND_ROWS);
            if raw != (rows * (1 + w * 3)) as u64 {
                return None;
            }
            let end = start.checked_add(len)?;
            bands.push((start..end, Sum { adler, len: raw }));
            start = end;
        }
        let pieces = rest;
        if pieces.len() != start {
            return None;
        }
        Some(Bands {
            width,
            height,
            bands,
            pieces: pieces.to_vec(),
        })
    }

    fn ihdr(&self, out: &mut Vec<u8>) {
        chunk(out, b"IHDR", |out| {
            out.extend_from_slice(&self.width.to_be_bytes());
            out.extend_from_slice(&self.height.to_be_bytes());
            // 8-bit RGB, deflate, adaptive filtering, no interlace.
            out.extend_from_slice(&[8, 2, 0, 0, 0]);
        });
    }

    /// Encodes `card`, a copy of `background` (the pixmap these bands were made from) with a
    /// layer drawn over it. `None` when the bands cannot make it: a translucent pixel (the
    /// card needs RGBA) or another size; the caller then encodes it whole.
    pub fn encode(&self, card: &Pixmap, background: &Pixmap) -> Result<Option<Png>> {
        let same = |p: &Pixmap| p.width() == self.width && p.height() == self.height;
        if !same(card) || !same(background) {
            return Ok(None);
        }
        SCRATCH.with_borrow_mut(|scratch| self.encode_with(card, background, scratch))
    }

    fn encode_with(
        &self,
        card: &Pixmap,
        background: &Pixmap,
        scratch: &mut Scratch,
    ) -> Result<Option<Png>> {
        let (w, h) = (self.width as usize, self.height as usize);
        let stride = w * 3;
        let Scratch {
            rgb,
            filtered,
            deflate,
            differs,
        } = scratch;
        // The rows the layer changed: a row is compared as one slice (memcmp).
        differs.clear();
        differs.extend(
            card.data()
                .chunks_exact(w * 4)
                .zip(background.data().chunks_exact(w * 4))
                .map(|(a, b)| a != b),
        );
        // A band is the background's when its rows and the row above it are.
        let dirty = |band: usize| {
            let start = (band * BAND_ROWS).saturating_sub(1);
            let end = ((band + 1) * BAND_ROWS).min(h);
            differs[start..end].iter().any(|&d| d)
        };

        let mut out = Vec::with_capacity(self.pieces.len() + 4096);
        out.extend_from_slice(&SIGNATURE);
        self.ihdr(&mut out);
        let mut opaque = true;
        chunk(&mut out, b"IDAT", |out| -> Result<()> {
            let mut stream = Stream::new(out);
            let mut band = 0;
            while band < self.bands.len() {
                if !dirty(band) {
                    let (range, sum) = &self.bands[band];
                    stream.push(&self.pieces[range.clone()], *sum);
                    band += 1;
                    continue;
                }
                // A run of changed bands is compressed as one piece.
                let first = band;
                while band < self.bands.len() && dirty(band) {
                    band += 1;
                }
                let start = first * BAND_ROWS;
                let end = (band * BAND_ROWS).min(h);
                // The row above the run too: `Paeth` reads it.
                let from = start.saturating_sub(1);
                let rows = &card.data()[from * w * 4..end * w * 4];
                rgb.resize(rows.len() / 4 * 3, 0);
                opaque &= drop_alpha(rows, rgb);
                if !opaque {
                    return Ok(());
                }
                let (above, rows) = if start == 0 {
                    (None, &rgb[..])
                } else {
                    let (above, rows) = rgb.split_at(stride);
                    (Some(above), rows)
                };
                filtered.clear();
                filter::paeth(rows, above, stride, filtered);
                stream.compress(filtered, deflate)?;
            }
            stream.finish();
            Ok(())
        })?;
        if !opaque {
            return Ok(None);
        }
        chunk(&mut out, b"IEND", |_| {});
        Ok(Some(Png(out)))
    }
}

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];

/// Appends a PNG chunk whose data `body` writes: length, type, data, CRC.
fn chunk<T>(out: &mut Vec<u8>, kind: &[u8; 4], body: impl FnOnce(&mut Vec<u8>) -> T) -> T {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(kind);
    let result = body(out);
    let len = out.len() - start - 8;
    // A card is at most 4096×4096 RGB (50 MB), far below a chunk's 2^31 - 1 bytes.
    out[start..start + 4].copy_from_slice(&(len as u32).to_be_bytes());
    let crc = crc32fast::hash(&out[start + 4..]);
    out.extend_from_slice(&crc.to_be_bytes());
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `w`×`h` opaque pixmap of smooth colour with some noise, like a background.
    fn background(w: u32, h: u32) -> Pixmap {
        let mut pixmap = Pixmap::new(w, h).unwrap();
        let mut x = 12345u32;
        for (i, px) in pixmap.pixels_mut().iter_mut().enumerate() {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let (col, row) = (i as u32 % w, i as u32 / w);
            let c = tiny_skia::ColorU8::from_rgba(
                (col * 3 + (x % 3)) as u8,
                (row * 2) as u8,
                ((col + row) / 2) as u8,
                255,
            );
            *px = c.premultiply();
        }
        pixmap
    }

    fn rgb(pixmap: &Pixmap) -> Vec<u8> {
        let mut rgb = vec![0; pixmap.data().len() / 4 * 3];
        drop_alpha(pixmap.data(), &mut rgb);
        rgb
    }

    fn decode(png: &Png) -> Vec<u8> {
        let decoder = ::png::Decoder::new(std::io::Cursor::new(png.as_bytes()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!(info.color_type, ::png::ColorType::Rgb);
        buf.truncate(info.buffer_size());
        buf
    }

    #[test]
    fn a_card_decodes_to_its_own_pixels_wherever_the_layer_drew() {
        let (w, h) = (37, 5 * BAND_ROWS as u32 + 3);
        let bg = background(w, h);
        let bands = Bands::prepare(&bg).unwrap().expect("an opaque background");
        let ink = tiny_skia::ColorU8::from_rgba(250, 10, 10, 255).premultiply();
        let b = BAND_ROWS as u32;
        // Untouched; the first row; a band's last row (its successor reads it); a band's
        // first row; two bands in a row; the last row.
        let layers: Vec<Vec<u32>> = vec![
            vec![],
            vec![0],
            vec![b - 1],
            vec![2 * b],
            vec![b + 3, 2 * b + 4],
            vec![h - 1],
            (0..h).collect(),
        ];
        for rows in layers {
            let mut card = bg.clone();
            for &row in &rows {
                card.pixels_mut()[(row * w + row % w) as usize] = ink;
            }
            let png = bands.encode(&card, &bg).unwrap().expect("an opaque card");
            assert_eq!(decode(&png), rgb(&card), "rows {rows:?}");
        }
    }

    #[test]
    fn bands_written_and_read_back_decode_to_the_background_and_encode_the_same_cards() {
        let (w, h) = (29, 3 * BAND_ROWS as u32 + 5);
        let bg = background(w, h);
        let bands = Bands::prepare(&bg).unwrap().unwrap();
        let mut bytes = Vec::new();
        bands.write(&mut bytes);
        let read = Bands::read(&bytes, w, h).expect("bands of this size");
        assert_eq!(read.decode().expect("they decode").data(), bg.data());
        let mut card = bg.clone();
        card.pixels_mut()[(w * BAND_ROWS as u32 + 3) as usize] =
            tiny_skia::ColorU8::from_rgba(1, 250, 9, 255).premultiply();
        assert_eq!(
            read.encode(&card, &bg).unwrap(),
            bands.encode(&card, &bg).unwrap()
        );
        // Another size, a band short, a piece cut or a byte too many: not these bands.
        assert!(Bands::read(&bytes, w + 1, h).is_none());
        assert!(Bands::read(&bytes, w, h + BAND_ROWS as u32).is_none());
        assert!(Bands::read(&bytes[..bytes.len() - 1], w, h).is_none());
        assert!(Bands::read(&[bytes.as_slice(), &[0]].concat(), w, h).is_none());
        // A piece whose bytes were changed no longer matches its checksum.
        let mut broken = bytes.clone();
        let last = broken.len() - 10;
        broken[last] ^= 0x10;
        let broken = Bands::read(&broken, w, h).expect("the lengths still fit");
        assert!(broken.decode().is_none_or(|p| p.data() != bg.data()));
    }

    #[test]
    fn translucent_pixels_or_another_size_leave_it_to_the_whole_encoder() {
        let bg = background(20, 40);
        let bands = Bands::prepare(&bg).unwrap().unwrap();
        let mut card = bg.clone();
        card.pixels_mut()[100] = tiny_skia::ColorU8::from_rgba(9, 9, 9, 100).premultiply();
        assert!(bands.encode(&card, &bg).unwrap().is_none());
        let other = background(20, 41);
        assert!(bands.encode(&other, &other).unwrap().is_none());
        // A translucent background has no bands.
        assert!(Bands::prepare(&card).unwrap().is_none());
    }
}
