//! A prototype of a tiled encoder for a card's changed bands, to weigh it before building it
//! into the library: fdeflate codes every byte with one constant Huffman table, so the bits it
//! writes for a background tile can be made once and copied into any card whose tile (with
//! the pixel left of it and the row above) is the background's. For each run of changed
//! bands, this compares (a) the work the band encoder does today, every row filtered and
//! compressed by fdeflate, with only the changed tiles filtered and coded, the background
//! tiles' bits copied, and the Adler-32 combined: (b) the changed tiles compressed by fdeflate
//! in spans and its bits spliced in, (c) written directly as literals with fdeflate's codes
//! (read from its output; no runs). Each stream is decompressed and checked against (a)'s
//! bytes. `cargo run --release --example tile_splice [USERS]`
//!
//! Every side uses the `Paeth` filter below (the library's arithmetic; its filter is private)
//! and converts rows to RGB as a prototype does: compare the sides with each other only.

use std::io::Read;
use std::time::{Duration, Instant};

use cardfarm::card::png::BAND_ROWS;
use cardfarm::farm::dataset::Dataset;
use cardfarm::{Renderer, Stats};

/// Tile width in pixels.
const TILE: usize = 64;
/// fdeflate's stream starts with the zlib header and its block header: 53 bytes and 5 bits.
const HEADER_BITS: usize = 53 * 8 + 5;
/// fdeflate's end-of-block code.
const EOB_BITS: usize = 12;

/// A bit string being written, least significant bit first, as deflate writes bits.
#[derive(Default)]
struct Bits {
    bytes: Vec<u8>,
    buffer: u64,
    nbits: u32,
}

impl Bits {
    /// Appends the low `n` (at most 56) bits of `v`.
    #[inline]
    fn put(&mut self, v: u64, n: u32) {
        self.buffer |= v << self.nbits;
        self.nbits += n;
        if self.nbits >= 64 {
            self.bytes.extend_from_slice(&self.buffer.to_le_bytes());
            self.nbits -= 64;
            self.buffer = v.checked_shr(n - self.nbits).unwrap_or(0);
        }
    }

    /// Appends `n` bits of `src` from bit `start`.
    fn append(&mut self, src: &[u8], start: usize, n: usize) {
        let mut bit = start;
        let end = start + n;
        while bit < end {
            let byte = bit / 8;
            let mut word = [0u8; 8];
            let take = (src.len() - byte).min(8);
            word[..take].copy_from_slice(&src[byte..byte + take]);
            let k = (end - bit).min(56) as u32;
            let v = (u64::from_le_bytes(word) >> (bit % 8)) & ((1u64 << k) - 1);
            self.put(v, k);
            bit += k as usize;
        }
    }

    /// The bits written, and their number.
    fn finish(mut self) -> (Vec<u8>, usize) {
        let len = self.bytes.len() * 8 + self.nbits as usize;
        let tail = self.buffer.to_le_bytes();
        self.bytes
            .extend_from_slice(&tail[..(self.nbits as usize).div_ceil(8)]);
        (self.bytes, len)
    }
}

/// fdeflate's bits for `data` (between its block header and its end-of-block code), and the
/// Adler-32 of `data`.
fn fdeflate_bits(data: &[u8], scratch: &mut Vec<u8>) -> (usize, u32) {
    scratch.clear();
    let mut c = fdeflate::Compressor::new(&mut *scratch).unwrap();
    c.write_data(data).unwrap();
    c.finish().unwrap();
    let n = scratch.len();
    let adler = u32::from_be_bytes(scratch[n - 4..].try_into().unwrap());
    // The end-of-block code ends in a 1 bit; the zero bits above it are padding.
    let last = scratch[n - 5];
    let end = (n - 5) * 8 + (8 - last.leading_zeros() as usize);
    (end - EOB_BITS, adler)
}

/// fdeflate's code for each byte value as a literal (bits, length), read from its own output
/// for one byte: it codes every byte with one constant table.
fn literal_codes() -> Vec<(u64, u32)> {
    let mut scratch = Vec::new();
    (0..=255u8)
        .map(|b| {
            let (end, _) = fdeflate_bits(&[b], &mut scratch);
            let n = end - HEADER_BITS;
            let mut bits = Bits::default();
            bits.append(&scratch, HEADER_BITS, n);
            let (bytes, _) = bits.finish();
            let mut word = [0u8; 8];
            word[..bytes.len()].copy_from_slice(&bytes);
            (u64::from_le_bytes(word), n as u32)
        })
        .collect()
}

