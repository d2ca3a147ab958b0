//! The page: HTML, CSS and JavaScript compiled into the binary (no build step, no CDN, works
//! offline), and the story safe zones it draws.

pub const HTML: &str = include_str!("page/index.html");
pub const CSS: &str = include_str!("page/studio.css");
pub const JS: &str = include_str!("page/studio.js");

pub use crate::lint::SAFE_ZONE;
