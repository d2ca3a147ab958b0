//! Cache: rasterized backgrounds on disk, shared by every process that renders, so that a
//! process starts with its backgrounds in milliseconds instead of a second of blurring each.
//!
//! ```text
//! filled background SVG ─┐
//! fonts (if it has text) ├─ SHA-256 ─▶ Key ─▶ <dir>/backgrounds/<key>.bg ─▶ Backdrop
//! renderer version, size ┘
//! ```
//!
//! **Content-addressed.** A background's [`Key`] is a SHA-256 over everything its pixels
//! depend on: the filled SVG's bytes (so the locale's words, the direction, and every glyph
//! outline the text helpers drew with our fonts), the font files usvg may draw `<text>` with
//! (only when the SVG has such an element: without one, no font can reach its pixels), the
//! versions of resvg, usvg, tiny-skia and zlib-rs ([`RENDERER`]), this file format's
//! [`VERSION`] and the size. An edited template, a font change or a renderer bump makes
//! another key, so a stale picture is never found; nothing is ever invalidated.
//!
//! **The file** holds what [`Backdrop`] keeps in memory, losslessly: an opaque background as
//! its PNG row bands (a few hundred KB, decoded to its pixmap in a few milliseconds, and
//! spliced as they are into every card), a translucent one as its raw pixels. A header names
//! the format version, the size and the key, and a CRC-32 of everything ends it. A file that
//! is truncated, corrupt, of another version, size or key, or does not decode is ignored
//! (and, unless read-only, replaced by a fresh raster): it is never drawn.
//!
//! **Writes are atomic**: a temporary file in the same folder, renamed over the key's name.
//! Processes sharing a folder may race to write one key; each writes the same bytes and the
//! last rename wins, and a reader sees a whole file or none. [`Mode::ReadOnly`] (a cache baked
//! into an image) never creates, writes or removes anything.
//!
//! **Pruning.** Every edit of a background makes a new file and leaves the old one. A hit
//! renews its file's modification time, so the time says when a background was last used by
//! any process; [`Cache::prune`] removes the files this process neither loaded nor wrote that
//! nobody used for a while (`cardfarm warm --prune`), and temporary files a crashed writer
//! left.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::Backdrop;
use crate::card::fonts::Fonts;
use crate::card::png::{Bands, BAND_ROWS};

/// The crates whose code decides a cached background's bytes: a bump of any of them is
/// another key. `Cargo.toml` pins them exactly and a test checks these against `Cargo.lock`.
pub const RENDERER: &str = "resvg 0.49.0; usvg 0.49.0; tiny-skia 0.12.0; zlib-rs 0.6.8";

/// The version of this file format and of the key's recipe. Bump it with any change to
/// either, or to how a background is drawn or its bands are made.
pub const VERSION: u32 = 1;

/// The first bytes of every cache file.
const MAGIC: [u8; 8] = *b"CFBKDROP";
/// Magic, version, width, height, key, kind, payload length.
const HEADER: usize = 8 + 4 + 4 + 4 + 32 + 1 + 8;
/// The payload is the background's PNG bands (an opaque background).
const KIND_BANDS: u8 = 0;
/// The payload is the raw premultiplied RGBA pixels (a translucent background).
const KIND_PIXELS: u8 = 1;

/// How a cache may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Read hits; write what was drawn. Default.
    ReadWrite,
    /// Read hits; never create, write or remove a file (a cache baked into an image).
    ReadOnly,
}

/// What identifies a rasterized background: see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key([u8; 32]);

impl Key {
    /// The key of `svg` (a filled background) drawn at `width`×`height`. `fonts` is the
    /// digest of the fonts usvg may draw its `<text>` with ([`crate::card::fonts::Fonts::digest`]);
    /// give it whenever [`may_draw_text`] says the SVG can use them.
    pub fn new(svg: &str, fonts: Option<[u8; 32]>, width: u32, height: u32) -> Key {
        let mut hash = Sha256::new();
        hash.update(b"cardfarm background\0");
        hash.update(VERSION.to_le_bytes());
        hash.update((RENDERER.len() as u64).to_le_bytes());
        hash.update(RENDERER.as_bytes());
        hash.update((BAND_ROWS as u64).to_le_bytes());
        hash.update(crate::card::png::BACKGROUND_LEVEL.to_le_bytes());
        hash.update(width.to_le_bytes());
        hash.update(height.to_le_bytes());
        match fonts {
            Some(digest) => {
                hash.update([1]);
                hash.update(digest);
            }
            None => hash.update([0]),
        }
        hash.update((svg.len() as u64).to_le_bytes());
        hash.update(svg.as_bytes());
        Key(hash.finalize().into())
    }

