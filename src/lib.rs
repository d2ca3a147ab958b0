//! cardfarm: personal "year in music" story cards, rendered without a browser.
//!
//! The pipeline runs one way, one module per stage:
//!
//! 1. [`model`]: one user's stats, parsed and validated ([`dataset`] reads many).
//! 2. [`view`]: the stats as templates see them, with everything derived in Rust
//!    ([`personality`], [`chart`] geometry, [`locale`] numbers, prepared [`photo`]s).
//! 3. [`template`]: handlebars fills a format's layer → [`template::Svg`]. User text is laid
//!    out by [`text`] with the bundled [`fonts`] and drawn as outlines.
//! 4. [`render`]: usvg parses, resvg paints over the cached background → pixmap.
//! 5. [`png`]: fast encoding → [`png::Png`].
//!
//! The CLI, the HTTP [`server`] (stats from a [`store`]) and the render farm ([`batch`] in one
//! process, or a [`queue`] of [`job`]s drained by [`worker`]s; both through [`farm`] into a
//! [`sink`]) are thin shells over [`render::Renderer::render`], run on long-lived
//! [`threads`].

pub mod batch;
pub mod chart;
pub mod dataset;
pub mod error;
pub mod farm;
pub mod fonts;
pub mod job;
pub mod locale;
pub mod model;
pub mod personality;
pub mod photo;
pub mod png;
pub mod queue;
pub mod render;
pub mod server;
pub mod sink;
pub mod store;
pub mod template;
pub mod text;
pub mod threads;
pub mod view;
pub mod worker;

pub use error::{Error, Result};
pub use model::Stats;
pub use render::{Card, Renderer, Source};
