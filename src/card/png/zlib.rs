//! Zlib streams made of independently compressed pieces.
//!
//! A PNG's image data is one zlib stream: a two-byte header, deflate blocks, the Adler-32 of
//! the uncompressed bytes. Deflate lets a stream be cut into pieces compressed on their own
//! when each piece ends on a byte boundary with no block marked final, and no piece refers
//! back into another (each starts a fresh compressor). [`Stream`] joins such pieces, adds one
//! empty final block, and combines the pieces' Adler-32s without reading their bytes again.
//!
//! Two compressors make pieces: [`fast`] (fdeflate, at render time) and [`strong`] (zlib,
//! once per background).

use crate::error::{Error, Result};

/// The zlib header PNG encoders write: deflate, 32 KiB window, no dictionary.
const HEADER: [u8; 2] = [0x78, 0x01];
/// An empty stored block that is not final: after it, the stream is byte-aligned. The first
/// byte holds the block header's three zero bits (not final, stored) and the padding.
const SYNC: [u8; 4] = [0x00, 0x00, 0xFF, 0xFF];
/// An empty final block with fixed codes: header bits 1 (final), 01 (fixed), then the
/// end-of-block code, seven zero bits.
const FINAL: [u8; 2] = [0x03, 0x00];
/// The Adler-32 modulus.
const BASE: u64 = 65521;

/// The Adler-32 of two byte runs one after the other, from the Adler-32 of each and the
/// length of the second (the arithmetic of zlib's `adler32_combine`).
pub fn adler32_combine(first: u32, second: u32, second_len: u64) -> u32 {
    let rem = second_len % BASE;
    let mut sum1 = u64::from(first & 0xFFFF);
    let mut sum2 = (rem * sum1) % BASE;
    sum1 += u64::from(second & 0xFFFF) + BASE - 1;
    sum2 += u64::from(first >> 16) + u64::from(second >> 16) + BASE - rem;
    if sum1 >= BASE {
        sum1 -= BASE;
    }
    if sum1 >= BASE {
        sum1 -= BASE;
    }
    if sum2 >= BASE << 1 {
        sum2 -= BASE << 1;
    }
    if sum2 >= BASE {
        sum2 -= BASE;
    }
    (sum1 | (sum2 << 16)) as u32
}

/// What a piece stands for: the Adler-32 and length of its uncompressed bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sum {
    pub adler: u32,
    pub len: u64,
}

impl Sum {
    pub const EMPTY: Sum = Sum { adler: 1, len: 0 };

    /// The sum of `self`'s bytes followed by `next`'s.
    pub fn then(self, next: Sum) -> Sum {
        Sum {
            adler: adler32_combine(self.adler, next.adler, next.len),
            len: self.len + next.len,
        }
    }
}

/// A zlib stream being written into a buffer, piece by piece.
pub struct Stream<'a> {
    out: &'a mut Vec<u8>,
    sum: Sum,
}

