//! Zlib streams made of independently compressed pieces.
//!
//! A PNG's image data is one zlib stream: a two-byte header, deflate blocks, the Adler-32 of
//! the uncompressed bytes. Deflate lets a stream be cut into pieces compressed on their own
//! when each piece ends on a byte boundary with no block marked final, and no piece refers
//! back into another (each starts a fresh compressor). [`Stream`] joins such pieces, adds one
//! empty final block, and combines the pieces' Adler-32s without reading their bytes again.
//!
//! Two coders make pieces: a card's tiles with fdeflate's codes at render time
//! ([`super::tiles`]), and [`strong`] (zlib, once per background).

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

    /// The sum of the bytes that `longer` has after `self`, when `self` is the sum of the
    /// first bytes of what `longer` sums (zlib's combine, undone).
    pub fn until(self, longer: Sum) -> Sum {
        let len = longer.len - self.len;
        let (a1, a2) = (u64::from(self.adler & 0xFFFF), u64::from(self.adler >> 16));
        let (b1, b2) = (
            u64::from(longer.adler & 0xFFFF),
            u64::from(longer.adler >> 16),
        );
        // Joined: s1 = a1 + q1 - 1 and s2 = a2 + q2 + len·(a1 - 1), modulo BASE.
        let q1 = (b1 + BASE + 1 - a1) % BASE;
        let shift = (len % BASE) * ((a1 + BASE - 1) % BASE) % BASE;
        let q2 = (b2 + 2 * BASE - a2 - shift) % BASE;
        Sum {
            adler: (q1 | q2 << 16) as u32,
            len,
        }
    }

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

    /// Appends the piece `write` writes straight into the stream and returns the sum of;
    /// `false` when it could not make one: what it wrote is then no piece, and the caller
    /// abandons the stream.
    pub fn write(&mut self, write: impl FnOnce(&mut Vec<u8>) -> Option<Sum>) -> bool {
        match write(self.out) {
            Some(sum) => {
                self.sum = self.sum.then(sum);
                true
            }
            None => false,
        }
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
    fn the_sum_until_a_longer_prefix_is_the_sum_of_the_bytes_between() {
        let data = sample(300_000, 9);
        let sum = |bytes: &[u8]| Sum {
            adler: simd_adler32::adler32(&bytes),
            len: bytes.len() as u64,
        };
        for (a, b) in [
            (0, 0),
            (0, 10),
            (5, 5),
            (3, 70_000),
            (65_521, 200_000),
            (1, 300_000),
        ] {
            assert_eq!(
                sum(&data[..a]).until(sum(&data[..b])),
                sum(&data[a..b]),
                "{a}..{b}"
            );
        }
    }

    #[test]
    fn coded_and_strong_pieces_of_any_length_join_into_one_valid_stream() {
        // Lengths that end a piece's last code at every bit position, and empty pieces.
        let codes = super::super::huffman::Codes::get().unwrap();
        let coded = |data: &[u8], out: &mut Vec<u8>| {
            let mut bits = super::super::huffman::BitWriter::new(out);
            codes.open(&mut bits);
            codes.code(data, &mut bits);
            codes.close(&mut bits);
            Some(Sum {
                adler: simd_adler32::adler32(&data),
                len: data.len() as u64,
            })
        };
        let lengths: Vec<usize> = (0..40).chain([255, 1000, 4097, 65_536, 100_001]).collect();
        for (i, &n) in lengths.iter().enumerate() {
            let pieces = [sample(n, i as u32), sample(n / 2 + 1, 7), sample(n, 3)];
            let mut out = Vec::new();
            let mut stream = Stream::new(&mut out);
            assert!(stream.write(|out| coded(&pieces[0], out)));
            let (strong_piece, sum) = strong(&pieces[1], 9).unwrap();
            stream.push(&strong_piece, sum);
            assert!(stream.write(|out| coded(&pieces[2], out)));
            stream.finish();
            assert_eq!(inflate(&out), pieces.concat(), "length {n}");
        }
    }
}
