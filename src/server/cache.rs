//! A least-recently-used cache of rendered PNGs, bounded in bytes, keyed by ETag. PNGs are
//! `Bytes`, so a hit shares the buffer with the response instead of copying a megabyte.

use std::sync::Mutex;

use bytes::Bytes;
use lru::LruCache;

/// Recent PNGs by ETag; the oldest are dropped once `capacity` bytes are held.
pub struct PngCache {
    inner: Mutex<Inner>,
    capacity: usize,
}

struct Inner {
    entries: LruCache<String, Bytes>,
    bytes: usize,
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

    pub fn get(&self, etag: &str) -> Option<Bytes> {
        self.lock().entries.get(etag).cloned()
    }

    pub fn put(&self, etag: String, png: Bytes) {
        if png.len() > self.capacity {
            return;
        }
        let mut inner = self.lock();
        inner.bytes += png.len();
        if let Some(old) = inner.entries.put(etag, png) {
            inner.bytes -= old.len();
        }
        while inner.bytes > self.capacity {
            match inner.entries.pop_lru() {
                Some((_, old)) => inner.bytes -= old.len(),
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
}
