//! The page: HTML, CSS and JavaScript compiled into the binary (no build step, no CDN, works
//! offline), and the story safe zones it draws.

use serde::Serialize;

pub const HTML: &str = include_str!("page/index.html");
pub const CSS: &str = include_str!("page/studio.css");
pub const JS: &str = include_str!("page/studio.js");

/// The bands of a 9:16 story that Instagram covers with its own interface (the profile and
/// timestamp at the top, the reply bar and call-to-action at the bottom), in pixels of a
/// 1080×1920 story; other story sizes scale them by height.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SafeZone {
    pub top: u32,
    pub bottom: u32,
    pub height: u32,
    pub source: &'static str,
}

/// Meta's Ads Guide for Instagram Stories (image and carousel specs) says: consider leaving
/// roughly 14% (250 pixels) of the top and 20% (340 pixels) of the bottom free from text and
/// logos. The pixels are used, as in `docs/templates.md` (key text in y = 250…1580); the
/// percentages in the same sentence do not match them at 1920 px (269 and 384 px).
pub const SAFE_ZONE: SafeZone = SafeZone {
    top: 250,
    bottom: 340,
    height: 1920,
    source: "Meta Ads Guide, Instagram Stories specs: leave roughly the top 250 px and the bottom 340 px of a 1080×1920 story free of text and logos",
};
