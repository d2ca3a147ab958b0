//! cardfarm: personal "year in music" story cards, rendered without a browser.
//!
//! The data flows one way:
//!
//! ```text
//! user stats ─fill─▶ Svg ─parse─▶ usvg Tree ─rasterize─▶ Pixmap ─encode─▶ Png ─put─▶ sink
//! ```
//!
//! Four parts, each a folder that reads as its own table of contents:
//!
//! - [`card`]: the pipeline for one card, stats → PNG, stage by stage:
//!   1. [`card::model`]: one user's stats, parsed and validated.
//!   2. [`card::view`]: the stats as templates see them, everything derived in Rust.
//!   3. [`card::template`]: handlebars fills a format's layer → [`card::template::Svg`]; user
//!      text is laid out by [`card::text`] with the bundled [`card::fonts`].
//!   4. [`card::render`]: usvg parses, resvg paints over the cached background → pixmap.
//!   5. [`card::png`]: fast encoding → [`card::png::Png`].
//! - [`farm`]: many cards. A [`farm::dataset`] of users becomes [`farm::job`]s that the
//!   [`farm::Engine`] renders into a [`farm::sink`], in one process ([`farm::batch`]) or
//!   through a NATS [`farm::queue`] drained by [`farm::worker`]s.
//! - [`server`]: cards over HTTP, from posted stats or a [`server::store`].
//! - [`listening`]: one listener's real listening history (a Spotify export) → their
//!   [`Stats`] for a year, by the rules in the README; a folder of many listeners → a
//!   dataset with the percentile badge ([`listening::population`]).
//! - [`lint`]: every template against fixture users: what a designer would catch by eye
//!   (text in the safe zones, cut or tiny text, tofu, overflow, collisions), fields and
//!   messages the templates and views disagree on, slow renders.
//! - [`studio`]: the designers' page: every card of one person, live as templates, fonts and
//!   stats are saved, beside its [`golden`] image.
//!
//! Arrows point one way: `card` uses nothing above it; `farm` and `server` use `card`; the
//! binary's CLI uses them all; `listening` uses only `card::model`. Every front end renders
//! through [`Renderer::render`] on the long-lived [`card::threads`], so the same input gives
//! the same bytes everywhere. Beside
//! the parts: the one [`Error`] type, the [`opt_out`] list of users who get no card, the
//! Prometheus text of [`metrics`] (with the panic hook
//! that logs and counts every panic), and [`redact`], which masks the secrets of any URL that
//! is shown.

pub mod card;
pub mod error;
pub mod farm;
pub mod golden;
pub mod lint;
pub mod listening;
pub mod metrics;
pub mod opt_out;
pub mod redact;
pub mod server;
pub mod studio;

pub use card::{Card, Encoding, Renderer, Source, Stats};
pub use error::{Error, Result};
