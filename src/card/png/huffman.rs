//! fdeflate's block, written here: its constant Huffman codes, read once from fdeflate's own
//! output, a coder that writes bytes with them as fdeflate does (literals, and runs of zeros
//! as matches at distance 1), and a bit writer that can also copy bits made earlier at any bit
//! offset.
//!
//! fdeflate declares one table in its block header and codes every byte with it, whatever the
//! data. So the bits of a span of bytes do not depend on what comes before or after it, but for
//! a run of zeros across the span's edge, which [`Codes::code`] ends at the edge (a run is a
//! literal zero and a match of the zeros after it, all within the span). That is what lets a
//! background's tiles be coded once and copied into each card's block ([`super::tiles`]).

use std::sync::OnceLock;

use crate::error::{Error, Result};

/// fdeflate's stream opens with the zlib header (2 bytes) and its block header: 53 bytes and
/// 5 bits in all.
const OPENING_BITS: usize = 53 * 8 + 5;
/// The zlib header's bits.
const ZLIB_HEADER_BITS: usize = 16;
/// Longest match deflate codes.
const MAX_MATCH: usize = 258;
/// Bits [`BitWriter::copy`] moves at a time: what one unaligned 8-byte read always holds.
const COPY_CHUNK: usize = 56;

/// fdeflate's codes, as (bits, length) with the first bit in the lowest place.
pub struct Codes {
    /// The block header, its "final" bit cleared: the codes' table.
    header: Vec<u8>,
    header_bits: usize,
    literal: [(u64, u32); 256],
    /// `matches[r]`: the `r` zeros that follow a run's literal zero (a match at distance 1,
    /// or literal zeros when too short for fdeflate to match).
    matches: Vec<(u64, u32)>,
    end_of_block: (u64, u32),
}