/// Writes `data` as literals with fdeflate's codes (no runs), four codes a write.
fn put_literals(data: &[u8], codes: &[(u64, u32)], out: &mut Bits) {
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let (b0, n0) = codes[c[0] as usize];
        let (b1, n1) = codes[c[1] as usize];
        let (b2, n2) = codes[c[2] as usize];
        let (b3, n3) = codes[c[3] as usize];
        // Codes are at most 14 bits: four fit in one write.
        out.put(
            b0 | b1 << n0 | b2 << (n0 + n1) | b3 << (n0 + n1 + n2),
            n0 + n1 + n2 + n3,
        );
    }
    for &b in chunks.remainder() {
        let (bits, n) = codes[b as usize];
        out.put(bits, n);
    }
}

fn adler_combine(first: u32, second: u32, len: u64) -> u32 {
    const BASE: u64 = 65521;
    let rem = len % BASE;
    let s1 = u64::from(first & 0xFFFF);
    let s2 = (rem * s1) % BASE;
    let a = (s1 + u64::from(second & 0xFFFF) + BASE - 1) % BASE;
    let b = (s2 + u64::from(first >> 16) + u64::from(second >> 16) + BASE - rem) % BASE;
    (a | (b << 16)) as u32
}

/// The `Paeth` predictor in the unsigned form the library uses (it vectorises).
#[inline(always)]
fn predict(a: u8, b: u8, c: u8) -> u8 {
    let pa = b.max(c) - b.min(c);
    let pb = a.max(c) - a.min(c);
    let pc = if (a < c) == (c < b) {
        pa.max(pb) - pa.min(pb)
    } else {
        255
    };
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// `Paeth`-filters bytes `from..to` of RGB row `cur` (above it `up`, zeros at the top).
fn paeth(cur: &[u8], up: Option<&[u8]>, from: usize, to: usize, out: &mut Vec<u8>) {
    let zeros;
    let up = match up {
        Some(up) => up,
        None => {
            zeros = vec![0u8; cur.len()];
            &zeros
        }
    };
    let start = out.len();
    out.resize(start + to - from, 0);
    let o = &mut out[start..];
    let head = from.max(3).min(to);
    for i in from..head {
        o[i - from] = cur[i].wrapping_sub(up[i]);
    }
    let (x, a, b, c) = (
        &cur[head..to],
        &cur[head - 3..to - 3],
        &up[head..to],
        &up[head - 3..to - 3],
    );
    for (i, o) in o[head - from..].iter_mut().enumerate() {
        *o = x[i].wrapping_sub(predict(a[i], b[i], c[i]));
    }
}

fn rgb(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect()
}

/// One background's tiles as fdeflate codes them: per row, per tile, the bits, their number,
/// and the Adler-32 and length of the filtered bytes they stand for.
type Coded = (Vec<u8>, usize, u32, u64);

struct Tiles {
    bits: Vec<Vec<Coded>>,
    filter_byte: (Vec<u8>, usize, u32),
}

fn tiles(bg_rgb: &[Vec<u8>], w: usize) -> Tiles {
    let mut scratch = Vec::new();
    let mut filtered = Vec::new();
    let mut bits = Vec::new();
    for r in 0..bg_rgb.len() {
        let up = r.checked_sub(1).map(|u| bg_rgb[u].as_slice());
        let mut row = Vec::new();
        for x0 in (0..w).step_by(TILE) {
            let x1 = (x0 + TILE).min(w);
            filtered.clear();
            paeth(&bg_rgb[r], up, x0 * 3, x1 * 3, &mut filtered);
            let (end, adler) = fdeflate_bits(&filtered, &mut scratch);
            let mut b = Bits::default();
            b.append(&scratch, HEADER_BITS, end - HEADER_BITS);
            let (bytes, n) = b.finish();
            row.push((bytes, n, adler, filtered.len() as u64));
        }
        bits.push(row);
    }
    let (end, adler) = fdeflate_bits(&[4], &mut scratch);
    let mut b = Bits::default();
    b.append(&scratch, HEADER_BITS, end - HEADER_BITS);
    let (bytes, n) = b.finish();
    Tiles {
        bits,
        filter_byte: (bytes, n, adler),
    }
}

fn main() -> anyhow::Result<()> {
    let n_users: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(30);
    let renderer = Renderer::load("templates".as_ref(), "fonts".as_ref())?;
    let dataset = Dataset::open("data/sample.jsonl".as_ref())?;
    // English users: one background per template.
    let users: Vec<Stats> = dataset
        .users()?
        .filter_map(Result::ok)
        .filter(|s| s.locale() == "en")
        .take(n_users)
        .collect();
    let mut scratch = Vec::new();
    let codes = literal_codes();
    assert!(
        codes.iter().all(|&(_, n)| n <= 14),
        "a code longer than 14 bits"
    );
    // fdeflate's header and end-of-block code, from an empty stream.
    fdeflate_bits(&[], &mut scratch);
    let empty = scratch.clone();
    println!(
        "{} users; per template: encode work per card (best of 3, median), today's, tiled \
         with fdeflate's spans spliced, tiled with the codes written directly",
        users.len()
    );
    let (mut sum_plain, mut sum_tiled, mut sum_direct) = (0.0, 0.0, 0.0);
    let (mut size_plain, mut tiled_size) = (0usize, [0usize; 2]);
    let mut cards = 0;
    for t in renderer.templates().iter() {
        let Some(f) = t.formats.get("story") else {
            continue;
        };
        let (w, h) = (f.width as usize, f.height as usize);
        let empty_layer =
            format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}"/>"#);
        let empty_layer = usvg::Tree::from_str(&empty_layer, &usvg::Options::default())?;
        let bg = renderer.rasterize(t, f, "en", &empty_layer)?;
        let bg_rgb: Vec<Vec<u8>> = bg.data().chunks_exact(w * 4).map(rgb).collect();
        let tiles = tiles(&bg_rgb, w);
        let (mut t_plain, mut t_tiled, mut t_direct) = (Vec::new(), Vec::new(), Vec::new());
        for stats in &users {
            let source = cardfarm::Source {
                stats,
                root: Some(dataset.root()),
            };
            let filled = renderer.fill(source, t, f)?;
            let card = renderer.rasterize(t, f, "en", &renderer.parse(t, &filled)?)?;
            let (c, b) = (card.data(), bg.data());
            let stride = w * 4;
            let differs: Vec<bool> = (0..h)
                .map(|r| c[r * stride..(r + 1) * stride] != b[r * stride..(r + 1) * stride])
                .collect();
            let mut runs: Vec<(usize, usize)> = Vec::new();
            for band in 0..h.div_ceil(BAND_ROWS) {
                let (s, e) = (band * BAND_ROWS, ((band + 1) * BAND_ROWS).min(h));
                if differs[s.saturating_sub(1)..e].iter().any(|&d| d) {
                    match runs.last_mut() {
                        Some(run) if run.1 == s => run.1 = e,
                        _ => runs.push((s, e)),
                    }
                }
            }
            let mut best = (Duration::MAX, Duration::MAX, Duration::MAX);
            for _ in 0..3 {
                // (a) Today: every row of each run dropped to RGB, filtered and compressed.
                let started = Instant::now();
                let mut plain_size = 0;
                let mut plain_bytes = Vec::new();
                for &(s, e) in &runs {
                    let rows: Vec<Vec<u8>> = (s.saturating_sub(1)..e)
                        .map(|r| rgb(&c[r * stride..(r + 1) * stride]))
                        .collect();
                    let off = usize::from(s > 0);
                    let mut filtered = Vec::new();
                    for r in s..e {
                        filtered.push(4);
                        let up = (r > 0).then(|| rows[r - s + off - 1].as_slice());
                        paeth(&rows[r - s + off], up, 0, w * 3, &mut filtered);
                    }
                    fdeflate_bits(&filtered, &mut scratch);
                    plain_size += scratch.len();
                    plain_bytes.push(filtered);
                }
                let plain = started.elapsed();
                // (b) Tiled: changed tiles filtered and compressed in spans, the rest copied;
                // the spans by fdeflate (its bits spliced in), then (c) written directly as
                // literals with fdeflate's codes.
                let mut tiled_times = [Duration::ZERO; 2];
                for (mode, direct) in [None, Some(&codes[..])].into_iter().enumerate() {
                    let started = Instant::now();
                    let mut streams = Vec::new();
                    for &(s, e) in &runs {
                        let rows: Vec<Vec<u8>> = (s.saturating_sub(1)..e)
                            .map(|r| rgb(&c[r * stride..(r + 1) * stride]))
                            .collect();
                        let off = usize::from(s > 0);
                        let mut out = Bits::default();
                        out.append(&empty, 0, HEADER_BITS);
                        let (mut adler, mut span) = (1u32, Vec::new());
                        let flush = |span: &mut Vec<u8>,
                                     out: &mut Bits,
                                     adler: &mut u32,
                                     scratch: &mut Vec<u8>| {
                            if span.is_empty() {
                                return;
                            }
                            let a = match direct {
                                Some(codes) => {
                                    put_literals(span, codes, out);
                                    let mut sum = simd_adler32::Adler32::new();
                                    sum.write(span);
                                    sum.finish()
                                }
                                None => {
                                    let (end, a) = fdeflate_bits(span, scratch);
                                    out.append(scratch, HEADER_BITS, end - HEADER_BITS);
                                    a
                                }
                            };
                            *adler = adler_combine(*adler, a, span.len() as u64);
                            span.clear();
                        };
                        // Per row, whether each tile (with the pixel left of it) is the
                        // background's: a row that is the background's needs no comparing.
                        let n_tiles = w.div_ceil(TILE);
                        let masks: Vec<Vec<bool>> = (s.saturating_sub(1)..e)
                            .map(|rr| {
                                if !differs[rr] {
                                    return vec![true; n_tiles];
                                }
                                (0..w)
                                    .step_by(TILE)
                                    .map(|x0| {
                                        let lo = rr * stride + x0.saturating_sub(1) * 4;
                                        let hi = rr * stride + (x0 + TILE).min(w) * 4;
                                        c[lo..hi] == b[lo..hi]
                                    })
                                    .collect()
                            })
                            .collect();
                        for r in s..e {
                            let (fb, fbl, fa) = &tiles.filter_byte;
                            flush(&mut span, &mut out, &mut adler, &mut scratch);
                            out.append(fb, 0, *fbl);
                            adler = adler_combine(adler, *fa, 1);
                            for (k, x0) in (0..w).step_by(TILE).enumerate() {
                                let x1 = (x0 + TILE).min(w);
                                let row = r - s + off;
                                if masks[row][k] && (r == 0 || masks[row - 1][k]) {
                                    flush(&mut span, &mut out, &mut adler, &mut scratch);
                                    let (bits, n, a, len) = &tiles.bits[r][k];
                                    out.append(bits, 0, *n);
                                    adler = adler_combine(adler, *a, *len);
                                } else {
                                    let up = (r > 0).then(|| rows[r - s + off - 1].as_slice());
                                    paeth(&rows[r - s + off], up, x0 * 3, x1 * 3, &mut span);
                                }
                            }
                        }
                        flush(&mut span, &mut out, &mut adler, &mut scratch);
                        out.append(&empty, HEADER_BITS, EOB_BITS);
                        let (mut bytes, _) = out.finish();
                        bytes.extend_from_slice(&adler.to_be_bytes());
                        tiled_size[mode] += bytes.len();
                        streams.push(bytes);
                    }
                    tiled_times[mode] = started.elapsed();
                    for (stream, expected) in streams.iter().zip(&plain_bytes) {
                        let mut decoded = Vec::new();
                        flate2::read::ZlibDecoder::new(&stream[..])
                            .read_to_end(&mut decoded)
                            .expect("the tiled stream decodes");
                        assert!(&decoded == expected, "{}: other bytes", t.name);
                    }
                }
                best = (
                    best.0.min(plain),
                    best.1.min(tiled_times[0]),
                    best.2.min(tiled_times[1]),
                );
                size_plain += plain_size;
            }
            t_plain.push(best.0.as_secs_f64() * 1e3);
            t_tiled.push(best.1.as_secs_f64() * 1e3);
            t_direct.push(best.2.as_secs_f64() * 1e3);
            cards += 1;
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let (p, q, d) = (
            median(&mut t_plain),
            median(&mut t_tiled),
            median(&mut t_direct),
        );
        println!(
            "  {:16} {p:6.2} ms  {q:6.2} ms {:.2}x  {d:6.2} ms {:.2}x",
            t.name,
            q / p,
            d / p
        );
        sum_plain += t_plain.iter().sum::<f64>();
        sum_tiled += t_tiled.iter().sum::<f64>();
        sum_direct += t_direct.iter().sum::<f64>();
    }
    let n = cards as f64;
    println!(
        "  all ({cards} cards)   {:6.2} ms  {:6.2} ms {:.2}x  {:6.2} ms {:.2}x (means)",
        sum_plain / n,
        sum_tiled / n,
        sum_tiled / sum_plain,
        sum_direct / n,
        sum_direct / sum_plain,
    );
    println!(
        "  bytes of the changed bands against today's: {:.3}x spliced, {:.3}x direct",
        tiled_size[0] as f64 / size_plain as f64,
        tiled_size[1] as f64 / size_plain as f64
    );
    Ok(())
}
