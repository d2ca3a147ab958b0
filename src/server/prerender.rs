//! Prerender: cards the farm already drew, handed out instead of drawn again.
//!
//! With [`Config::cards`](super::Config::cards), a stored user's card is looked up in the
//! farm's output at the farm's key (`<prefix>/<user_id>/<template>-<format>.png`) before it is
//! rendered. The stored card is served only when its [`Stamp`] names the fingerprint the card
//! has now (and no placeholder), and its bytes look like a whole PNG of the format's size;
//! anything else is a miss, rendered as without storage and then written back in the
//! background. Storage that is slow or down costs at most
//! [`Config::cards_timeout`](super::Config::cards_timeout) per card, and the card is rendered:
//! it never makes a 5xx. The server checks only the PNG's frame (signature, the IHDR's size,
//! the closing IEND chunk), not its pixels: the farm wrote it, the check catches truncation
//! and stray files.

use std::time::Duration;

use axum::body::Bytes;

use crate::card::Fingerprint;
use crate::farm::sink::{Sink, Stamp};

/// What the lookup of a stored card found; the `outcome` label of
/// `cardfarm_stored_cards_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// The stored card is current: served as it is.
    Served,
    /// Nothing stored (or no stamp): rendered and written back.
    Missing,
    /// Stored with another fingerprint: rendered and written back.
    Stale,
    /// Stored as drawn with a placeholder (a photo that may be back by now): rendered again,
    /// and written back only when drawn whole.
    Placeholder,
    /// Stamped as current but not a whole PNG of the right size: rendered and written back.
    Unreadable,
    /// The storage failed or was too slow: rendered, not written back.
    Error,
}

impl Outcome {
    pub(super) fn label(self) -> &'static str {
        match self {
            Outcome::Served => "served",
            Outcome::Missing => "missing",
            Outcome::Stale => "stale",
            Outcome::Placeholder => "placeholder",
            Outcome::Unreadable => "unreadable",
            Outcome::Error => "error",
        }
    }
}

/// One card as it is looked up in storage.
#[derive(Debug, Clone)]
pub(super) struct Stored {
    pub sink: Sink,
    pub key: String,
    pub fingerprint: Fingerprint,
    /// The format's size in pixels, which the stored PNG must have.
    pub size: (u32, u32),
}

impl Stored {
    /// The stored card's bytes when they are current and whole; else why not. Bounded by
    /// `timeout` (stamp and bytes together).
    pub(super) async fn read(&self, timeout: Duration) -> (Outcome, Option<Bytes>) {
        match tokio::time::timeout(timeout, self.read_unbounded()).await {
            Ok(found) => found,
            Err(_) => {
                tracing::warn!(key = %self.key, ?timeout, "stored card: storage too slow; rendering");
                (Outcome::Error, None)
            }
        }
    }

    async fn read_unbounded(&self) -> (Outcome, Option<Bytes>) {
        let stamp = match self.sink.stamp(&self.key).await {
            Ok(Some(stamp)) => stamp,
            Ok(None) => return (Outcome::Missing, None),
            Err(error) => {
                tracing::warn!(key = %self.key, %error, "stored card: cannot read its stamp; rendering");
                return (Outcome::Error, None);
            }
        };
        if stamp.placeholder {
            return (Outcome::Placeholder, None);
        }
        if !stamp.still_good(&self.fingerprint) {
            return (Outcome::Stale, None);
        }
        let png = match self.sink.get(&self.key).await {
            Ok((png, _)) => png,
            Err(error) => {
                tracing::warn!(key = %self.key, %error, "stored card: cannot read it; rendering");
                return (Outcome::Error, None);
            }
        };
        if !is_whole_png(&png, self.size) {
            tracing::warn!(key = %self.key, bytes = png.len(), "stored card is not a whole PNG; rendering");
            return (Outcome::Unreadable, None);
        }
        (Outcome::Served, Some(Bytes::from(png)))
    }

    /// Writes a freshly rendered card back, stamped with its fingerprint.
    pub(super) async fn write(&self, png: Bytes) -> crate::Result<()> {
        let stamp = Stamp {
            fingerprint: self.fingerprint,
            placeholder: false,
        };
        self.sink.put_card(&self.key, png.to_vec(), &stamp).await
    }
}

/// Whether `png` starts as a PNG of `size` does (signature, then an IHDR naming that size) and
/// ends with the IEND chunk, so a truncated object or another file is refused without decoding.
fn is_whole_png(png: &[u8], (width, height): (u32, u32)) -> bool {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    // Length 13, then the chunk type.
    const IHDR: &[u8] = b"\0\0\0\x0dIHDR";
    const IEND: &[u8] = b"\0\0\0\0IEND\xaeB`\x82";
    let be = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
    png.len() >= SIGNATURE.len() + 25 + IEND.len()
        && png.starts_with(SIGNATURE)
        && &png[8..16] == IHDR
        && be(16) == width
        && be(20) == height
        && png.ends_with(IEND)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Grayscale);
        let mut writer = encoder.write_header().unwrap();
        writer
            .write_image_data(&vec![0; (width * height) as usize])
            .unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn only_a_whole_png_of_the_size_is_whole() {
        let good = png(4, 3);
        assert!(is_whole_png(&good, (4, 3)));
        assert!(!is_whole_png(&good, (3, 4)), "another size");
        assert!(!is_whole_png(&good[..good.len() - 1], (4, 3)), "truncated");
        assert!(!is_whole_png(&good[..20], (4, 3)), "only the header");
        assert!(!is_whole_png(b"", (4, 3)));
        assert!(!is_whole_png(b"<html>not a card</html>", (4, 3)));
    }
}