impl Codes {
    /// The codes, read from fdeflate the first time (a few hundred tiny streams).
    pub fn get() -> Result<&'static Codes> {
        static CODES: OnceLock<std::result::Result<Codes, String>> = OnceLock::new();
        CODES
            .get_or_init(Codes::read)
            .as_ref()
            .map_err(|e| Error::Encode(format!("fdeflate's codes: {e}")))
    }

    fn read() -> std::result::Result<Codes, String> {
        let empty = Content::of(&[])?;
        if empty.bits != 0 {
            return Err("an empty stream has content".into());
        }
        let header_bits = OPENING_BITS - ZLIB_HEADER_BITS;
        let mut header = Vec::new();
        let mut w = BitWriter::new(&mut header);
        w.copy(&empty.stream, ZLIB_HEADER_BITS, header_bits);
        w.align();
        if header[0] & 1 != 1 {
            return Err("its block is not marked final".into());
        }
        header[0] &= !1;
        let mut literal = [(0, 0); 256];
        for (b, code) in literal.iter_mut().enumerate() {
            *code = Content::of(&[b as u8])?.code()?;
        }
        let (zero, one) = (literal[0], literal[1]);
        let mut matches = vec![(0, 0)];
        for r in 1..=MAX_MATCH {
            // fdeflate finds runs eight bytes at a time: ones before the run end its first
            // chunk, so that it is one run of exactly r + 1 zeros, and ones after end it.
            let n = r + 1;
            let before = (8 - n % 8) % 8;
            let data = [vec![1; before], vec![0; n], vec![1; 8]].concat();
            let content = Content::of(&data)?;
            let start = OPENING_BITS + before * one.1 as usize;
            let len = content.bits - (before + 8) * one.1 as usize;
            let (bits, len) = content.code_at(start, len)?;
            if len <= zero.1 || bits & mask(zero.1) != zero.0 {
                return Err(format!("a run of {n} zeros does not open with a zero"));
            }
            matches.push((bits >> zero.1, len - zero.1));
        }
        Ok(Codes {
            header,
            header_bits,
            literal,
            matches,
            end_of_block: empty.end_of_block,
        })
    }

    /// Opens a block (not final) with the codes' table.
    pub fn open(&self, w: &mut BitWriter) {
        w.copy(&self.header, 0, self.header_bits);
    }

    /// Ends the block, then aligns to a byte with an empty stored block, as zlib's sync flush
    /// does: what follows can be another piece ([`super::zlib`]).
    pub fn close(&self, w: &mut BitWriter) {
        w.put(self.end_of_block.0, self.end_of_block.1);
        // A stored block's header (not final), then zero bits to the byte, then its lengths.
        w.put(0, 3);
        w.align();
        w.out.extend_from_slice(&[0x00, 0x00, 0xFF, 0xFF]);
    }

    /// Writes `data` as fdeflate writes it: runs of zeros as a literal zero and matches at
    /// distance 1 (found eight bytes at a time), everything else as literals. A run ends at
    /// the end of `data`.
    pub fn code(&self, data: &[u8], w: &mut BitWriter) {
        let mut run = 0;
        let mut chunks = data.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if word == 0 {
                run += 8;
                continue;
            }
            if run > 0 {
                let more = word.trailing_zeros() as usize / 8;
                self.run(run + more, w);
                run = 0;
                if more > 0 {
                    run = word.leading_zeros() as usize / 8;
                    self.literals(&chunk[more..8 - run], w);
                    continue;
                }
            }
            let trailing = word.leading_zeros() as usize / 8;
            if trailing > 0 {
                self.literals(&chunk[..8 - trailing], w);
                run = trailing;
                continue;
            }
            self.four(&chunk[..4], w);
            self.four(&chunk[4..], w);
        }
        if run > 0 {
            self.run(run, w);
        }
        self.literals(chunks.remainder(), w);
    }

    /// [`code`](Self::code) with runs of zeros carried across calls: `data`'s leading zeros
    /// join the `pending` ones, and its trailing zeros are left pending for what comes next
    /// (a run cut at every edge costs a literal and a match of its own: about 20 bits).
    pub fn code_between(&self, data: &[u8], pending: &mut usize, w: &mut BitWriter) {
        let (lead, middle, trail) = zeros_around(data);
        *pending += lead;
        if middle.is_empty() {
            return;
        }
        self.flush(pending, w);
        self.code(middle, w);
        *pending = trail;
    }

    /// Writes the `pending` zeros, if any.
    pub fn flush(&self, pending: &mut usize, w: &mut BitWriter) {
        if *pending > 0 {
            self.run(*pending, w);
            *pending = 0;
        }
    }

    /// Four literals in one write: codes are at most 12 bits.
    #[inline(always)]
    fn four(&self, b: &[u8], w: &mut BitWriter) {
        let (c0, n0) = self.literal[b[0] as usize];
        let (c1, n1) = self.literal[b[1] as usize];
        let (c2, n2) = self.literal[b[2] as usize];
        let (c3, n3) = self.literal[b[3] as usize];
        w.put(
            c0 | c1 << n0 | c2 << (n0 + n1) | c3 << (n0 + n1 + n2),
            n0 + n1 + n2 + n3,
        );
    }

    fn literals(&self, bytes: &[u8], w: &mut BitWriter) {
        for &b in bytes {
            let (code, n) = self.literal[b as usize];
            w.put(code, n);
        }
    }

    /// `n` zeros (at least one): a literal zero, then the rest as matches.
    fn run(&self, n: usize, w: &mut BitWriter) {
        w.put(self.literal[0].0, self.literal[0].1);
        let mut rest = n - 1;
        while rest >= MAX_MATCH {
            let (code, bits) = self.matches[MAX_MATCH];
            w.put(code, bits);
            rest -= MAX_MATCH;
        }
        let (code, bits) = self.matches[rest];
        w.put(code, bits);
    }
}

/// `data` as its leading zeros, the bytes from its first non-zero byte to its last, and its
/// trailing zeros (all leading when every byte is zero).
pub fn zeros_around(data: &[u8]) -> (usize, &[u8], usize) {
    let Some(first) = data.iter().position(|&b| b != 0) else {
        return (data.len(), &[], 0);
    };
    let last = data.iter().rposition(|&b| b != 0).expect("a non-zero byte");
    (first, &data[first..=last], data.len() - 1 - last)
}

/// What fdeflate wrote for some bytes: its stream, and where the codes of the bytes end.
struct Content {
    stream: Vec<u8>,
    /// Bits of the bytes' codes, after the opening.
    bits: usize,
    end_of_block: (u64, u32),
}