impl<'a> Stream<'a> {
    /// Starts a stream at the end of `out`.
    pub fn new(out: &'a mut Vec<u8>) -> Stream<'a> {
        out.extend_from_slice(&HEADER);
        Stream {
            out,
            sum: Sum::EMPTY,
        }
    }

    /// Appends a piece made earlier (by [`strong`] or [`fast`]) whose bytes sum to `sum`.
    pub fn push(&mut self, piece: &[u8], sum: Sum) {
        self.out.extend_from_slice(piece);
        self.sum = self.sum.then(sum);
    }

    /// Compresses `data` with [`fast`] straight into the stream.
    pub fn compress(&mut self, data: &[u8], scratch: &mut Vec<u8>) -> Result<()> {
        let sum = fast(data, self.out, scratch)?;
        self.sum = self.sum.then(sum);
        Ok(())
    }

    /// Ends the stream: the final block and the Adler-32 of everything pushed.
    pub fn finish(self) {
        self.out.extend_from_slice(&FINAL);
        self.out.extend_from_slice(&self.sum.adler.to_be_bytes());
    }
}

pub(super) fn fault(message: impl std::fmt::Display) -> Error {
    Error::Encode(format!("band compression: {message}"))
}

/// Compresses `data` with fdeflate as a piece, appended to `out`; `scratch` is reused.
///
/// fdeflate writes a whole zlib stream: its header, one final block, the end-of-block code,
/// zero padding to a byte, and the Adler-32. Its block header's first bit is the "final"
/// flag, cleared here; its end-of-block code (a fixed 12-bit code, the same in every stream
/// it writes) ends in a 1 bit, so the zero bits above the last byte's highest set bit are the
/// padding. An empty stored block after the code aligns the piece: its three header bits fit
/// in that padding when there are three or more, else in one more zero byte.
pub fn fast(data: &[u8], out: &mut Vec<u8>, scratch: &mut Vec<u8>) -> Result<Sum> {
    scratch.clear();
    let mut compressor = fdeflate::Compressor::new(&mut *scratch).map_err(fault)?;
    compressor.write_data(data).map_err(fault)?;
    compressor.finish().map_err(fault)?;
    let n = scratch.len();
    let (Some(deflate), Some(trailer)) = (scratch.get(2..n.wrapping_sub(4)), scratch.get(n - 4..))
    else {
        return Err(fault("fdeflate wrote a stream too short to be one"));
    };
    let adler = u32::from_be_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    let (Some(&first), Some(&last)) = (deflate.first(), deflate.last()) else {
        return Err(fault("fdeflate wrote no block"));
    };
    if first & 1 != 1 || last == 0 {
        return Err(fault("fdeflate's block no longer has the expected form"));
    }
    out.push(first & !1);
    out.extend_from_slice(&deflate[1..]);
    if last.leading_zeros() < 3 {
        out.push(0);
    }
    out.extend_from_slice(&SYNC);
    Ok(Sum {
        adler,
        len: data.len() as u64,
    })
}

/// Compresses `data` as a piece with zlib at `level` (0–9): slower than [`fast`] and smaller,
/// for bytes compressed once and sent many times.
pub fn strong(data: &[u8], level: u32) -> Result<(Vec<u8>, Sum)> {
    use flate2::{Compress, Compression, FlushCompress};
    // Raw deflate (no zlib header); a sync flush ends on a byte boundary with no final block.
    let mut compressor = Compress::new(Compression::new(level), false);
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    loop {
        let consumed = compressor.total_in() as usize;
        compressor
            .compress_vec(&data[consumed..], &mut out, FlushCompress::Sync)
            .map_err(fault)?;
        // Done when every byte went in and the flush had room to complete.
        if compressor.total_in() as usize == data.len() && out.len() < out.capacity() {
            break;
        }
        out.reserve(out.capacity().max(64));
    }
    if !out.ends_with(&SYNC) {
        return Err(fault(
            "zlib's sync flush did not end on an empty stored block",
        ));
    }
    let adler = simd_adler32::adler32(&data);
    Ok((
        out,
        Sum {
            adler,
            len: data.len() as u64,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflate(stream: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut d = flate2::read::ZlibDecoder::new(stream);
        std::io::Read::read_to_end(&mut d, &mut out).expect("a valid zlib stream");
        out
    }

    /// Bytes that compress a little (runs, filtered-looking noise), `n` of them.
    fn sample(n: usize, seed: u32) -> Vec<u8> {
        let mut x = seed.wrapping_mul(2_654_435_761).max(1);
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                if (i / 37) % 3 == 0 {
                    0
                } else {
                    (x % 7) as u8
                }
            })
            .collect()
    }

    #[test]
    fn adler32_combine_matches_the_checksum_of_the_joined_bytes() {
        for (a, b) in [
            (0, 0),
            (1, 0),
            (0, 5),
            (100, 70_000),
            (65_521, 131_042),
            (3, 200_000),
        ] {
            let (x, y) = (sample(a, 1), sample(b, 2));
            let joined: Vec<u8> = x.iter().chain(&y).copied().collect();
            let combined = adler32_combine(
                simd_adler32::adler32(&x.as_slice()),
                simd_adler32::adler32(&y.as_slice()),
                b as u64,
            );
            assert_eq!(
                combined,
                simd_adler32::adler32(&joined.as_slice()),
                "{a} + {b}"
            );
        }
    }

    #[test]
    fn fast_and_strong_pieces_of_any_length_join_into_one_valid_stream() {
        // Lengths that end fdeflate's last byte at every bit position, and empty pieces.
        let lengths: Vec<usize> = (0..40).chain([255, 1000, 4097, 65_536, 100_001]).collect();
        for (i, &n) in lengths.iter().enumerate() {
            let pieces = [sample(n, i as u32), sample(n / 2 + 1, 7), sample(n, 3)];
            let mut out = Vec::new();
            let mut scratch = Vec::new();
            let mut stream = Stream::new(&mut out);
            stream.compress(&pieces[0], &mut scratch).unwrap();
            let (strong_piece, sum) = strong(&pieces[1], 9).unwrap();
            stream.push(&strong_piece, sum);
            stream.compress(&pieces[2], &mut scratch).unwrap();
            stream.finish();
            assert_eq!(inflate(&out), pieces.concat(), "length {n}");
        }
    }
}