    /// The key in lowercase hex: the cache file's name.
    pub fn hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The key a cache file's name (without `.bg`) gives, if it is one.
    pub fn from_hex(name: &str) -> Option<Key> {
        let mut key = [0; 32];
        hex::decode_to_slice(name, &mut key).ok()?;
        Some(Key(key))
    }
}

/// Whether usvg could draw text in `svg`, and so use fonts: an element named `text` (with or
/// without a namespace prefix), or a document type declaration, whose entities could expand
/// to one. Errs towards yes: a yes only adds the fonts to the key.
pub fn may_draw_text(svg: &str) -> bool {
    let bytes = svg.as_bytes();
    memchr::memchr_iter(b'<', bytes).any(|i| {
        let rest = &bytes[i + 1..];
        if rest.starts_with(b"!DOCTYPE") || rest.starts_with(b"!ENTITY") {
            return true;
        }
        let name_len = rest
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':')))
            .unwrap_or(rest.len());
        let name = &rest[..name_len];
        let local = match name.iter().rposition(|&b| b == b':') {
            Some(colon) => &name[colon + 1..],
            None => name,
        };
        local == b"text"
    })
}

/// What a lookup found.
#[derive(Debug)]
pub enum Lookup {
    Hit(Backdrop),
    /// No file under the key.
    Miss,
    /// A file that cannot be used, and why: it is not drawn.
    Rejected(String),
}

/// Counts of what a cache did, for logs, metrics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub hits: u64,
    pub misses: u64,
    /// Files found and refused (truncated, corrupt, another version, size or key).
    pub rejected: u64,
    pub written: u64,
    /// Writes that failed (the background is still drawn; the next process draws it again).
    pub write_failures: u64,
}

/// A folder of rasterized backgrounds. See the [module docs](self).
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    mode: Mode,
    hits: AtomicU64,
    misses: AtomicU64,
    rejected: AtomicU64,
    written: AtomicU64,
    write_failures: AtomicU64,
    /// The keys this process loaded or wrote: what [`prune`](Cache::prune) keeps.
    used: Mutex<HashSet<Key>>,
}

/// What [`Cache::prune`] removed and kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Background files removed, and their bytes.
    pub removed: u64,
    pub removed_bytes: u64,
    /// Temporary files of writes that never finished, removed.
    pub leftovers: u64,
    /// Background files kept: used by this process, or by any within the grace period.
    pub kept: u64,
    pub kept_bytes: u64,
}

/// A temporary file younger than this may belong to a write in progress.
const LEFTOVER_AGE: Duration = Duration::from_secs(3600);

impl Cache {
    /// A cache in `dir` (created on the first write, in [`Mode::ReadWrite`]).
    pub fn new(dir: impl Into<PathBuf>, mode: Mode) -> Cache {
        Cache {
            dir: dir.into(),
            mode,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
            written: AtomicU64::new(0),
            write_failures: AtomicU64::new(0),
            used: Mutex::new(HashSet::new()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The file a key's background is kept in.
    pub fn path(&self, key: &Key) -> PathBuf {
        self.dir
            .join("backgrounds")
            .join(format!("{}.bg", key.hex()))
    }

    /// What this cache did so far.
    pub fn counts(&self) -> Counts {
        Counts {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            rejected: self.rejected.load(Ordering::Relaxed),
            written: self.written.load(Ordering::Relaxed),
            write_failures: self.write_failures.load(Ordering::Relaxed),
        }
    }

    /// The background kept under `key`, if there is a good one for a `width`×`height` format.
    pub fn load(&self, key: &Key, width: u32, height: u32) -> Lookup {
        let path = self.path(key);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                return Lookup::Miss;
            }
            Err(e) => return self.reject(&path, format!("cannot be read: {e}")),
        };
        match decode(&bytes, key, width, height) {
            Ok(backdrop) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                self.mark_used(key);
                if self.mode == Mode::ReadWrite {
                    // The file's time says when it was last used, for `prune`. Best effort.
                    let _ = std::fs::File::options()
                        .write(true)
                        .open(&path)
                        .and_then(|f| f.set_modified(SystemTime::now()));
                }
                Lookup::Hit(backdrop)
            }
            Err(why) => self.reject(&path, why),
        }
    }

    fn reject(&self, path: &Path, why: String) -> Lookup {
        self.rejected.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(file = %path.display(), reason = %why, "ignored a cached background; drawing it again");
        Lookup::Rejected(why)
    }