impl Content {
    fn of(data: &[u8]) -> std::result::Result<Content, String> {
        let fail = |e: std::io::Error| e.to_string();
        let mut compressor = fdeflate::Compressor::new(Vec::new()).map_err(fail)?;
        compressor.write_data(data).map_err(fail)?;
        let stream = compressor.finish().map_err(fail)?;
        // The stream ends with the end-of-block code, zero bits to the byte and the Adler-32;
        // the code ends in a 1 bit, so the zero bits above the last one are the padding.
        let last = stream.len().checked_sub(5).ok_or("a stream too short")?;
        if stream[last] == 0 {
            return Err("a stream whose last code ends in a 0 bit".into());
        }
        let end = last * 8 + (8 - stream[last].leading_zeros() as usize);
        // The end-of-block code is 12 bits long in fdeflate's table.
        const END_OF_BLOCK_BITS: usize = 12;
        let bits = end
            .checked_sub(OPENING_BITS + END_OF_BLOCK_BITS)
            .ok_or("a stream shorter than its opening")?;
        let end_of_block = (
            read_bits(&stream, end - END_OF_BLOCK_BITS) & mask(END_OF_BLOCK_BITS as u32),
            END_OF_BLOCK_BITS as u32,
        );
        Ok(Content {
            stream,
            bits,
            end_of_block,
        })
    }

    /// The bytes' codes as one value: at most [`COPY_CHUNK`] bits.
    fn code(&self) -> std::result::Result<(u64, u32), String> {
        self.code_at(OPENING_BITS, self.bits)
    }

    /// `len` bits of the stream from bit `start`, as one value: at most [`COPY_CHUNK`].
    fn code_at(&self, start: usize, len: usize) -> std::result::Result<(u64, u32), String> {
        if len == 0 || len > COPY_CHUNK {
            return Err(format!("a code of {len} bits"));
        }
        let bits = read_bits(&self.stream, start) & mask(len as u32);
        Ok((bits, len as u32))
    }
}

/// Bits written least significant first, as deflate packs them, appended to a byte buffer.
pub struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    buffer: u64,
    nbits: u32,
}

impl<'a> BitWriter<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> BitWriter<'a> {
        BitWriter {
            out,
            buffer: 0,
            nbits: 0,
        }
    }

    /// Bits written since the buffer's start.
    pub fn position(&self) -> usize {
        self.out.len() * 8 + self.nbits as usize
    }

    /// Appends the low `n` bits of `bits` (at most 64; no bit above them set).
    #[inline(always)]
    pub fn put(&mut self, bits: u64, n: u32) {
        self.buffer |= bits << self.nbits;
        self.nbits += n;
        if self.nbits >= 64 {
            self.out.extend_from_slice(&self.buffer.to_le_bytes());
            self.nbits -= 64;
            self.buffer = bits.checked_shr(n - self.nbits).unwrap_or(0);
        }
    }

    /// Appends `n` bits of `src`, from its bit `start`.
    pub fn copy(&mut self, src: &[u8], start: usize, n: usize) {
        let end = start + n;
        let mut bit = start;
        while end - bit >= COPY_CHUNK {
            self.put(
                read_bits(src, bit) & mask(COPY_CHUNK as u32),
                COPY_CHUNK as u32,
            );
            bit += COPY_CHUNK;
        }
        let rest = (end - bit) as u32;
        if rest > 0 {
            self.put(read_bits(src, bit) & mask(rest), rest);
        }
    }

    /// Zero bits to the next byte boundary, and the buffer written out.
    pub fn align(&mut self) {
        let bytes = self.nbits.div_ceil(8) as usize;
        self.out
            .extend_from_slice(&self.buffer.to_le_bytes()[..bytes]);
        self.buffer = 0;
        self.nbits = 0;
    }
}

/// The 56 or more bits of `src` from bit `bit` on (zeros past its end).
#[inline(always)]
fn read_bits(src: &[u8], bit: usize) -> u64 {
    let at = bit / 8;
    let word = match src.get(at..at + 8) {
        Some(bytes) => u64::from_le_bytes(bytes.try_into().expect("8 bytes")),
        None => {
            let mut bytes = [0; 8];
            let tail = src.get(at..).unwrap_or_default();
            bytes[..tail.len()].copy_from_slice(tail);
            u64::from_le_bytes(bytes)
        }
    };
    word >> (bit % 8)
}

