//! Metrics: the Prometheus side shared by the server's and the farm's metrics. Each part owns
//! its own counters; this module registers them and writes the text exposition that
//! `/metrics` answers.
//!
//! It also holds the one thing every process counts alike: panics. [`install_panic_hook`]
//! replaces the default hook (a backtrace on stderr, outside the logs) with one that logs the
//! panic through `tracing`, with its message and `file:line`, and counts it in
//! [`panics`] (`cardfarm_panics_total`, on the server's and the worker's `/metrics`). Code
//! that survives a panic still catches it where it happens (a render becomes that card's
//! error, a request a 500); the hook only makes sure none goes unseen.

use std::sync::OnceLock;

use prometheus::core::Collector;
use prometheus::{Encoder, IntCounter, Registry, TextEncoder};

/// Panics in this process since it started, caught or not. One counter per process, shared by
/// every registry that shows it.
pub fn panics() -> &'static IntCounter {
    static PANICS: OnceLock<IntCounter> = OnceLock::new();
    PANICS.get_or_init(|| {
        IntCounter::new(
            "cardfarm_panics_total",
            "Panics (bugs) in this process, caught or not; each is logged with its location",
        )
        .expect("valid metric")
    })
}

/// Sets the process's panic hook: every panic is counted in [`panics`] and logged as an error
/// with its message, location (`file:line:column`) and thread. Without a `tracing` subscriber
/// (a plain CLI command) the same line goes to stderr. Calling it again changes nothing.
pub fn install_panic_hook() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        std::panic::set_hook(Box::new(|info| {
            panics().inc();
            let location = info.location().map_or_else(
                || "unknown location".to_string(),
                |l| format!("{}:{}:{}", l.file(), l.line(), l.column()),
            );
            let message = crate::error::panic_message(info.payload());
            let thread = std::thread::current();
            let thread = thread.name().unwrap_or("unnamed");
            if tracing::dispatcher::has_been_set() {
                tracing::error!(%location, %message, thread, "panic");
            } else {
                eprintln!("panic at {location} (thread {thread}): {message}");
            }
        }));
    });
}

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
