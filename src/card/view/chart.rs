//! Chart: geometry for the cards' charts, computed here so templates hold no arithmetic.
//!
//! Every function returns SVG path data (`d`) in the template's pixel space. Angles are in
//! turns (0 to 1), clockwise from twelve o'clock, as a listener reads a dial.

use std::f64::consts::TAU;
use std::fmt::Write;

/// An annular sector (a ring slice) from turn `from` to turn `to`, between radii `inner` and
/// `outer`. A full turn becomes a complete ring.
pub fn ring_slice(cx: f64, cy: f64, inner: f64, outer: f64, from: f64, to: f64) -> String {
    let (from, to) = (from.min(to), from.max(to));
    if to - from <= 0.0 || outer <= inner.max(0.0) {
        return String::new();
    }
    if to - from >= 0.9999 {
        // Two half circles each way; an arc from a point to itself draws nothing.
        let mut d = String::new();
        for r in [outer, inner].into_iter().filter(|r| *r > 0.0) {
            let _ = write!(
                d,
                "M{:.2} {:.2}A{r:.2} {r:.2} 0 1 1 {:.2} {:.2}A{r:.2} {r:.2} 0 1 1 {:.2} {:.2}Z",
                cx,
                cy - r,
                cx,
                cy + r,
                cx,
                cy - r
            );
        }
        return d;
    }
    let point = |r: f64, t: f64| {
        let a = t * TAU;
        (cx + r * a.sin(), cy - r * a.cos())
    };
    let large = if to - from > 0.5 { 1 } else { 0 };
    let (ox0, oy0) = point(outer, from);
    let (ox1, oy1) = point(outer, to);
    let mut d = format!("M{ox0:.2} {oy0:.2}A{outer:.2} {outer:.2} 0 {large} 1 {ox1:.2} {oy1:.2}");
    if inner > 0.0 {
        let (ix1, iy1) = point(inner, to);
        let (ix0, iy0) = point(inner, from);
        let _ = write!(
            d,
            "L{ix1:.2} {iy1:.2}A{inner:.2} {inner:.2} 0 {large} 0 {ix0:.2} {iy0:.2}Z"
        );
    } else {
        let _ = write!(d, "L{cx:.2} {cy:.2}Z");
    }
    d
}

/// The 24-hour listening clock: one bar per hour, hour 0 at the top, growing outward from
/// `inner` to at most `outer` in proportion to the busiest hour. `gap` is the space between
/// bars, in turns. Hours with no listening draw a hairline stub so the dial stays whole.
pub fn clock_bars(clock: &[f64], cx: f64, cy: f64, inner: f64, outer: f64, gap: f64) -> String {
    let max = clock.iter().copied().fold(0.0, f64::max);
    let slot = 1.0 / 24.0;
    let stub = (outer - inner) * 0.03;
    let mut d = String::new();
    for (hour, minutes) in clock.iter().enumerate().take(24) {
        let share = if max > 0.0 { minutes / max } else { 0.0 };
        let r = inner + stub + (outer - inner - stub) * share;
        let from = hour as f64 * slot + gap / 2.0;
        d.push_str(&ring_slice(cx, cy, inner, r, from, from + slot - gap));
    }
    d
}

/// A point on a dial: `(x, y)` at radius `r` and turn `t`.
pub fn dial_point(cx: f64, cy: f64, r: f64, t: f64) -> (f64, f64) {
    let a = t * TAU;
    (cx + r * a.sin(), cy - r * a.cos())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarter_slice_goes_from_top_to_right() {
        let d = ring_slice(100.0, 100.0, 50.0, 100.0, 0.0, 0.25);
        assert!(
            d.starts_with("M100.00 0.00A100.00 100.00 0 0 1 200.00 100.00"),
            "{d}"
        );
        assert!(d.contains("L150.00 100.00"), "{d}");
    }

    #[test]
    fn empty_and_full_slices() {
        assert_eq!(ring_slice(0.0, 0.0, 1.0, 2.0, 0.3, 0.3), "");
        let full = ring_slice(0.0, 0.0, 1.0, 2.0, 0.0, 1.0);
        assert_eq!(
            full.matches('M').count(),
            2,
            "outer and inner circles: {full}"
        );
    }

    #[test]
    fn clock_has_24_bars_even_when_silent() {
        let d = clock_bars(&[0.0; 24], 0.0, 0.0, 10.0, 20.0, 0.01);
        assert_eq!(d.matches('M').count(), 24);
    }
}