    /// The digest of `fonts` ([`Fonts::digest`]) for a key, remembered in this folder under
    /// the fonts' [`stamp`](Fonts::stamp): hashing 50 MB of fonts costs more than the rest
    /// of a process's start-up, reading 32 bytes nothing. A memo that is not 32 bytes and its
    /// checksum is made again.
    pub fn fonts_digest(&self, fonts: &Fonts) -> [u8; 32] {
        if fonts.has_digest() {
            return fonts.digest();
        }
        let Some(stamp) = fonts.stamp() else {
            return fonts.digest();
        };
        let path = self
            .dir
            .join("fonts")
            .join(format!("{}.digest", hex::encode(stamp)));
        if let Ok(bytes) = std::fs::read(&path) {
            if let Some((digest, crc)) = bytes.split_last_chunk::<4>() {
                if let Ok(digest) = <[u8; 32]>::try_from(digest) {
                    if crc32fast::hash(&digest) == u32::from_le_bytes(*crc) {
                        fonts.remember_digest(digest);
                        return fonts.digest();
                    }
                }
            }
        }
        let digest = fonts.digest();
        if self.mode == Mode::ReadWrite {
            let mut memo = digest.to_vec();
            memo.extend_from_slice(&crc32fast::hash(&digest).to_le_bytes());
            if let Err(e) = write_atomic(&path, &memo) {
                tracing::warn!(file = %path.display(), error = %e, "could not remember the fonts' digest");
            }
        }
        digest
    }

    /// Keeps `backdrop` under `key`, atomically. Does nothing in [`Mode::ReadOnly`]. A failed
    /// write is counted and logged, never an error: the card is drawn all the same.
    pub fn store(&self, key: &Key, backdrop: &Backdrop) {
        if self.mode == Mode::ReadOnly {
            return;
        }
        let path = self.path(key);
        match write_atomic(&path, &encode(key, backdrop)) {
            Ok(()) => {
                self.written.fetch_add(1, Ordering::Relaxed);
                self.mark_used(key);
            }
            Err(e) => {
                self.write_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(file = %path.display(), error = %e, "could not keep a background in the cache");
            }
        }
    }
}

impl Cache {
    fn mark_used(&self, key: &Key) {
        self.used
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(*key);
    }

    /// Removes the background files this process has neither loaded nor written that no
    /// process used in the last `unused_for` (by their modification time, which a hit
    /// renews), and the temporary files of writes that died an hour or more ago. Run it after
    /// warming the backgrounds to keep: they are the ones this process used. Other files in
    /// the folder are left alone. Refused in [`Mode::ReadOnly`].
    pub fn prune(&self, unused_for: Duration) -> std::io::Result<Pruned> {
        if self.mode == Mode::ReadOnly {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the cache is read-only",
            ));
        }
        let used = self
            .used
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let now = SystemTime::now();
        let idle = |meta: &std::fs::Metadata| {
            meta.modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or_default()
        };
        let mut pruned = Pruned::default();
        let entries = match std::fs::read_dir(self.dir.join("backgrounds")) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(pruned),
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            if name.starts_with('.') && name.ends_with(".tmp") {
                if idle(&meta) >= LEFTOVER_AGE && std::fs::remove_file(entry.path()).is_ok() {
                    pruned.leftovers += 1;
                }
                continue;
            }
            let Some(key) = name.strip_suffix(".bg").and_then(Key::from_hex) else {
                continue;
            };
            if !used.contains(&key)
                && idle(&meta) >= unused_for
                && std::fs::remove_file(entry.path()).is_ok()
            {
                pruned.removed += 1;
                pruned.removed_bytes += meta.len();
                continue;
            }
            pruned.kept += 1;
            pruned.kept_bytes += meta.len();
        }
        Ok(pruned)
    }
}

/// A cache file's bytes for `backdrop`.
fn encode(key: &Key, backdrop: &Backdrop) -> Vec<u8> {
    let pixmap = &backdrop.pixmap;
    let mut payload = Vec::new();
    let kind = match &backdrop.bands {
        Some(bands) => {
            bands.write(&mut payload);
            KIND_BANDS
        }
        None => {
            payload.extend_from_slice(pixmap.data());
            KIND_PIXELS
        }
    };
    let mut out = Vec::with_capacity(HEADER + payload.len() + 4);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&pixmap.width().to_le_bytes());
    out.extend_from_slice(&pixmap.height().to_le_bytes());
    out.extend_from_slice(&key.0);
    out.push(kind);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&payload);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// The background in a cache file's bytes, or why they are not one for `key` at
