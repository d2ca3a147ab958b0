//! Band-spliced PNG: compress the background once, and at render time only what the layer
//! changed.
//!
//! Most rows of a card are its background's rows byte for byte. A background's rows are
//! filtered and compressed once, in bands of [`BAND_ROWS`] rows, each band a zlib piece that
//! joins any other ([`super::zlib`]). A card's encoder then finds the rows that differ from the
//! background, writes the bands they fall in from the background's tiles and the card's
//! changed ones ([`super::tiles`]), and copies every other band's piece as it is. `Paeth` filters a row against the one above it, so a band is
//! the background's only when its rows *and the row above it* are.
//!
//! The decoded pixels are the card's exactly, whatever the split: the background's bands are
//! the background's rows, and the rest are the card's rows, filtered and compressed.

use std::ops::Range;
use std::sync::OnceLock;

use tiny_skia::Pixmap;

use super::huffman::Codes;
use super::tiles::{self, BandTiles};
use super::zlib::{self, Stream, Sum};
use super::{drop_alpha, filter, Png};
use crate::error::{Error, Result};

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
    bands: Vec<(Range<usize>, Sum)>,
    pieces: Vec<u8>,
    /// Each band's tiles, coded the first time a card changes that band.
    tiles: Vec<OnceLock<BandTiles>>,
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

/// A band's compressed piece and the sum of its filtered bytes.
type Piece = (Vec<u8>, Sum);

