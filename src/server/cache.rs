//! A least-recently-used cache of rendered PNGs, bounded in bytes, keyed by ETag. PNGs are
//! `Bytes`, so a hit shares the buffer with the response instead of copying a megabyte.
//!
//! A card drawn with a placeholder for a photo is kept only for a short while
//! ([`PngCache::put_for`]): its photo may have failed only for now (the same fingerprint can
//! also give the real card), yet drawing it again on every request would let a launch spike
//! on a few such cards cost a render each.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use lru::LruCache;

/// Recent PNGs by ETag; the oldest are dropped once `capacity` bytes are held.
pub struct PngCache {
    inner: Mutex<Inner>,
    capacity: usize,
}

struct Inner {
    entries: LruCache<String, Entry>,
    bytes: usize,
}

struct Entry {
    png: Bytes,
    /// Photos drawn as a placeholder.
    placeholders: usize,
    /// When the entry stops being served; `None`: only evicted by size.
    expires: Option<Instant>,
}

impl PngCache {
    pub fn new(capacity: usize) -> Self {
        PngCache {
            inner: Mutex::new(Inner {
                entries: LruCache::unbounded(),
                bytes: 0,
            }),
            capacity,
        }
    }

    /// The PNG and how many placeholders it holds, unless absent or expired.
    pub fn get(&self, etag: &str) -> Option<(Bytes, usize)> {
        let mut inner = self.lock();
        let entry = inner.entries.get(etag)?;
        if entry.expires.is_some_and(|at| at <= Instant::now()) {
            if let Some(old) = inner.entries.pop(etag) {
                inner.bytes -= old.png.len();
            }
            return None;
        }
        Some((entry.png.clone(), entry.placeholders))
    }

    /// Keeps a card until it is the least recently used past the capacity.
    pub fn put(&self, etag: String, png: Bytes) {
        self.insert(etag, png, 0, None);
    }

    /// Keeps a card drawn with `placeholders` placeholders for at most `ttl`.
    pub fn put_for(&self, etag: String, png: Bytes, placeholders: usize, ttl: Duration) {
        self.insert(etag, png, placeholders, Some(Instant::now() + ttl));
    }

    fn insert(&self, etag: String, png: Bytes, placeholders: usize, expires: Option<Instant>) {
        if png.len() > self.capacity {
            return;
        }
        let mut inner = self.lock();
        inner.bytes += png.len();
        let entry = Entry {
            png,
            placeholders,
            expires,
        };
        if let Some(old) = inner.entries.put(etag, entry) {
            inner.bytes -= old.png.len();
        }
        while inner.bytes > self.capacity {
            match inner.entries.pop_lru() {
                Some((_, old)) => inner.bytes -= old.png.len(),
                None => break,
            }
        }
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_oldest_past_capacity() {
        let cache = PngCache::new(10);
        cache.put("a".into(), Bytes::from(vec![0; 4]));
        cache.put("b".into(), Bytes::from(vec![0; 4]));
        assert!(cache.get("a").is_some()); // a is now the most recent
        cache.put("c".into(), Bytes::from(vec![0; 4]));
        assert!(cache.get("b").is_none(), "b was least recently used");
        assert!(cache.get("a").is_some() && cache.get("c").is_some());
        assert_eq!(cache.bytes(), 8);
        cache.put("huge".into(), Bytes::from(vec![0; 11]));
        assert!(cache.get("huge").is_none());
    }

    #[test]
    fn a_card_with_placeholders_expires() {
        let cache = PngCache::new(100);
        cache.put_for(
            "p".into(),
            Bytes::from(vec![1; 4]),
            2,
            Duration::from_secs(60),
        );
        assert_eq!(cache.get("p"), Some((Bytes::from(vec![1; 4]), 2)));
        cache.put_for("gone".into(), Bytes::from(vec![1; 4]), 1, Duration::ZERO);
        assert_eq!(cache.get("gone"), None, "expired");
        assert_eq!(cache.bytes(), 4, "the expired entry's bytes are released");
    }
}