/// `width`×`height`.
fn decode(bytes: &[u8], key: &Key, width: u32, height: u32) -> Result<Backdrop, String> {
    let Some((body, crc)) = bytes.split_last_chunk::<4>() else {
        return Err("truncated".into());
    };
    if body.len() < HEADER {
        return Err("truncated".into());
    }
    if !body.starts_with(&MAGIC) {
        return Err("not a cardfarm background".into());
    }
    let u32_at =
        |at: usize| u32::from_le_bytes([body[at], body[at + 1], body[at + 2], body[at + 3]]);
    let version = u32_at(8);
    if version != VERSION {
        return Err(format!("format version {version}, not {VERSION}"));
    }
    let payload_len = u64::from_le_bytes(body[HEADER - 8..HEADER].try_into().unwrap_or_default());
    if payload_len != (body.len() - HEADER) as u64 {
        return Err(format!(
            "truncated: {} bytes of a {payload_len}-byte picture",
            body.len() - HEADER
        ));
    }
    if crc32fast::hash(body) != u32::from_le_bytes(*crc) {
        return Err("corrupt: its checksum does not match".into());
    }
    if (u32_at(12), u32_at(16)) != (width, height) {
        return Err(format!(
            "{}×{}, not the format's {width}×{height}",
            u32_at(12),
            u32_at(16)
        ));
    }
    if body[20..52] != key.0 {
        return Err("holds another background (its key differs)".into());
    }
    let payload = &body[HEADER..];
    match body[52] {
        KIND_BANDS => {
            let bands = Bands::read(payload, width, height)
                .ok_or_else(|| "its bands do not fit the format".to_string())?;
            let pixmap = bands
                .decode()
                .ok_or_else(|| "its bands do not decode".to_string())?;
            Ok(Backdrop {
                pixmap,
                bands: Some(bands),
            })
        }
        KIND_PIXELS => {
            let size = tiny_skia::IntSize::from_wh(width, height)
                .ok_or_else(|| "an empty size".to_string())?;
            let pixmap = tiny_skia::Pixmap::from_vec(payload.to_vec(), size)
                .ok_or_else(|| "its pixels do not fit the format".to_string())?;
            Ok(Backdrop {
                pixmap,
                bands: None,
            })
        }
        other => Err(format!("an unknown kind of picture ({other})")),
    }
}

/// Writes `bytes` to `path` so that no reader ever sees part of them: a new temporary file
/// beside it, then a rename over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    tag(dir.parent().unwrap_or(dir));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    // The process id alone could repeat across containers sharing the folder: the clock's
    // nanoseconds too. `create_new` refuses a name that exists all the same.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let temp = dir.join(format!(
        ".{name}.{}-{nanos}-{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.flush()?;
        drop(file);
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Marks `dir` as a cache (the Cache Directory Tagging Specification), so backup tools skip
/// it. Best effort.
fn tag(dir: &Path) {
    let file = dir.join("CACHEDIR.TAG");
    if !file.exists() {
        let _ = std::fs::write(
            &file,
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This file marks cardfarm's cache of rasterized backgrounds; any file here can be\n\
             # deleted at any time and is drawn again when needed.\n",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_renderer_versions_are_the_locked_ones() {
        let lock =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
                .expect("Cargo.lock");
        for part in RENDERER.split("; ") {
            let (name, version) = part.split_once(' ').expect("`name version`");
            let entry = format!("name = \"{name}\"\nversion = \"{version}\"\n");
            assert!(
                lock.contains(&entry),
                "Cargo.lock has no {name} {version}: update RENDERER (the cache's key) to the locked version"
            );
        }
    }

    #[test]
    fn text_is_found_with_or_without_a_prefix_and_behind_a_doctype() {
        assert!(!may_draw_text(
            r#"<svg><rect/><path d="M0 0"/><!-- text --></svg>"#
        ));
        assert!(!may_draw_text(r#"<svg><textArea/><g id="text"/></svg>"#));
        assert!(may_draw_text(r#"<svg><text x="1">a</text></svg>"#));
        assert!(may_draw_text(
            r#"<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:text>a</s:text></s:svg>"#
        ));
        assert!(may_draw_text(r#"<!DOCTYPE svg [<!ENTITY t "x">]><svg/>"#));
    }

    #[test]
    fn a_key_changes_with_every_input() {
        let base = Key::new("<svg/>", None, 1080, 1920);
        assert_eq!(base, Key::new("<svg/>", None, 1080, 1920));
        for other in [
            Key::new("<svg />", None, 1080, 1920),
            Key::new("<svg/>", Some([0; 32]), 1080, 1920),
            Key::new("<svg/>", None, 1080, 1080),
            Key::new("<svg/>", None, 1920, 1080),
        ] {
            assert_ne!(base, other);
        }
        assert_ne!(
            Key::new("<svg/>", Some([0; 32]), 1, 1),
            Key::new("<svg/>", Some([1; 32]), 1, 1)
        );
    }
}