/// One thread's buffers, reused card after card.
#[derive(Default)]
struct Scratch {
    tiles: tiles::Scratch,
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
        // Each band is filtered and compressed on its own, so the bands are shared out over
        // the cores (a background is prepared when a process, or a designer's edit, needs it
        // at once); the bytes are the same on any number of threads.
        let starts: Vec<usize> = (0..h).step_by(BAND_ROWS).collect();
        let threads = crate::card::threads::cores().min(starts.len()).max(1);
        let per_thread = starts.len().div_ceil(threads);
        let band = |start: usize, filtered: &mut Vec<u8>| {
            let end = (start + BAND_ROWS).min(h);
            let above = start
                .checked_sub(1)
                .map(|r| &rgb[r * stride..start * stride]);
            filtered.clear();
            filter::paeth(&rgb[start * stride..end * stride], above, stride, filtered);
            zlib::strong(filtered, BACKGROUND_LEVEL)
        };
        let parts: Vec<Result<Vec<Piece>>> = std::thread::scope(|s| {
            let workers: Vec<_> = starts
                .chunks(per_thread)
                .map(|chunk| {
                    s.spawn(|| {
                        let mut filtered = Vec::new();
                        chunk
                            .iter()
                            .map(|&start| band(start, &mut filtered))
                            .collect()
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join()
                        .unwrap_or_else(|_| Err(zlib::fault("a band's thread panicked")))
                })
                .collect()
        });
        let mut bands = Vec::with_capacity(starts.len());
        let mut pieces = Vec::new();
        for part in parts {
            for (piece, sum) in part? {
                bands.push((pieces.len()..pieces.len() + piece.len(), sum));
                pieces.extend_from_slice(&piece);
            }
        }
        Ok(Some(Bands {
            width: background.width(),
            height: background.height(),
            tiles: empty_tiles(bands.len()),
            bands,
            pieces,
        }))
    }

    /// Codes the tiles of every band now, rather than when a card first changes the band:
    /// for a process that makes its backgrounds ready before its first card. `background`
    /// is the pixmap these bands were made from.
    pub fn code_tiles(&self, background: &Pixmap) -> Result<()> {
        let codes = Codes::get()?;
        for (band, tiles) in self.tiles.iter().enumerate() {
            tiles.get_or_init(|| BandTiles::code(background, self.band_rows(band), codes));
        }
        Ok(())
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
            tiles: empty_tiles(bands.len()),
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
        let all = 0..self.height as usize;
        self.encode_spans(card, background, std::slice::from_ref(&all), 1)
    }

    /// The rows of a card the encoder reads when its layer can change only the rows in
    /// `touched` (sorted, disjoint ranges): each run of bands those rows can make differ, with
    /// the row above the run (`Paeth` reads it). A band differs when one of its rows or the row
    /// above it does, so a touched row reaches into the band below it. Sorted and disjoint.
    pub fn spans(&self, touched: &[Range<usize>]) -> Vec<Range<usize>> {
        let h = self.height as usize;
        let last = self.bands.len().saturating_sub(1);
        let mut runs: Vec<Range<usize>> = Vec::new();
        for rows in touched {
            let (start, end) = (rows.start.min(h), rows.end.min(h));
            if start >= end {
                continue;
            }
            // Band k reads rows k·B − 1 .. (k + 1)·B: it meets start..end for k from
            // start / B to end / B (the band whose row above is the last touched row).
            let run = start / BAND_ROWS..(end / BAND_ROWS).min(last) + 1;
            match runs.last_mut() {
                Some(previous) if run.start <= previous.end => {
                    previous.end = previous.end.max(run.end)
                }
                _ => runs.push(run),
            }
        }
        runs.into_iter()
            .map(|run| (run.start * BAND_ROWS).saturating_sub(1)..(run.end * BAND_ROWS).min(h))
            .collect()
    }

    /// [`encode`](Self::encode) for a card whose rows are valid only in `spans` (from
    /// [`spans`](Self::spans)): every other row is taken to be the background's and is not
    /// read. The bytes are those [`encode`](Self::encode) makes of the whole card as long as
    /// the layer changed no row outside the `touched` rows the spans were made from.
    ///
    /// With `threads` above one, the runs of changed bands are compressed on up to that many
    /// threads (this one and scoped helpers): one card sooner, for a caller waiting on it, and
    /// the same bytes.
    pub fn encode_spans(
        &self,
        card: &Pixmap,
        background: &Pixmap,
        spans: &[Range<usize>],
        threads: usize,
    ) -> Result<Option<Png>> {
        let same = |p: &Pixmap| p.width() == self.width && p.height() == self.height;
        if !same(card) || !same(background) {
            return Ok(None);
        }
        SCRATCH.with_borrow_mut(|scratch| {
            let runs = self.dirty_runs(card, background, spans, &mut scratch.differs);
            let codes = Codes::get()?;
            let source = tiles::Source {
                card,
                background,
                codes,
                band_rows: BAND_ROWS,
                band_tiles: |band: usize| {
                    self.tiles[band]
                        .get_or_init(|| BandTiles::code(background, self.band_rows(band), codes))
                },
            };
            if threads > 1 {
                self.write_parallel(&source, &runs, threads, scratch)
            } else {
                self.write_runs(&source, &runs, scratch)
            }
        })
    }

    /// The runs of bands (band indices) that differ from the background's, comparing only the
    /// rows in `spans`, each as one slice (memcmp).
    fn dirty_runs(
        &self,
        card: &Pixmap,
        background: &Pixmap,
        spans: &[Range<usize>],
        differs: &mut Vec<bool>,
    ) -> Vec<Range<usize>> {
        let (w, h) = (self.width as usize, self.height as usize);
        let stride = w * 4;
        differs.clear();
        differs.resize(h, false);
        for span in spans {
            let (start, end) = (span.start.min(h), span.end.min(h));
            let rows = start * stride..end * stride;
            let card_rows = card.data()[rows.clone()].chunks_exact(stride);
            let background_rows = background.data()[rows].chunks_exact(stride);
            for ((d, a), b) in differs[start..end]
                .iter_mut()
                .zip(card_rows)
                .zip(background_rows)
            {
                *d = a != b;
            }
        }
        // A band is the background's when its rows and the row above it are.
        let dirty = |band: usize| {
            let start = (band * BAND_ROWS).saturating_sub(1);
            let end = ((band + 1) * BAND_ROWS).min(h);
            differs[start..end].iter().any(|&d| d)
        };
        let mut runs: Vec<Range<usize>> = Vec::new();
        for band in (0..self.bands.len()).filter(|&b| dirty(b)) {
            match runs.last_mut() {
                Some(run) if run.end == band => run.end += 1,
                _ => runs.push(band..band + 1),
            }
        }
        runs
    }

    /// Rows of band `band`.
    fn band_rows(&self, band: usize) -> Range<usize> {
        let h = self.height as usize;
        (band * BAND_ROWS).min(h)..((band + 1) * BAND_ROWS).min(h)
    }

    /// Rows of a run of bands.
    fn run_rows(&self, run: &Range<usize>) -> Range<usize> {
        self.band_rows(run.start).start..self.band_rows(run.end - 1).end
    }

    /// The PNG: the background's pieces, and the card's pieces for the `runs` of bands that
    /// differ, each run as one piece written straight into the stream.
    fn write_runs<'a>(
        &self,
        source: &tiles::Source<'a, impl Fn(usize) -> &'a BandTiles>,
        runs: &[Range<usize>],
        scratch: &mut Scratch,
    ) -> Result<Option<Png>> {
        let Scratch { tiles, differs } = scratch;
        self.assemble(runs, |stream, run| {
            Ok(stream.write(|out| source.write_piece(self.run_rows(&run), differs, tiles, out)))
        })
    }

