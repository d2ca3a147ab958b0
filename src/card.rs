//! Card: the pipeline for one card, stats → PNG, in its order.
//!
//! ```text
//! stats JSON ─model─▶ Stats ─view─▶ View ─template (handlebars + text layout)─▶ Svg
//!       ─render: usvg parse─▶ Tree ─resvg, over the cached background─▶ Pixmap ─png─▶ Png
//! ```
//!
//! 1. [`model`]: one listener's stats, parsed, validated and cleaned.
//! 2. [`view`]: the stats as templates see them, with everything derived in Rust
//!    ([`view::personality`], [`view::chart`] geometry, [`view::locale`] numbers).
//! 3. [`template`]: the compiled templates; handlebars fills a format's layer → [`template::Svg`].
//!    Every word comes from the locale's message [`catalog`] (Project Fluent).
//!    User text is laid out by [`text`] with the bundled [`fonts`]; artist images come
//!    checked and pre-sized from [`photo`].
//! 4. [`render`]: the stages in order; usvg parses, resvg paints over the cached background.
//! 5. [`png`]: fast encoding → [`png::Png`]; a card over a cached background compresses only
//!    the rows its layer changed ([`backdrop`] keeps the background's compressed bands);
//!    [`encoding`] names the other file formats a card can be delivered in (WebP, JPEG).
//!
//! While linting, the fill stage also records [`layout`] facts (sizes, cuts, tofu, element ids).
//!
//! A card's [`fingerprint`] hashes everything that decides its pixels (stats, template version,
//! format, the photos' bytes) without rendering it: caches and ETags key on it.
//!
//! [`threads`] are the long-lived render threads every front end renders on. This part knows
//! nothing of files of many users, queues, HTTP or storage: those are [`crate::farm`] and
//! [`crate::server`], which use it.

pub mod backdrop;
pub mod catalog;
pub mod encoding;
pub mod fingerprint;
pub mod fonts;
pub mod layout;
pub mod model;
pub mod photo;
pub mod png;
pub mod render;
pub mod template;
pub mod text;
pub mod threads;
pub mod view;

pub use encoding::Encoding;
pub use fingerprint::Fingerprint;
pub use model::Stats;
pub use render::{Card, Encoded, Renderer, Source};
