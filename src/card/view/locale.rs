//! Locale: numbers and plurals the way the listener reads them (48,213 / 48.213 / 48 213).

use num_format::{Locale, ToFormattedString};

/// Formats an integer with the grouping of `locale` (a language tag such as `en`, `de`,
/// `pt-BR`). Unknown tags fall back to the language alone, then to English.
pub fn integer(n: u64, locale: &str) -> String {
    n.to_formatted_string(&find(locale))
}

/// Formats a number with at most `decimals` digits after the separator, trailing zeros
/// dropped: 0.5, 12, 1.25.
pub fn decimal(x: f64, decimals: usize, locale: &str) -> String {
    let locale = find(locale);
    let rounded = format!("{:.*}", decimals, x.abs());
    let (whole, fraction) = rounded.split_once('.').unwrap_or((&rounded, ""));
    let fraction = fraction.trim_end_matches('0');
    let whole: u64 = whole.parse().unwrap_or(0);
    let sign = if x < 0.0 && (whole > 0 || !fraction.is_empty()) {
        "-"
    } else {
        ""
    };
    let mut out = format!("{sign}{}", whole.to_formatted_string(&locale));
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