    /// [`write_runs`](Self::write_runs) with the runs of changed bands compressed on up to `threads`
    /// threads: this one and scoped helpers, each given whole runs (the longest first, each
    /// to the least loaded thread). Each run is still one piece, compressed as
    /// [`write_runs`](Self::write_runs) compresses it, so the bytes are the same; one long run leaves
    /// the other threads idle.
    fn write_parallel<'a>(
        &self,
        source: &tiles::Source<'a, impl Fn(usize) -> &'a BandTiles + Sync>,
        runs: &[Range<usize>],
        threads: usize,
        scratch: &mut Scratch,
    ) -> Result<Option<Png>> {
        let mut longest: Vec<usize> = (0..runs.len()).collect();
        longest.sort_by_key(|&i| std::cmp::Reverse(runs[i].len()));
        let mut parts: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); threads.min(runs.len())];
        for i in longest {
            let part = parts
                .iter_mut()
                .min_by_key(|(bands, _)| *bands)
                .expect("one part at least");
            part.0 += runs[i].len();
            part.1.push(i);
        }
        // Helpers that would compress a few bands only cost their start.
        parts.retain(|(bands, _)| *bands >= MIN_PART_BANDS);
        if parts.len() < 2 {
            return self.write_runs(source, runs, scratch);
        }
        // Whatever was too small for a helper of its own goes to this thread.
        let assigned: usize = parts.iter().map(|(_, runs)| runs.len()).sum();
        if assigned < runs.len() {
            let mut mine = vec![false; runs.len()];
            for &i in parts.iter().flat_map(|(_, r)| r) {
                mine[i] = true;
            }
            let rest = (0..runs.len()).filter(|&i| !mine[i]);
            parts[0].1.extend(rest);
        }
        let (first, rest) = parts.split_first().expect("two parts at least");
        let Scratch { tiles, differs } = scratch;
        let differs = &*differs;
        let compressed: Vec<Result<Option<Part>>> = std::thread::scope(|s| {
            let helpers: Vec<_> = rest
                .iter()
                .map(|(_, mine)| {
                    s.spawn(move || self.compress_part(source, runs, mine, differs, None))
                })
                .collect();
            let mut all = vec![self.compress_part(source, runs, &first.1, differs, Some(tiles))];
            all.extend(helpers.into_iter().map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::Encode("a band thread panicked".into())))
            }));
            all
        });
        let mut done = Vec::with_capacity(compressed.len());
        for part in compressed {
            match part? {
                Some(part) => done.push(part),
                None => return Ok(None),
            }
        }
        let mut pieces: Vec<Option<(&[u8], Sum)>> = vec![None; runs.len()];
        for part in &done {
            for (i, bytes, sum) in &part.pieces {
                pieces[*i] = Some((&part.out[bytes.clone()], *sum));
            }
        }
        let mut next = pieces.into_iter();
        self.assemble(runs, |stream, _| {
            let (bytes, sum) = next.next().flatten().expect("a piece for every run");
            stream.push(bytes, sum);
            Ok(true)
        })
    }

    /// Writes the card's piece of `runs[i]` for each `i` in `mine`; `None` when a changed tile
    /// has a translucent pixel.
    fn compress_part<'a>(
        &self,
        source: &tiles::Source<'a, impl Fn(usize) -> &'a BandTiles>,
        runs: &[Range<usize>],
        mine: &[usize],
        differs: &[bool],
        scratch: Option<&mut tiles::Scratch>,
    ) -> Result<Option<Part>> {
        let mut own = tiles::Scratch::default();
        let scratch = scratch.unwrap_or(&mut own);
        let mut part = Part {
            out: Vec::new(),
            pieces: Vec::with_capacity(mine.len()),
        };
        for &i in mine {
            let start = part.out.len();
            let rows = self.run_rows(&runs[i]);
            let Some(sum) = source.write_piece(rows, differs, scratch, &mut part.out) else {
                return Ok(None);
            };
            part.pieces.push((i, start..part.out.len(), sum));
        }
        Ok(Some(part))
    }

    /// Writes the PNG: signature, header, the image data and its end. The data is every band
    /// in order: the background's piece for a band outside `runs`, and for each run what
    /// `piece` adds to the stream (`false`: a translucent pixel, and no PNG from the bands).
    fn assemble(
        &self,
        runs: &[Range<usize>],
        mut piece: impl FnMut(&mut Stream, Range<usize>) -> Result<bool>,
    ) -> Result<Option<Png>> {
        // A card is larger than its background (its changed bands are coded for speed):
        // room for it up front, so the PNG is not copied as it grows. Pages never written
        // cost nothing.
        let mut out = Vec::with_capacity(2 * self.pieces.len() + 4096);
        out.extend_from_slice(&SIGNATURE);
        self.ihdr(&mut out);
        let opaque = chunk(&mut out, b"IDAT", |out| -> Result<bool> {
            let mut stream = Stream::new(out);
            let mut band = 0;
            let mut runs = runs.iter().peekable();
            while band < self.bands.len() {
                match runs.peek() {
                    Some(run) if run.start == band => {
                        if !piece(&mut stream, (*run).clone())? {
                            return Ok(false);
                        }
                        band = run.end;
                        runs.next();
                    }
                    _ => {
                        let (range, sum) = &self.bands[band];
                        stream.push(&self.pieces[range.clone()], *sum);
                        band += 1;
                    }
                }
            }
            stream.finish();
            Ok(true)
        })?;
        if !opaque {
            return Ok(None);
        }
        chunk(&mut out, b"IEND", |_| {});
        Ok(Some(Png(out)))
    }
}

