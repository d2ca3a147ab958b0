//! A card's changed bands, written from its background's tiles.
//!
//! Within the bands a card's layer changes, most of each row is still the background: two
//! thirds of those bands' bytes on the story cards. A row is cut into tiles of [`TILE_PX`]
//! pixels. A tile's `Paeth`-filtered bytes are the background's when the card's pixels there
//! are, with the pixel left of the tile and the same pixels of the row above (all `Paeth`
//! reads). The background's tiles are coded once per band, each on its own, with fdeflate's
//! constant codes ([`super::huffman`]); a card's piece copies their bits and codes only the
//! tiles that changed, and its Adler-32 is combined from the tiles' sums. The piece inflates to
//! the bytes the whole rows filtered would be, so the decoded pixels are the card's.

use std::ops::Range;

use tiny_skia::Pixmap;

use super::huffman::{zeros_around, BitWriter, Codes};
use super::zlib::Sum;
use super::{drop_alpha, filter};

/// Tile width in pixels. Narrower tiles follow the layer's ink more closely but cost more
/// copies and sums; 64 keeps about two thirds of the changed bands' bytes as the background's
/// (71% with 32).
pub const TILE_PX: usize = 64;
/// Bytes per pixel of the RGB rows PNG compresses, and of the RGBA pixmap.
const RGB: usize = 3;
const RGBA: usize = 4;
/// The filter-type byte opening each row (`Paeth`).
const PAETH: u8 = 4;

/// One band of a background: its rows' filtered bytes, coded tile by tile.
///
/// A tile's zeros at either end are left out of its codes: the zeros between two tiles are
/// coded as one run, between the two tiles' codes, so that a run of tiles copied together is
/// coded nearly as the whole rows would be. A copy starting or ending inside such a run
/// carries the zeros outside it to the codes around it ([`Codes::code_between`]).
pub struct BandTiles {
    /// Every tile's codes and the runs between them, in raster order.
    bits: Vec<u8>,
    tiles: Vec<Tile>,
    /// The sum of the band's filtered bytes before each tile, and of all of them.
    sums: Vec<Sum>,
}

/// Where a tile's codes lie in [`BandTiles::bits`] (from its first non-zero byte to its last;
/// empty for a tile of zeros), and the zeros before and after them. `u32`: a band's bits
/// and a tile's bytes are far below 4 G, and a story background holds 30,000 tiles.
#[derive(Clone, Copy)]
struct Tile {
    start: u32,
    end: u32,
    lead: u32,
    trail: u32,
}

impl BandTiles {
    /// Codes `rows` of `background`, an opaque pixmap (as [`super::Bands`] are made only of
    /// those).
    pub fn code(background: &Pixmap, rows: Range<usize>, codes: &Codes) -> BandTiles {
        let w = background.width() as usize;
        let stride = w * RGB;
        let from = rows.start.saturating_sub(1);
        let rgba = &background.data()[from * w * RGBA..rows.end * w * RGBA];
        let mut rgb = vec![0; rgba.len() / RGBA * RGB];
        drop_alpha(rgba, &mut rgb);
        let (above, own) = if rows.start == 0 {
            (None, &rgb[..])
        } else {
            let (above, own) = rgb.split_at(stride);
            (Some(above), own)
        };
        let mut filtered = Vec::with_capacity(rows.len() * (1 + stride));
        filter::paeth(own, above, stride, &mut filtered);

        let bytes: Vec<&[u8]> = filtered
            .chunks_exact(1 + stride)
            .flat_map(|row| (0..tiles(w)).map(|t| &row[tile_bytes(t, w)]))
            .collect();
        let parts: Vec<(usize, &[u8], usize)> = bytes.iter().map(|b| zeros_around(b)).collect();
        let mut band = BandTiles {
            bits: Vec::with_capacity(filtered.len() / 3),
            tiles: Vec::with_capacity(parts.len()),
            sums: Vec::with_capacity(parts.len() + 1),
        };
        let mut sum = Sum::EMPTY;
        let mut bits = BitWriter::new(&mut band.bits);
        for (i, &(lead, middle, trail)) in parts.iter().enumerate() {
            let start = bits.position();
            codes.code(middle, &mut bits);
            let narrow = |n: usize| u32::try_from(n).expect("a band's bits fit in u32");
            band.tiles.push(Tile {
                start: narrow(start),
                end: narrow(bits.position()),
                lead: narrow(lead),
                trail: narrow(trail),
            });
            band.sums.push(sum);
            sum = sum.then(sum_of(bytes[i]));
            // The zeros up to the next tile's codes, as one run.
            if let Some(&(next_lead, _, _)) = parts.get(i + 1) {
                let mut between = trail + next_lead;
                codes.flush(&mut between, &mut bits);
            }
        }
        band.sums.push(sum);
        bits.align();
        band
    }

