//! Prometheus metrics for the HTTP endpoint.

use prometheus::{
    HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
};

pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub render_seconds: HistogramVec,
    pub cache_hits: IntCounter,
    pub cache_misses: IntCounter,
    pub coalesced: IntCounter,
    /// Stored cards looked up (`--cards`), by what was found: served, missing, stale,
    /// unreadable, error.
    pub stored_cards: IntCounterVec,
    /// Rendered cards written back to storage, by result: ok, failed.
    pub stored_writes: IntCounterVec,
    pub queue_depth: IntGauge,
    pub in_flight: IntGauge,
    pub connections: IntGauge,
    /// The process's panic counter ([`crate::metrics::panics`]), shown here too.
    pub panics: IntCounter,
}

impl Metrics {
    pub fn new() -> Metrics {
        let requests = IntCounterVec::new(
            Opts::new(
                "cardfarm_http_requests_total",
                "HTTP requests by route and status",
            ),
            &["route", "status"],
        )
        .expect("valid metric");
        let render_seconds = HistogramVec::new(
            HistogramOpts::new("cardfarm_render_seconds", "Card render time by template").buckets(
                vec![
                    0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0,
                ],
            ),
            &["template"],
        )
        .expect("valid metric");
        let cache_hits = IntCounter::new(
            "cardfarm_cache_hits_total",
            "Cards served from the PNG cache",
        )
        .expect("valid metric");
        let cache_misses = IntCounter::new(
            "cardfarm_cache_misses_total",
            "Cards not in the PNG cache (then read from storage or rendered)",
        )
        .expect("valid metric");
        let coalesced = IntCounter::new(
            "cardfarm_cache_coalesced_total",
            "Cache misses that waited for a render of the same card already running",
        )
        .expect("valid metric");
        let stored_cards = IntCounterVec::new(
            Opts::new(
                "cardfarm_stored_cards_total",
                "Stored cards looked up before rendering, by outcome \
                 (served, missing, stale, unreadable, error)",
            ),
            &["outcome"],
        )
        .expect("valid metric");
        let stored_writes = IntCounterVec::new(
            Opts::new(
                "cardfarm_stored_card_writes_total",
                "Rendered cards written back to storage, by result (ok, failed, skipped: too many write-backs at once)",
            ),
            &["result"],
        )
        .expect("valid metric");
        let queue_depth = IntGauge::new(
            "cardfarm_render_queue_depth",
            "Renders waiting for a render thread",
        )
        .expect("valid metric");
        let in_flight = IntGauge::new("cardfarm_renders_in_flight", "Renders running now")
            .expect("valid metric");
        let connections = IntGauge::new("cardfarm_http_connections", "Client connections open now")
            .expect("valid metric");
        let registry = crate::metrics::registry(vec![
            Box::new(requests.clone()),
            Box::new(render_seconds.clone()),
            Box::new(cache_hits.clone()),
            Box::new(cache_misses.clone()),
            Box::new(coalesced.clone()),
            Box::new(stored_cards.clone()),
            Box::new(stored_writes.clone()),
            Box::new(queue_depth.clone()),
            Box::new(in_flight.clone()),
            Box::new(connections.clone()),
            Box::new(crate::metrics::panics().clone()),
        ]);
        Metrics {
            registry,
            requests,
            render_seconds,
            cache_hits,
            cache_misses,
            coalesced,
            stored_cards,
            stored_writes,
            queue_depth,
            in_flight,
            connections,
            panics: crate::metrics::panics().clone(),
        }
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> String {
        crate::metrics::text(&self.registry)
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
