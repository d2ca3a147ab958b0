//! The designers' studio: a page that shows every template × format for one person, and
//! follows every save.
//!
//! ```text
//! files ─watch─▶ Workspace (fonts, templates, people, edits) ─render─▶ cards ─routes─▶ page
//!                      └──────────── change events (SSE) ───────────────────────────▶ page
//! ```
//!
//! - [`workspace`]: what is loaded, the cards rendered from it, and what a change makes stale.
//!   A broken template is set aside with its error; the others keep rendering.
//! - [`watch`](watch()): saving a template, a font, a fixture or the dataset reloads what it
//!   affects.
//! - [`routes`]: the page, its JSON, the cards, goldens with their diffs and the bless button,
//!   and the server-sent events the page follows.
//! - `page/`: the page itself (HTML, CSS, JS), compiled into the binary: no build step, no CDN.

mod page;
pub mod routes;
mod watch;
pub mod workspace;

pub use routes::app;
pub use watch::watch;
pub use workspace::{Config, Who, Workspace};