    /// Appends tiles `range` (indices in raster order within the band) to `bits`, their zeros
    /// at either end joining `pending`.
    fn copy(
        &self,
        range: Range<usize>,
        codes: &Codes,
        pending: &mut usize,
        bits: &mut BitWriter,
        sum: &mut Sum,
    ) {
        let (first, last) = (self.tiles[range.start], self.tiles[range.end - 1]);
        if first.start == last.end {
            // One tile of zeros.
            *pending += (first.lead + last.trail) as usize;
        } else {
            *pending += first.lead as usize;
            codes.flush(pending, bits);
            let (start, end) = (first.start as usize, last.end as usize);
            bits.copy(&self.bits, start, end - start);
            *pending = last.trail as usize;
        }
        *sum = sum.then(self.sums[range.start].until(self.sums[range.end]));
    }
}

/// Tiles in a row `width` pixels wide.
fn tiles(width: usize) -> usize {
    width.div_ceil(TILE_PX)
}

/// Tile `t`'s bytes within a filtered row (its filter byte, then the row's bytes): the first
/// tile holds the filter byte.
fn tile_bytes(t: usize, width: usize) -> Range<usize> {
    let start = if t == 0 { 0 } else { 1 + t * TILE_PX * RGB };
    start..1 + ((t + 1) * TILE_PX).min(width) * RGB
}

fn sum_of(bytes: &[u8]) -> Sum {
    Sum {
        adler: simd_adler32::adler32(&bytes),
        len: bytes.len() as u64,
    }
}

/// One thread's buffers for [`write_piece`], reused card after card.
#[derive(Default)]
pub struct Scratch {
    /// Which tiles of this row, and of the row above, are the background's pixels.
    row: Vec<bool>,
    above: Vec<bool>,
    current: Vec<u8>,
    previous: Vec<u8>,
    filtered: Vec<u8>,
}

/// What a piece is written from: the card, its background, the codes, and the background's
/// bands' tiles (band index → its tiles, coded on first use).
pub struct Source<'a, F> {
    pub card: &'a Pixmap,
    pub background: &'a Pixmap,
    pub codes: &'a Codes,
    pub band_rows: usize,
    pub band_tiles: F,
}