/// No band's tiles coded yet.
fn empty_tiles(bands: usize) -> Vec<OnceLock<BandTiles>> {
    (0..bands).map(|_| OnceLock::new()).collect()
}

/// The fewest bands a helper thread compresses: fewer do not repay starting it (tens of
/// microseconds, and its buffers).
const MIN_PART_BANDS: usize = 4;

/// One thread's compressed pieces: their bytes, one after the other, and for each its run's
/// index, its range in `out` and its sum.
struct Part {
    out: Vec<u8>,
    pieces: Vec<(usize, Range<usize>, Sum)>,
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
    fn ink_at_tile_edges_decodes_and_tiles_coded_ahead_make_the_same_cards() {
        // Five tiles a row, the last one short.
        let (w, h) = (300, 4 * BAND_ROWS as u32);
        let bg = background(w, h);
        let ink = tiny_skia::ColorU8::from_rgba(10, 250, 10, 255).premultiply();
        let b = BAND_ROWS as u32;
        // A tile's first and last pixel, the pixel left of a tile (its `Paeth` neighbour), a
        // row's ends, the row above a band and the row below one.
        let dots: Vec<(u32, u32)> = vec![
            (0, 0),
            (63, 3),
            (64, 3),
            (127, b - 1),
            (128, b),
            (w - 1, b + 5),
            (255, 2 * b + 1),
            (256, 2 * b + 1),
            (191, h - 1),
        ];
        let ahead = Bands::prepare(&bg).unwrap().unwrap();
        ahead.code_tiles(&bg).unwrap();
        for n in 0..=dots.len() {
            let mut card = bg.clone();
            for &(x, y) in &dots[..n] {
                card.pixels_mut()[(y * w + x) as usize] = ink;
            }
            let on_first_use = Bands::prepare(&bg).unwrap().unwrap();
            let png = on_first_use
                .encode(&card, &bg)
                .unwrap()
                .expect("an opaque card");
            assert_eq!(decode(&png), rgb(&card), "{n} dots");
            assert_eq!(ahead.encode(&card, &bg).unwrap(), Some(png), "{n} dots");
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
    // Lists of one range of rows, not ranges meant as lists.
    #[allow(clippy::single_range_in_vec_init)]
    fn spans_cover_every_band_a_touched_row_can_change_with_the_row_above() {
        let (w, h) = (5, 5 * BAND_ROWS as u32 + 3);
        let bands = Bands::prepare(&background(w, h)).unwrap().unwrap();
        let b = BAND_ROWS;
        let h = h as usize;
        assert!(bands.spans(&[]).is_empty());
        // The first row: band 0 alone. A band's last row: its successor reads it too.
        assert_eq!(bands.spans(&[0..1]), vec![0..b]);
        assert_eq!(bands.spans(&[b - 1..b]), vec![0..2 * b]);
        // A band's first row: the band, with the row above it.
        assert_eq!(bands.spans(&[2 * b..2 * b + 1]), vec![2 * b - 1..3 * b]);
        // Runs one band apart merge; the last band is short; rows past the end are ignored.
        assert_eq!(
            bands.spans(&[b + 3..b + 4, 2 * b + 4..2 * b + 5, h - 1..h + 9]),
            vec![b - 1..3 * b, 5 * b - 1..h]
        );
    }

    #[test]
    fn spans_alone_make_the_whole_cards_bytes_on_any_number_of_threads() {
        let (w, h) = (37, 16 * BAND_ROWS as u32 + 5);
        let bg = background(w, h);
        let bands = Bands::prepare(&bg).unwrap().unwrap();
        let ink = tiny_skia::ColorU8::from_rgba(250, 10, 10, 255).premultiply();
        let garbage = tiny_skia::ColorU8::from_rgba(1, 2, 3, 255).premultiply();
        let b = BAND_ROWS as u32;
        for rows in [
            vec![],
            vec![0],
            vec![b - 1, 2 * b],
            vec![b + 3, 3 * b + 4, 3 * b + 5, 6 * b],
            vec![h - 1],
            (0..h).step_by(7).collect(),
            // Runs of four bands (0–3, 8–11, 13–16) for three threads, and one band (6)
            // too short for a thread of its own.
            vec![
                0,
                b,
                2 * b,
                3 * b,
                6 * b + 4,
                8 * b + 2,
                9 * b,
                10 * b,
                11 * b,
                13 * b + 2,
            ]
            .into_iter()
            .chain([14 * b, 15 * b, 16 * b])
            .collect(),
        ] {
            let mut card = bg.clone();
            for &row in &rows {
                card.pixels_mut()[(row * w + row % w) as usize] = ink;
            }
            let touched: Vec<Range<usize>> =
                rows.iter().map(|&r| r as usize..r as usize + 1).collect();
            let spans = bands.spans(&touched);
            // The rows outside the spans hold anything: they must not be read.
            let mut partial = card.clone();
            for row in (0..h as usize).filter(|r| !spans.iter().any(|s| s.contains(r))) {
                let row = row * w as usize..(row + 1) * w as usize;
                partial.pixels_mut()[row].fill(garbage);
            }
            let whole = bands.encode(&card, &bg).unwrap().unwrap();
            let spliced = bands.encode_spans(&partial, &bg, &spans, 1).unwrap();
            assert_eq!(spliced.as_ref(), Some(&whole), "rows {rows:?}");
            assert_eq!(decode(&whole), rgb(&card), "rows {rows:?}");
            for threads in [2, 3, 8] {
                let png = bands.encode_spans(&partial, &bg, &spans, threads).unwrap();
                assert_eq!(
                    png.as_ref(),
                    Some(&whole),
                    "rows {rows:?}, {threads} threads"
                );
            }
        }
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
