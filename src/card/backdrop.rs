//! Backdrop: a format's background, rasterized once, and what is prepared from it for every
//! card drawn over it (its PNG [`Bands`]). Whatever selects a background selects its bands:
//! they are one object, cached in one place ([`crate::card::template`]'s `Background`), and
//! kept on disk across processes by the [`cache`].

pub mod cache;

pub use cache::Cache;

use crate::card::png::{self, Bands, Png};
use crate::error::Result;

/// A rasterized background and its PNG bands.
#[derive(Debug)]
pub struct Backdrop {
    pub pixmap: tiny_skia::Pixmap,
    /// `None` for a translucent background (its cards are encoded whole).
    pub bands: Option<Bands>,
}

impl Backdrop {
    /// Prepares the bands of a rasterized background.
    pub fn new(pixmap: tiny_skia::Pixmap) -> Result<Backdrop> {
        let bands = Bands::prepare(&pixmap)?;
        Ok(Backdrop { pixmap, bands })
    }

    /// Encodes a card drawn over this background: only the bands its layer changed are
    /// compressed; a card the bands cannot make (a translucent pixel) is encoded whole.
    pub fn encode(&self, card: &tiny_skia::Pixmap) -> Result<Png> {
        if let Some(bands) = &self.bands {
            if let Some(png) = bands.encode(card, &self.pixmap)? {
                return Ok(png);
            }
        }
        png::encode(card)
    }
}