impl<'a, F: Fn(usize) -> &'a BandTiles> Source<'a, F> {
    /// Appends to `out` the piece of the card's `rows` (whole bands): one fdeflate block,
    /// aligned to a byte ([`super::zlib`]), and returns the sum of its filtered bytes. `None`
    /// when a changed tile has a translucent pixel (the card needs RGBA).
    ///
    /// `differs[r]` says whether row `r` differs from the background's at all; a row that does
    /// not is not read. The rows in `rows` and the one above them must be the card's.
    pub fn write_piece(
        &self,
        rows: Range<usize>,
        differs: &[bool],
        scratch: &mut Scratch,
        out: &mut Vec<u8>,
    ) -> Option<Sum> {
        let w = self.card.width() as usize;
        let count = tiles(w);
        let mut bits = BitWriter::new(out);
        self.codes.open(&mut bits);
        let mut sum = Sum::EMPTY;
        scratch.above.clear();
        scratch.above.resize(count, true);
        if let Some(r) = rows.start.checked_sub(1) {
            self.same_tiles(r, differs, &mut scratch.above);
        }
        // Background tiles waiting to be copied: their band, and the run of its tiles.
        let mut pending: Option<(usize, Range<usize>)> = None;
        // Zeros waiting to be coded as one run with those after them.
        let mut zeros = 0;
        for r in rows {
            let mut row = std::mem::take(&mut scratch.row);
            self.same_tiles(r, differs, &mut row);
            let band = r / self.band_rows;
            let first = (r - band * self.band_rows) * count;
            let mut t = 0;
            while t < count {
                let kept = row[t] && scratch.above[t];
                let mut end = t + 1;
                while end < count && (row[end] && scratch.above[end]) == kept {
                    end += 1;
                }
                let tiles = first + t..first + end;
                if kept {
                    pending = match pending {
                        Some((b, run)) if b == band && run.end == tiles.start => {
                            Some((b, run.start..tiles.end))
                        }
                        other => {
                            self.flush(other, &mut zeros, &mut bits, &mut sum);
                            Some((band, tiles))
                        }
                    };
                } else {
                    self.flush(pending.take(), &mut zeros, &mut bits, &mut sum);
                    let changed = t..end;
                    if !self.write_changed(r, changed, scratch, &mut zeros, &mut bits, &mut sum) {
                        return None;
                    }
                }
                t = end;
            }
            scratch.row = std::mem::replace(&mut scratch.above, row);
        }
        self.flush(pending, &mut zeros, &mut bits, &mut sum);
        self.codes.flush(&mut zeros, &mut bits);
        self.codes.close(&mut bits);
        Some(sum)
    }

    fn flush(
        &self,
        pending: Option<(usize, Range<usize>)>,
        zeros: &mut usize,
        bits: &mut BitWriter,
        sum: &mut Sum,
    ) {
        if let Some((band, tiles)) = pending {
            (self.band_tiles)(band).copy(tiles, self.codes, zeros, bits, sum);
        }
    }

    /// Sets `same[t]` for each tile of row `r`: are its pixels, and the one left of it, the
    /// background's?
    fn same_tiles(&self, r: usize, differs: &[bool], same: &mut Vec<bool>) {
        let w = self.card.width() as usize;
        same.clear();
        if !differs[r] {
            same.resize(tiles(w), true);
            return;
        }
        let row = r * w * RGBA..(r + 1) * w * RGBA;
        let (card, background) = (&self.card.data()[row.clone()], &self.background.data()[row]);
        same.extend((0..tiles(w)).map(|t| {
            let px = (t * TILE_PX).saturating_sub(1)..((t + 1) * TILE_PX).min(w);
            let bytes = px.start * RGBA..px.end * RGBA;
            card[bytes.clone()] == background[bytes]
        }));
    }

    /// Filters and codes tiles `t` of row `r` from the card's pixels; `false` when one is
    /// translucent.
    fn write_changed(
        &self,
        r: usize,
        t: Range<usize>,
        scratch: &mut Scratch,
        zeros: &mut usize,
        bits: &mut BitWriter,
        sum: &mut Sum,
    ) -> bool {
        let w = self.card.width() as usize;
        let (x0, x1) = (t.start * TILE_PX, (t.end * TILE_PX).min(w));
        // From the pixel left of the first tile, which `Paeth` reads.
        let from = x0.saturating_sub(1);
        let pixels = |row: usize| &self.card.data()[(row * w + from) * RGBA..(row * w + x1) * RGBA];
        let n = (x1 - from) * RGB;
        scratch.current.resize(n, 0);
        scratch.previous.resize(n, 0);
        if !drop_alpha(pixels(r), &mut scratch.current) {
            return false;
        }
        match r.checked_sub(1) {
            Some(above) => {
                if !drop_alpha(pixels(above), &mut scratch.previous) {
                    return false;
                }
            }
            // The top row is predicted from zeros.
            None => scratch.previous.fill(0),
        }
        let filtered = &mut scratch.filtered;
        let bytes = if x0 == 0 {
            filtered.resize(1 + n, 0);
            filtered[0] = PAETH;
            filter::filter_row(&scratch.previous, &scratch.current, &mut filtered[1..]);
            &filtered[..]
        } else {
            // The left pixel's own bytes belong to the tile before.
            filtered.resize(n, 0);
            filter::filter_row(&scratch.previous, &scratch.current, filtered);
            &filtered[RGB..]
        };
        self.codes.code_between(bytes, zeros, bits);
        *sum = sum.then(sum_of(bytes));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_cover_a_filtered_row_once_in_order() {
        for width in [1, 63, 64, 65, 1080, 1920] {
            let mut next = 0;
            for t in 0..tiles(width) {
                let bytes = tile_bytes(t, width);
                assert_eq!(bytes.start, next, "{width} px, tile {t}");
                assert!(bytes.end > bytes.start);
                next = bytes.end;
            }
            assert_eq!(next, 1 + width * RGB, "{width} px");
        }
    }
}
