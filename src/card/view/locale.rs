//! Locale: numbers and plurals the way the listener reads them (48,213 / 48.213 / 48 213).

use num_format::{Grouping, Locale, ToFormattedString};

/// Formats an integer with the grouping of `locale` (a language tag such as `en`, `de`,
/// `pt-BR`). Unknown tags fall back to the language alone, then to English.
pub fn integer(n: u64, locale: &str) -> String {
    n.to_formatted_string(&find(locale))
}

/// Formats a number with at most `decimals` digits after the separator, trailing zeros
/// dropped: 0.5, 12, 1.25. Any finite size keeps all its digits (1e20 is
/// `100,000,000,000,000,000,000`, not a wrapped or zeroed integer); a non-finite value is 0.
pub fn decimal(x: f64, decimals: usize, locale: &str) -> String {
    let locale = find(locale);
    let x = if x.is_finite() { x } else { 0.0 };
    let rounded = format!("{:.*}", decimals, x.abs());
    let (whole, fraction) = rounded.split_once('.').unwrap_or((&rounded, ""));
    let fraction = fraction.trim_end_matches('0');
    let sign = if x < 0.0 && (whole.bytes().any(|b| b != b'0') || !fraction.is_empty()) {
        "-"
    } else {
        ""
    };
    let mut out = format!("{sign}{}", group(whole, &locale));
    if !fraction.is_empty() {
        out.push_str(locale.decimal());
        out.push_str(fraction);
    }
    out
}

/// Formats a number with at least `digits` significant digits, so small values keep their
/// meaning: 0.001 stays `0.001`, not `0`; 0.5 is `0.5`; 12 is `12`.
pub fn significant(x: f64, digits: u32, locale: &str) -> String {
    if x == 0.0 || !x.is_finite() {
        return decimal(0.0, 0, locale);
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (digits as i32 - 1 - magnitude).clamp(0, 12) as usize;
    decimal(x, decimals, locale)
}

/// The ASCII digits `digits` with the thousands grouping of `locale` (what
/// `to_formatted_string` does for an integer, for a whole part of any length).
fn group(digits: &str, locale: &Locale) -> String {
    let separator = locale.separator();
    let (head, tail) = match locale.grouping() {
        Grouping::Posix => return digits.to_string(),
        Grouping::Standard => (3, 3),
        Grouping::Indian => (3, 2),
    };
    if digits.len() <= head || separator.is_empty() {
        return digits.to_string();
    }
    let (rest, last) = digits.split_at(digits.len() - head);
    // Groups of `tail` from the right of `rest`; the first may be shorter.
    let first = match rest.len() % tail {
        0 => tail,
        n => n,
    };
    let mut out = String::with_capacity(digits.len() * 2);
    out.push_str(&rest[..first]);
    for chunk in rest.as_bytes()[first..].chunks(tail) {
        out.push_str(separator);
        out.extend(chunk.iter().map(|&b| b as char));
    }
    out.push_str(separator);
    out.push_str(last);
    out
}

/// English plural choice: `one` for exactly 1, `other` otherwise.
pub fn plural<'a>(n: f64, one: &'a str, other: &'a str) -> &'a str {
    if n == 1.0 {
        one
    } else {
        other
    }
}

fn find(tag: &str) -> Locale {
    let tag = tag.replace('_', "-");
    Locale::from_name(&tag)
        .or_else(|_| Locale::from_name(tag.split('-').next().unwrap_or("en")))
        .unwrap_or(Locale::en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_locale() {
        assert_eq!(integer(48213, "en"), "48,213");
        assert_eq!(integer(48213, "de"), "48.213");
        assert_eq!(integer(1234567, "hi"), "12,34,567");
        assert_eq!(integer(48213, "xx-YY"), "48,213");
        assert_eq!(integer(7, "en"), "7");
    }

    #[test]
    fn decimals_drop_trailing_zeros() {
        assert_eq!(decimal(0.5, 2, "en"), "0.5");
        assert_eq!(decimal(0.5, 2, "de"), "0,5");
        assert_eq!(decimal(12.0, 1, "en"), "12");
        assert_eq!(decimal(1234.25, 2, "en"), "1,234.25");
    }

    #[test]
    fn numbers_past_u64_keep_their_digits() {
        assert_eq!(decimal(1e20, 0, "en"), "100,000,000,000,000,000,000");
        assert_eq!(decimal(-1e20, 0, "en"), "-100,000,000,000,000,000,000");
        assert_eq!(decimal(1e20, 0, "hi"), "10,00,00,00,00,00,00,00,00,000");
        assert_eq!(
            decimal(u64::MAX as f64, 0, "de"),
            "18.446.744.073.709.551.616"
        );
        assert_eq!(significant(1e21, 2, "en"), "1,000,000,000,000,000,000,000");
        assert_eq!(decimal(f64::INFINITY, 0, "en"), "0");
    }

    #[test]
    fn grouping_matches_num_format_for_integers() {
        for locale in ["en", "de", "fr", "hi", "en-IN", "xx"] {
            for n in [0u64, 7, 999, 1000, 12345, 123456, 1234567, 48213, 1 << 53] {
                assert_eq!(decimal(n as f64, 0, locale), integer(n, locale));
            }
        }
    }

    #[test]
    fn significant_digits_keep_small_values() {
        assert_eq!(significant(0.001, 2, "en"), "0.001");
        assert_eq!(significant(0.5, 2, "en"), "0.5");
        assert_eq!(significant(0.25, 2, "de"), "0,25");
        assert_eq!(significant(2.0, 2, "en"), "2");
        assert_eq!(significant(12.0, 2, "en"), "12");
        assert_eq!(significant(0.0, 2, "en"), "0");
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1.0, "minute", "minutes"), "minute");
        assert_eq!(plural(0.0, "minute", "minutes"), "minutes");
        assert_eq!(plural(2.0, "minute", "minutes"), "minutes");
    }
}
