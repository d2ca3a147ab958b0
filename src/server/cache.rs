//! A least-recently-used cache of rendered PNGs, bounded in bytes, keyed by ETag. PNGs are
//! `Bytes`, so a hit shares the buffer with the response instead of copying a megabyte.
//!
//! A card drawn with a placeholder for a photo is kept only for a short while
//! ([`PngCache::put_for`]): its photo may have failed only for now (the same fingerprint can
//! also give the real card), yet drawing it again on every request would let a launch spike
//! on a few such cards cost a render each. Those cards have a part of the capacity of their
//! own (an eighth), so that the churn of many ordinary cards through the cache cannot evict
//! them before their time.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use lru::LruCache;

/// Recent PNGs by ETag; the oldest are dropped once `capacity` bytes are held.
pub struct PngCache {
    /// Cards kept until they are the least recently used past their share of the capacity.
    lasting: Mutex<Lru>,
    /// Cards kept for a while (drawn with a placeholder).
    brief: Mutex<Lru>,
}

struct Lru {
    entries: LruCache<String, Entry>,
    bytes: usize,
    capacity: usize,
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
        let brief = capacity / 8;
        PngCache {
            lasting: Mutex::new(Lru::new(capacity - brief)),
            brief: Mutex::new(Lru::new(brief)),
        }
    }

    /// The PNG and how many placeholders it holds, unless absent or expired.
    pub fn get(&self, etag: &str) -> Option<(Bytes, usize)> {
        lock(&self.lasting)
            .get(etag)
            .or_else(|| lock(&self.brief).get(etag))
    }

    /// Keeps a card until it is the least recently used past the capacity.
    pub fn put(&self, etag: String, png: Bytes) {
        lock(&self.lasting).insert(etag, png, 0, None);
    }

    /// Keeps a card drawn with `placeholders` placeholders for at most `ttl`.
    pub fn put_for(&self, etag: String, png: Bytes, placeholders: usize, ttl: Duration) {
        lock(&self.brief).insert(etag, png, placeholders, Some(Instant::now() + ttl));
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        lock(&self.lasting).bytes + lock(&self.brief).bytes
    }
}

fn lock(lru: &Mutex<Lru>) -> std::sync::MutexGuard<'_, Lru> {
    lru.lock().unwrap_or_else(|e| e.into_inner())
}

impl Lru {
    fn new(capacity: usize) -> Lru {
        Lru {
            entries: LruCache::unbounded(),
            bytes: 0,
            capacity,
        }
    }

    fn get(&mut self, etag: &str) -> Option<(Bytes, usize)> {
        let entry = self.entries.get(etag)?;
        if entry.expires.is_some_and(|at| at <= Instant::now()) {
            if let Some(old) = self.entries.pop(etag) {
                self.bytes -= old.png.len();
            }
            return None;
        }
        Some((entry.png.clone(), entry.placeholders))
    }

    fn insert(&mut self, etag: String, png: Bytes, placeholders: usize, expires: Option<Instant>) {
        if png.len() > self.capacity {
            return;
        }
        self.bytes += png.len();
        let entry = Entry {
            png,
            placeholders,
            expires,
        };
        if let Some(old) = self.entries.put(etag, entry) {
            self.bytes -= old.png.len();
        }
        while self.bytes > self.capacity {
            match self.entries.pop_lru() {
                Some((_, old)) => self.bytes -= old.png.len(),
                None => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evicts_oldest_past_capacity() {
        let cache = PngCache::new(11); // 10 bytes last, 1 is for brief cards
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
    fn ordinary_cards_do_not_evict_a_brief_one() {
        let cache = PngCache::new(80);
        cache.put_for(
            "p".into(),
            Bytes::from(vec![1; 4]),
            1,
            Duration::from_secs(60),
        );
        for i in 0..100 {
            cache.put(format!("c{i}"), Bytes::from(vec![0; 10]));
        }
        assert!(cache.get("p").is_some());
    }

    #[test]
    fn a_card_with_placeholders_expires() {
        let cache = PngCache::new(100); // 12 bytes for brief cards
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
        cache.put_for(
            "big".into(),
            Bytes::from(vec![1; 13]),
            1,
            Duration::from_secs(60),
        );
        assert_eq!(cache.get("big"), None, "larger than the brief share");
    }
}
