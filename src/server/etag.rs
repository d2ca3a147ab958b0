//! ETag: a card's strong validator, which is also its key in the PNG cache. It covers
//! everything that decides the card's pixels, including where the stats came from.

use std::path::PathBuf;

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::card::model::Stats;

/// Where a card's stats came from. Part of the ETag (and so of the cache key): the same stats
/// render differently when posted (relative photo paths become placeholders) and when stored
/// beside their photos.
pub(super) enum Origin {
    /// The request body; no image root.
    Posted,
    /// The stats store, with the folder relative image paths resolve against, if any.
    Stored(Option<PathBuf>),
}

/// A strong ETag: the crate version, the template and its version, the format, where the stats
/// came from (posted, or stored with which image root) and the stats.
pub(super) fn etag(
    state: &AppState,
    stats: &Stats,
    origin: &Origin,
    template: &str,
    format: &str,
) -> String {
    let version = state
        .renderer
        .templates()
        .get(template, format)
        .map_or(0, |(t, _)| t.version);
    let mut hash = Sha256::new();
    hash.update(env!("CARGO_PKG_VERSION").as_bytes());
    hash.update([0]);
    hash.update(template.as_bytes());
    hash.update(version.to_le_bytes());
    hash.update([0]);
    hash.update(format.as_bytes());
    hash.update([0]);
    match origin {
        Origin::Posted => hash.update(b"posted"),
        Origin::Stored(None) => hash.update(b"stored"),
        Origin::Stored(Some(root)) => {
            hash.update(b"stored:");
            hash.update(root.as_os_str().as_encoded_bytes());
        }
    }
    hash.update([0]);
    hash.update(serde_json::to_vec(stats).unwrap_or_default());
    format!("\"{}\"", hex::encode(&hash.finalize()[..16]))
}

/// Whether `If-None-Match` names `etag` (or is `*`).
pub(super) fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}
