//! Metrics: the Prometheus side shared by the server's and the farm's metrics. Each part owns
//! its own counters; this module registers them and writes the text exposition that
//! `/metrics` answers.

use prometheus::core::Collector;
use prometheus::{Encoder, Registry, TextEncoder};

/// A registry holding `collectors`. Their names must differ: the metric sets are fixed in the
/// code, so a clash is a bug and panics at start-up, never later.
pub fn registry(collectors: Vec<Box<dyn Collector>>) -> Registry {
    let registry = Registry::new();
    for c in collectors {
        registry.register(c).expect("metric names are unique");
    }
    registry
}

/// The Prometheus text exposition (format 0.0.4) of every metric in `registry`.
pub fn text(registry: &Registry) -> String {
    let mut out = Vec::new();
    // Encoding into a Vec fails only on metrics the registry could not have accepted.
    let _ = TextEncoder::new().encode(&registry.gather(), &mut out);
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use prometheus::IntCounter;

    use super::*;

    #[test]
    fn text_lists_registered_metrics() {
        let done = IntCounter::new("cardfarm_test_done_total", "Things done").unwrap();
        let registry = registry(vec![Box::new(done.clone())]);
        done.inc_by(3);
        let text = text(&registry);
        assert!(
            text.contains("# HELP cardfarm_test_done_total Things done"),
            "{text}"
        );
        assert!(text.contains("cardfarm_test_done_total 3"), "{text}");
    }
}
