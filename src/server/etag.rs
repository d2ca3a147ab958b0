//! ETag: a card's strong validator, which is also its key in the PNG cache. It is the card's
//! [`fingerprint`](crate::card::fingerprint) (everything that decides its pixels, photos'
//! bytes included, so a replaced photo is a new ETag) plus where the stats came from.

use std::path::PathBuf;

use axum::http::{header, HeaderMap};
use sha2::{Digest, Sha256};

use crate::card::Fingerprint;

/// Where a card's stats came from. Part of the ETag (and so of the cache key): the same stats
/// render differently when posted (relative photo paths become placeholders) and when stored
/// beside their photos.
#[derive(Debug, Clone)]
pub(super) enum Origin {
    /// The request body; no image root.
    Posted,
    /// The stats store, with the folder relative image paths resolve against, if any.
    Stored(Option<PathBuf>),
}

impl Origin {
    /// The folder relative image paths resolve against.
    pub(super) fn root(&self) -> Option<&std::path::Path> {
        match self {
            Origin::Posted => None,
            Origin::Stored(root) => root.as_deref(),
        }
    }
}

/// A strong ETag: the card's fingerprint (crate and template version, format, stats, the
/// photos' bytes) and where the stats came from (posted, or stored with which image root).
pub(super) fn etag(fingerprint: &Fingerprint, origin: &Origin) -> String {
    let mut hash = Sha256::new();
    hash.update(fingerprint.0);
    match origin {
        Origin::Posted => hash.update(b"posted"),
        Origin::Stored(None) => hash.update(b"stored"),
        Origin::Stored(Some(root)) => {
            hash.update(b"stored:");
            hash.update(root.as_os_str().as_encoded_bytes());
        }
    }
    format!("\"{}\"", hex::encode(&hash.finalize()[..16]))
}

/// Whether `If-None-Match` names `etag` or is `*` (RFC 9110 §13.1.2: `*` matches any current
/// representation, and a card that can be rendered has one). Weak comparison, as the RFC asks
/// for this header: `W/"x"` matches `"x"`.
pub(super) fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}
