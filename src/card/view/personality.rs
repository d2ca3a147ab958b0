//! Personality: a listening type derived from the 24-hour clock (night owl, early bird, …).

use serde::Serialize;

/// A listening personality for the clock card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Personality {
    /// Stable key for templates that style by type: `night-owl`, `early-bird`, …
    /// Its name and tagline are the catalog's `personality-name` and `personality-tagline`.
    pub key: &'static str,
    /// Busiest hour, 0 to 23; `None` without listening.
    pub peak_hour: Option<usize>,
    /// The busiest hour in English: `11 pm` (cards print the `clock-hour` message instead).
    pub peak_label: Option<String>,
    /// The busiest hour on a 12-hour clock, 1 to 12, and its half of the day, `am` or `pm`:
    /// the variables of the `clock-hour` message.
    pub peak_hour12: Option<usize>,
    pub peak_period: Option<&'static str>,
    /// The middle of the busiest hour on a 24-hour dial, in turns (0–1), for a marker.
    pub peak_turn: Option<f64>,
}

/// Share of minutes in the hours `hours` (wrapping past midnight).
fn share(clock: &[f64], total: f64, hours: &[usize]) -> f64 {
    hours.iter().map(|h| clock[*h]).sum::<f64>() / total
}

/// Derives the personality from a clock of 24 hourly minute counts (`None`: not known).
pub fn of_clock(clock: Option<&[f64]>) -> Personality {
    let mystery = Personality {
        key: "mystery",
        peak_hour: None,
        peak_label: None,
        peak_hour12: None,
        peak_period: None,
        peak_turn: None,
    };
    let Some(clock) = clock.filter(|c| c.len() == 24) else {
        return mystery;
    };
    let total: f64 = clock.iter().sum();
    if total <= 0.0 {
        return mystery;
    }
    let peak = (0..24)
        .max_by(|a, b| clock[*a].total_cmp(&clock[*b]).then(b.cmp(a)))
        .unwrap_or(0);
    let night = share(clock, total, &[22, 23, 0, 1, 2, 3, 4]);
    let morning = share(clock, total, &[5, 6, 7, 8, 9]);
    let commute = share(clock, total, &[7, 8, 9, 17, 18, 19]);
    let evening = share(clock, total, &[17, 18, 19, 20, 21]);
    let day = share(clock, total, &[10, 11, 12, 13, 14, 15, 16]);
    let key = if night >= 0.35 {
        "night-owl"
    } else if morning >= 0.30 && commute < 0.45 {
        "early-bird"
    } else if commute >= 0.45 {
        "commuter"
    } else if evening >= 0.35 {
        "sunset-chaser"
    } else if day >= 0.45 {
        "daydreamer"
    } else {
        "around-the-clock"
    };
    Personality {
        key,
        peak_hour: Some(peak),
        peak_label: Some(hour_label(peak)),
        peak_hour12: Some(hour12(peak)),
        peak_period: Some(if peak < 12 { "am" } else { "pm" }),
        peak_turn: Some((peak as f64 + 0.5) / 24.0),
    }
}

/// `0` → `12 am`, `13` → `1 pm`.
pub fn hour_label(hour: usize) -> String {
    format!("{} {}", hour12(hour), if hour < 12 { "am" } else { "pm" })
}

/// `0` → `12`, `13` → `1`.
fn hour12(hour: usize) -> usize {
    match hour % 12 {
        0 => 12,
        h => h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock_peaking(hours: &[usize]) -> Vec<f64> {
        (0..24)
            .map(|h| if hours.contains(&h) { 100.0 } else { 5.0 })
            .collect()
    }

    #[test]
    fn types() {
        assert_eq!(of_clock(Some(&clock_peaking(&[23, 0, 1]))).key, "night-owl");
        assert_eq!(of_clock(Some(&clock_peaking(&[5, 6]))).key, "early-bird");
        assert_eq!(
            of_clock(Some(&clock_peaking(&[7, 8, 17, 18]))).key,
            "commuter"
        );
        assert_eq!(of_clock(Some(&[0.0; 24])).key, "mystery");
        assert_eq!(of_clock(None).key, "mystery");
        assert_eq!(of_clock(Some(&[10.0; 24])).key, "around-the-clock");
    }

    #[test]
    fn labels() {
        assert_eq!(hour_label(0), "12 am");
        assert_eq!(hour_label(12), "12 pm");
        assert_eq!(hour_label(23), "11 pm");
        assert_eq!(
            of_clock(Some(&clock_peaking(&[23]))).peak_label.as_deref(),
            Some("11 pm")
        );
    }
}