#[inline(always)]
fn mask(n: u32) -> u64 {
    if n >= 64 {
        u64::MAX
    } else {
        (1 << n) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zlib stream of one piece of `data`, coded here, and its final empty block.
    fn stream(data: &[u8]) -> Vec<u8> {
        let codes = Codes::get().unwrap();
        let mut out = vec![0x78, 0x01];
        let mut w = BitWriter::new(&mut out);
        codes.open(&mut w);
        codes.code(data, &mut w);
        codes.close(&mut w);
        out.extend_from_slice(&[0x03, 0x00]);
        out.extend_from_slice(&simd_adler32::adler32(&data).to_be_bytes());
        out
    }

    fn inflate(stream: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut d = flate2::read::ZlibDecoder::new(stream);
        std::io::Read::read_to_end(&mut d, &mut out).expect("a valid zlib stream");
        out
    }

    #[test]
    fn coded_bytes_inflate_to_themselves_with_runs_of_any_length_anywhere() {
        let mut cases: Vec<Vec<u8>> = vec![vec![], vec![0], vec![7], vec![0; 9]];
        for run in [1, 2, 4, 5, 6, 7, 8, 9, 257, 258, 259, 260, 516, 517, 1000] {
            for lead in 0..9 {
                let mut data: Vec<u8> = (0..lead).map(|i| i as u8 + 1).collect();
                data.extend(std::iter::repeat_n(0, run));
                data.extend((0..lead % 5).map(|i| 200 + i as u8));
                cases.push(data);
            }
        }
        cases.push((0..=255).cycle().take(5000).collect());
        for data in cases {
            assert_eq!(inflate(&stream(&data)), data, "{} bytes", data.len());
        }
    }

    #[test]
    fn the_same_bytes_make_the_same_bits_as_fdeflate() {
        // Literals, short zeros, and runs of every length up to past the longest match.
        let mut data: Vec<u8> = (0..4000u32)
            .map(|i| (i * 7 % 13) as u8 * (i % 3 != 0) as u8)
            .collect();
        for run in (1..300).chain([515, 516, 517, 1000]) {
            data.extend(std::iter::repeat_n(0, run));
            data.extend((0..run % 11 + 1).map(|i| i as u8 + 1));
        }
        let ours = stream(&data);
        let theirs = fdeflate::compress_to_vec(&data);
        // fdeflate's block is final and has no sync; the codes between are the same bits.
        let codes = Codes::get().unwrap();
        let mut w_bits = Vec::new();
        let mut w = BitWriter::new(&mut w_bits);
        codes.code(&data, &mut w);
        let n = w.position();
        w.align();
        let mut expected = Vec::new();
        let mut e = BitWriter::new(&mut expected);
        e.copy(&theirs, OPENING_BITS, n);
        e.align();
        assert_eq!(w_bits, expected);
        assert_eq!(inflate(&ours), data);
    }

    #[test]
    fn runs_carried_across_pieces_of_data_inflate_to_the_joined_data() {
        let codes = Codes::get().unwrap();
        let parts: [&[u8]; 7] = [
            &[0, 0, 5],
            &[0; 300],
            &[],
            &[0, 9, 0, 0],
            &[3],
            &[0; 7],
            &[0],
        ];
        let mut out = vec![0x78, 0x01];
        let mut w = BitWriter::new(&mut out);
        codes.open(&mut w);
        let mut pending = 0;
        for part in parts {
            codes.code_between(part, &mut pending, &mut w);
        }
        codes.flush(&mut pending, &mut w);
        codes.close(&mut w);
        let data = parts.concat();
        out.extend_from_slice(&[0x03, 0x00]);
        out.extend_from_slice(&simd_adler32::adler32(&data.as_slice()).to_be_bytes());
        assert_eq!(inflate(&out), data);
    }

    #[test]
    fn bits_copied_at_any_offset_are_the_same_bits() {
        let src: Vec<u8> = (0..300u32).map(|i| (i * 131 % 251) as u8).collect();
        for offset in 0..70 {
            for start in [0, 1, 7, 63, 100] {
                let n = 1500;
                let mut out = Vec::new();
                let mut w = BitWriter::new(&mut out);
                w.put(mask(offset % 64), offset % 64);
                w.copy(&src, start, n);
                w.align();
                for i in 0..n {
                    let at = (offset % 64) as usize + i;
                    let got = out[at / 8] >> (at % 8) & 1;
                    let want = src[(start + i) / 8] >> ((start + i) % 8) & 1;
                    assert_eq!(got, want, "offset {offset}, start {start}, bit {i}");
                }
            }
        }
    }
}
