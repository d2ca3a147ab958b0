//! Config: how the server behaves, with the defaults `cardfarm serve` uses. The CLI builds
//! one from flags and `CARDFARM_*` environment; the library reads no environment itself.

use std::net::SocketAddr;
use std::time::Duration;

use crate::farm::sink::Sink;

/// How the server behaves. Every field's default is what `cardfarm serve` uses.
#[derive(Debug, Clone)]
pub struct Config {
    /// Default: 127.0.0.1:8080.
    pub addr: SocketAddr,
    /// Key for signed card links; `None` serves unsigned links. Default: none.
    pub signing_key: Option<Vec<u8>>,
    /// The key before the current one, still accepted while links signed with it are out
    /// there (key rotation). Only with a `signing_key`. Default: none.
    pub previous_signing_key: Option<Vec<u8>>,
    /// Refuse signed links without an `exp`, so no link is valid for ever. Default: false.
    pub require_expiry: bool,
    /// Bearer key for `POST /v1/render`; `None` leaves it open. Default: none.
    pub api_key: Option<String>,
    /// Renders at once. Default: the number of cores.
    pub render_threads: usize,
    /// Renders that may wait for a thread before requests get 503. Default: 2 × threads.
    pub queue: usize,
    /// Bytes of PNGs kept in memory. Default: 256 MiB.
    pub cache_bytes: usize,
    /// Largest request body. Default: 1 MiB.
    pub max_body: usize,
    /// Whole-request deadline. Default: 30 s.
    pub timeout: Duration,
    /// How long a client may take to send its body. Default: 10 s.
    pub body_timeout: Duration,
    /// How long a connection may take to send a request's headers, and stay idle between
    /// requests. Default: 10 s.
    pub header_timeout: Duration,
    /// Connections open at once; past that, new ones wait in the kernel's backlog.
    /// Default: 1024.
    pub max_connections: usize,
    /// After the shutdown signal, how long in-flight requests may take before their
    /// connections are cut. Default: 30 s.
    pub shutdown_timeout: Duration,
    /// The farm's output (`cardfarm serve --cards`): a stored user's card found there with
    /// the fingerprint it has now is served without rendering; a missing or stale one is
    /// rendered and written back. `None` renders every card. Default: none.
    pub cards: Option<Sink>,
    /// How long reading one stored card may take before it is rendered instead. Default: 2 s.
    pub cards_timeout: Duration,
    /// Write-backs of rendered cards to `cards` running at once. Past that a card is served
    /// but not written back (the next miss tries again), so slow storage cannot pile up
    /// memory. Default: 64.
    pub max_write_backs: usize,
    /// Users who get no card: answered like an unknown user, on every route, whether the card
    /// would be drawn or read from storage. (A PostgreSQL store also checks its own
    /// `cardfarm_opt_out` table.) Default: empty.
    pub opt_out: crate::opt_out::Shared,
}

impl Default for Config {
    fn default() -> Self {
        let cores = crate::card::threads::cores();
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            signing_key: None,
            previous_signing_key: None,
            require_expiry: false,
            api_key: None,
            render_threads: cores,
            queue: 2 * cores,
            cache_bytes: 256 << 20,
            max_body: 1 << 20,
            timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
            shutdown_timeout: Duration::from_secs(30),
            cards: None,
            cards_timeout: Duration::from_secs(2),
            max_write_backs: 64,
            opt_out: Default::default(),
        }
    }
}
