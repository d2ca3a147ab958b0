//! The `Paeth` row filter for 8-bit RGB rows, as the spliced encoder needs it: a band of rows
//! filtered against the row above it, which may belong to another band. The `png` crate's
//! filters are private, so this is the same arithmetic (the PNG specification's predictor, in
//! the unsigned form of FPNGE that compilers vectorise), checked against the crate's decoder
//! in the tests.

/// The filter-type byte PNG writes before a `Paeth` row.
const PAETH: u8 = 4;
/// Bytes per pixel of 8-bit RGB.
const BPP: usize = 3;

/// Appends `rows` (whole rows of `stride` bytes) to `out`, each as its filter byte and its
/// `Paeth`-filtered bytes. `above` is the row before the first one; `None` at the top of the
/// image, where the specification predicts from zeros.
pub fn paeth(rows: &[u8], above: Option<&[u8]>, stride: usize, out: &mut Vec<u8>) {
    let zeros;
    let mut previous = match above {
        Some(row) => row,
        None => {
            zeros = vec![0; stride];
            &zeros[..]
        }
    };
    for current in rows.chunks_exact(stride) {
        let start = out.len();
        out.resize(start + 1 + stride, 0);
        out[start] = PAETH;
        filter_row(previous, current, &mut out[start + 1..]);
        previous = current;
    }
}

pub(super) fn filter_row(previous: &[u8], current: &[u8], output: &mut [u8]) {
    let n = current.len().min(BPP);
    for i in 0..n {
        // No left neighbour: the predictor is the byte above.
        output[i] = current[i].wrapping_sub(previous[i]);
    }
    if current.len() <= BPP {
        return;
    }
    // Chunks of 32 let the compiler vectorise the loop (the `png` crate found the same).
    const CHUNK: usize = 32;
    let len = current.len();
    let mut out = output[BPP..].chunks_exact_mut(CHUNK);
    let mut cur = current[BPP..].chunks_exact(CHUNK);
    let mut left = current[..len - BPP].chunks_exact(CHUNK);
    let mut up = previous[BPP..].chunks_exact(CHUNK);
    let mut diag = previous[..len - BPP].chunks_exact(CHUNK);
    for ((((o, x), a), b), c) in (&mut out)
        .zip(&mut cur)
        .zip(&mut left)
        .zip(&mut up)
        .zip(&mut diag)
    {
        for i in 0..CHUNK {
            o[i] = x[i].wrapping_sub(predict(a[i], b[i], c[i]));
        }
    }
    for ((((o, &x), &a), &b), &c) in out
        .into_remainder()
        .iter_mut()
        .zip(cur.remainder())
        .zip(left.remainder())
        .zip(up.remainder())
        .zip(diag.remainder())
    {
        *o = x.wrapping_sub(predict(a, b, c));
    }
}

/// The Paeth predictor of left `a`, up `b` and up-left `c`, without signed arithmetic:
/// `pa = |b - c|`, `pb = |a - c|`, and `pc = |pa - pb|` when `c` lies between `a` and `b`
/// (otherwise `pc` is larger than both and never wins).
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The specification's predictor, in signed arithmetic.
    fn reference(a: u8, b: u8, c: u8) -> u8 {
        let p = i16::from(a) + i16::from(b) - i16::from(c);
        let (pa, pb, pc) = (
            (p - i16::from(a)).abs(),
            (p - i16::from(b)).abs(),
            (p - i16::from(c)).abs(),
        );
        if pa <= pb && pa <= pc {
            a
        } else if pb <= pc {
            b
        } else {
            c
        }
    }

    #[test]
    fn the_predictor_is_the_specifications_for_every_input() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                for c in (0..=255u8).step_by(3) {
                    assert_eq!(predict(a, b, c), reference(a, b, c), "{a} {b} {c}");
                }
            }
        }
    }
}
